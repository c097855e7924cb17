/**
 * Who is signed in: the bearer token (kept in sessionStorage so a reload keeps the session but a new
 * tab or a closed browser does not) and the claims the UI needs to choose what to show. The API
 * checks every claim again; the UI only hides what would be refused.
 */

export interface Session {
  readonly token: string;
  readonly owner: string;
  readonly role: 'admin' | 'member';
  readonly subject: string;
  readonly expiresAt: number;
}

const KEY = 'betterdata.console.session';

function decodeClaims(token: string): Record<string, unknown> | null {
  const payload = token.split('.')[1];
  if (!payload) return null;
  try {
    const base64 = payload.replace(/-/g, '+').replace(/_/g, '/');
    return JSON.parse(atob(base64.padEnd(base64.length + ((4 - (base64.length % 4)) % 4), '='))) as Record<
      string,
      unknown
    >;
  } catch {
    return null;
  }
}

export function sessionFromToken(token: string): Session | null {
  const claims = decodeClaims(token);
  if (!claims) return null;
  const owner =
    typeof claims.org_id === 'string'
      ? claims.org_id
      : typeof claims.merchant_id === 'string'
        ? `merchant:${claims.merchant_id}`
        : null;
  if (!owner) return null;
  return {
    token,
    owner,
    role: claims.role === 'admin' ? 'admin' : 'member',
    subject: typeof claims.sub === 'string' ? claims.sub : 'unknown',
    expiresAt: typeof claims.exp === 'number' ? claims.exp * 1000 : Date.now() + 3_600_000,
  };
}

export function loadSession(now = Date.now()): Session | null {
  const token = sessionStorage.getItem(KEY);
  const session = token ? sessionFromToken(token) : null;
  if (session && session.expiresAt > now) return session;
  sessionStorage.removeItem(KEY);
  return null;
}

export function saveSession(session: Session): void {
  sessionStorage.setItem(KEY, session.token);
}

export function clearSession(): void {
  sessionStorage.removeItem(KEY);
}
