import { render } from 'preact';
import { App } from './app';
import { loadConfig } from './config';
import { completeOidcSignIn } from './oidc';
import { loadSession, saveSession, sessionFromToken } from './session';

/** Boot: read config.json, finish an OIDC return if this is one, then render. */
async function boot(root: HTMLElement): Promise<void> {
  const config = await loadConfig();
  if (config.mode === 'oidc') {
    const token = await completeOidcSignIn(config);
    const session = token ? sessionFromToken(token) : null;
    if (session) saveSession(session);
  }
  render(<App config={config} initial={loadSession()} />, root);
}

const root = document.getElementById('app');
if (root) {
  boot(root).catch((error: unknown) => {
    root.textContent = `The console could not start: ${error instanceof Error ? error.message : String(error)}`;
  });
}
