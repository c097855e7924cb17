/** What a provider's token endpoint grants, in plaintext: only ever held in memory, then encrypted. */
export interface TokenGrant {
  readonly accessToken: string;
  readonly refreshToken: string | null;
  readonly accessExpiresAt: string | null;
  readonly refreshExpiresAt: string | null;
  readonly scopes: readonly string[];
}

/** An ISO time `seconds` after `now`, or null when the provider gave no lifetime. */
export function expiresAfter(now: Date, seconds: number | null | undefined): string | null {
  return typeof seconds === 'number' && seconds > 0 ? new Date(now.getTime() + seconds * 1000).toISOString() : null;
}
