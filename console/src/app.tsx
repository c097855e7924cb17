import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { createApi } from './api';
import type { ConsoleConfig } from './config';
import { Page } from './context';
import { startOidcSignIn } from './oidc';
import { ownerPaths, parseOwner } from './owner';
import { parseRoute } from './nav';
import { clearSession, saveSession, sessionFromToken, type Session } from './session';
import { ErrorText, useAction } from './ui';
import { AuditPage } from './pages/audit';
import { HealthPage } from './pages/health';
import { InboundPage } from './pages/inbound';
import { IntegrationsPage } from './pages/integrations';
import { DeliveriesPage, WebhooksRoutes } from './pages/webhooks';

/** The console: sign-in, then the pages under a header and a navigation bar, routed on the hash. */

const NAV: readonly { route: string; label: string; orgOnly?: boolean }[] = [
  { route: 'integrations', label: 'Integrations', orgOnly: true },
  { route: 'webhooks', label: 'Webhooks' },
  { route: 'deliveries', label: 'Delivery log' },
  { route: 'health', label: 'Health' },
  { route: 'inbound', label: 'Inbound events', orgOnly: true },
  { route: 'audit', label: 'Audit & alerts', orgOnly: true },
];

/** An OAuth callback lands on the console's root with `?connected=` or `?error=`: show it on Integrations. */
function initialHash(): string {
  const params = new URLSearchParams(location.search);
  if (location.hash || !(params.has('connected') || params.has('error'))) return location.hash;
  history.replaceState(null, '', `${location.pathname}${location.search}#/integrations`);
  return location.hash;
}

function useHashRoute(): string {
  const [hash, setHash] = useState(initialHash);
  useEffect(() => {
    const onChange = () => setHash(location.hash);
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return hash.replace(/^#\/?/, '/') || '/webhooks';
}

export function App({ config, initial }: { config: ConsoleConfig; initial: Session | null }) {
  const [session, setSession] = useState(initial);
  const signOut = () => {
    clearSession();
    setSession(null);
  };
  if (!session) return <SignIn config={config} onSignedIn={setSession} />;
  return <Console config={config} session={session} onSignOut={signOut} />;
}

function Console({ config, session, onSignOut }: { config: ConsoleConfig; session: Session; onSignOut: () => void }) {
  const route = useHashRoute();
  const { parts } = parseRoute(route);
  const owner = parseOwner(session.owner)!;
  const page = useMemo(
    () => ({
      api: createApi(config.apiUrl, () => session.token, onSignOut),
      owner,
      paths: ownerPaths(owner),
      canWrite: session.role === 'admin',
    }),
    [session.token],
  );
  const main = useRef<HTMLElement>(null);
  useEffect(() => main.current?.focus({ preventScroll: true }), [route]);
  const section = parts[0] ?? 'webhooks';
  const nav = NAV.filter((item) => owner.kind === 'org' || !item.orgOnly);
  return (
    <Page.Provider value={page}>
      <a class="skip" href="#main" onClick={(e) => (e.preventDefault(), main.current?.focus())}>
        Skip to content
      </a>
      <header class="top">
        <span class="brand">Better Data · Integrations</span>
        <span class="who">
          {session.owner} · {session.role}
        </span>
        <button type="button" onClick={onSignOut}>
          Sign out
        </button>
      </header>
      <nav aria-label="Console">
        <ul>
          {nav.map((item) => (
            <li key={item.route}>
              <a href={`#/${item.route}`} aria-current={section === item.route ? 'page' : undefined}>
                {item.label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" ref={main} tabIndex={-1}>
        <h1 class="visually-hidden">{nav.find((item) => item.route === section)?.label ?? 'Console'}</h1>
        <Routed section={section} parts={parts} />
      </main>
    </Page.Provider>
  );
}

function Routed({ section, parts }: { section: string; parts: readonly string[] }) {
  switch (section) {
    case 'integrations':
      return <IntegrationsPage />;
    case 'deliveries':
      return <DeliveriesPage />;
    case 'health':
      return <HealthPage />;
    case 'inbound':
      return <InboundPage />;
    case 'audit':
      return <AuditPage />;
    default:
      return <WebhooksRoutes parts={parts} />;
  }
}

function SignIn({ config, onSignedIn }: { config: ConsoleConfig; onSignedIn: (session: Session) => void }) {
  const [owner, setOwner] = useState('org_123');
  const [role, setRole] = useState<'admin' | 'member'>('admin');
  const signIn = useAction(async () => {
    if (config.mode === 'oidc') return startOidcSignIn(config);
    const response = await fetch(new URL('dev-token', document.baseURI).toString(), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ owner, role }),
    });
    const body = (await response.json()) as { token?: string; detail?: string };
    if (!response.ok || !body.token) throw new Error(body.detail ?? `Sign-in failed (${response.status})`);
    const session = sessionFromToken(body.token);
    if (!session) throw new Error('The token has no organisation or merchant');
    saveSession(session);
    onSignedIn(session);
  });
  return (
    <main id="main" class="signin">
      <h1>Better Data · Integrations</h1>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void signIn.run();
        }}
      >
        {config.mode === 'dev' ? (
          <>
            <p class="notice">Local development sign-in: mints a token signed with the local runtime's DEV secret.</p>
            <label for="signin-owner">Organisation (or merchant:&lt;id&gt;)</label>
            <input id="signin-owner" value={owner} required onInput={(e) => setOwner(e.currentTarget.value)} />
            <label for="signin-role">Role</label>
            <select
              id="signin-role"
              value={role}
              onChange={(e) => setRole(e.currentTarget.value as 'admin' | 'member')}
            >
              <option value="admin">admin (can change things)</option>
              <option value="member">member (read only)</option>
            </select>
          </>
        ) : null}
        <button type="submit" class="primary" disabled={signIn.busy}>
          Sign in
        </button>
        <ErrorText error={signIn.error} />
      </form>
    </main>
  );
}
