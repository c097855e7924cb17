import { render } from 'preact';
import { useState } from 'preact/hooks';
import { createApi } from './api';
import { Page, type PageContext } from './context';
import { Nav, parseRoute } from './nav';
import { ownerPaths, parseOwner } from './owner';
import { sessionFromToken } from './session';
import { WebhooksRoutes } from './pages/webhooks';
import styles from './styles.css';

/**
 * The embeddable webhooks portal: `<betterdata-webhooks token="…" owner="org_123" api-url="https://…">`.
 * One script, no iframe: the pages render in a shadow root (the host's styles cannot break them),
 * follow the host's font and `--bd-accent` colour through inherited CSS custom properties, and call
 * the API with the host's token (the API's CORS must list the host's origin). Write controls show
 * when the token's role is admin. The route lives in memory: the host page owns the address bar.
 */

// The script's own origin is the default API for deployments that serve both from one host.
const scriptOrigin = (() => {
  const src = (document.currentScript as HTMLScriptElement | null)?.src;
  return src ? new URL(src).origin : location.origin;
})();

function Portal({ page }: { page: PageContext }) {
  const [route, setRoute] = useState('/webhooks');
  return (
    <Page.Provider value={page}>
      <Nav.Provider value={setRoute}>
        <div class="portal">
          {route !== '/webhooks' ? (
            <p>
              <a href="#/webhooks" onClick={(e) => (e.preventDefault(), setRoute('/webhooks'))}>
                ← All endpoints
              </a>
            </p>
          ) : null}
          <WebhooksRoutes parts={parseRoute(route).parts} />
        </div>
      </Nav.Provider>
    </Page.Provider>
  );
}

export class BetterdataWebhooks extends HTMLElement {
  static observedAttributes = ['token', 'owner', 'api-url'];
  readonly #root: ShadowRoot;

  constructor() {
    super();
    this.#root = this.attachShadow({ mode: 'open' });
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(styles);
    this.#root.adoptedStyleSheets = [sheet];
  }

  connectedCallback(): void {
    this.#render();
  }

  attributeChangedCallback(): void {
    if (this.isConnected) this.#render();
  }

  disconnectedCallback(): void {
    render(null, this.#root);
  }

  #render(): void {
    const token = this.getAttribute('token') ?? '';
    const session = token ? sessionFromToken(token) : null;
    const owner = parseOwner(this.getAttribute('owner') ?? session?.owner ?? '');
    if (!token || !owner) {
      render(<p class="error">Set the token and owner attributes of &lt;betterdata-webhooks&gt;.</p>, this.#root);
      return;
    }
    const page: PageContext = {
      api: createApi((this.getAttribute('api-url') ?? scriptOrigin).replace(/\/+$/, ''), () =>
        this.getAttribute('token'),
      ),
      owner,
      paths: ownerPaths(owner),
      canWrite: session?.role === 'admin',
    };
    render(<Portal key={`${owner.kind}:${owner.id}:${token}`} page={page} />, this.#root);
  }
}

if (!customElements.get('betterdata-webhooks')) customElements.define('betterdata-webhooks', BetterdataWebhooks);
