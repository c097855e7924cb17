import { randomBytes } from 'node:crypto';
import type { Provider } from '../connections-store';

/**
 * The OAuth `state`: a single-use nonce, stored server-side, binding the consent the browser comes
 * back with to the organisation and user that asked for it (and, for Shopify, to the shop). It lives
 * ten minutes; taking it deletes it, so a replayed callback finds nothing.
 */

export const OAUTH_STATE_TTL_SECONDS = 600;

export interface OAuthState {
  /** URL-safe (`[A-Za-z0-9_-]`), 256 bits. */
  readonly nonce: string;
  readonly provider: Provider;
  readonly orgId: string;
  /** The `sub` of the admin who asked; null when the token carried none. */
  readonly subject: string | null;
  /** Shopify: the shop the authorize URL was minted for. */
  readonly shop: string | null;
  readonly createdAt: string;
  /** Epoch seconds; also the item's TTL. */
  readonly expiresAt: number;
}

export type StateProblem = 'unknown_state' | 'expired_state' | 'wrong_provider' | 'shop_mismatch';

export function newOAuthState(input: {
  provider: Provider;
  orgId: string;
  subject: string | undefined;
  shop?: string;
  now: Date;
}): OAuthState {
  return {
    nonce: randomBytes(32).toString('base64url'),
    provider: input.provider,
    orgId: input.orgId,
    subject: input.subject ?? null,
    shop: input.shop ?? null,
    createdAt: input.now.toISOString(),
    expiresAt: Math.floor(input.now.getTime() / 1000) + OAUTH_STATE_TTL_SECONDS,
  };
}

/** Whether a state taken from the store may complete this callback; undefined when it may. */
export function stateProblem(
  state: OAuthState | undefined,
  callback: { provider: Provider; shop?: string },
  now: Date,
): StateProblem | undefined {
  if (!state) return 'unknown_state';
  if (state.expiresAt * 1000 <= now.getTime()) return 'expired_state';
  if (state.provider !== callback.provider) return 'wrong_provider';
  if (callback.shop !== undefined && state.shop !== callback.shop) return 'shop_mismatch';
  return undefined;
}

/** States are `[A-Za-z0-9_-]{43}`; anything else is refused before a lookup. */
export function isStateNonce(value: string | undefined): value is string {
  return value !== undefined && /^[A-Za-z0-9_-]{43}$/.test(value);
}
