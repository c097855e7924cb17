import { SignatureVerificationError } from '../platform/errors';
import { boundedString, matching, oneOf, type ShapeRules } from '../platform/json/shape';
import type { SecretList } from '../platform/secrets';
import { SQUARE_MERCHANT_ID_PATTERN } from './connections/connection-input';
import type { ConnectionsStore, ProviderConnection } from './connections/connections-store';
import type { Verdict } from './receiver';
import { verifySquareSignature } from './signatures/square';
import { rejection } from './verdicts';

/**
 * Square's side of the receiver: its handled event types, its envelope, and its verification.
 * Square signs `notificationUrl + body`. The URL tried first is the configured one
 * (SQUARE_NOTIFICATION_URL); when it does not match, the connection of the body's `merchant_id` (read
 * from the still unverified body only to choose the URL) may name the URL that merchant registered.
 * Then, as for Stripe, the key is re-read once in case it was rotated.
 */

export interface SquareVerificationDependencies {
  readonly keys: SecretList;
  readonly notificationUrl: string | undefined;
  readonly connections: Pick<ConnectionsStore, 'connectionOf'>;
  /** Says why nothing could match when no URL is known at all. */
  readonly warn: (message: string) => void;
}

export interface SquareVerified {
  /** Whether the merchant's connection was read (it is only when the configured URL did not match). */
  readonly lookedUp: boolean;
  readonly connection: ProviderConnection | undefined;
}

/** The verification could not be completed (the connections table did not answer): Square should retry. */
export class VerificationUnavailableError extends Error {
  override readonly name = 'VerificationUnavailableError';
}

/** The unverified body's `merchant_id`, used only to choose which notification URL to verify against. */
function peekMerchantId(payload: Buffer): string | undefined {
  try {
    const body: unknown = JSON.parse(payload.toString('utf8'));
    const merchantId =
      typeof body === 'object' && body !== null ? (body as Record<string, unknown>).merchant_id : undefined;
    return typeof merchantId === 'string' && SQUARE_MERCHANT_ID_PATTERN.test(merchantId) ? merchantId : undefined;
  } catch {
    return undefined;
  }
}

/** True when the header matches one key for one URL; false on a mismatch; throws when it is missing or malformed. */
function matches(payload: Buffer, signature: string | undefined, keys: readonly string[], urls: readonly string[]) {
  try {
    verifySquareSignature({ payload, header: signature, keys, notificationUrls: urls });
    return true;
  } catch (error) {
    if (error instanceof SignatureVerificationError && error.reason === 'no_matching_signature') return false;
    throw error;
  }
}

/** Throws SignatureVerificationError (the sender's fault) or VerificationUnavailableError (ours). */
export async function verifySquareWebhook(
  deps: SquareVerificationDependencies,
  payload: Buffer,
  signature: string | undefined,
): Promise<SquareVerified> {
  const urls: string[] = deps.notificationUrl === undefined ? [] : [deps.notificationUrl];
  const keys = await deps.keys.current();
  // Throws for a missing or malformed header before any lookup.
  if (matches(payload, signature, keys, urls)) return { lookedUp: false, connection: undefined };

  // Not the configured URL: the URL this merchant registered, if its connection names one.
  const merchantId = peekMerchantId(payload);
  let connection: ProviderConnection | undefined;
  if (merchantId !== undefined) {
    try {
      connection = await deps.connections.connectionOf('square', merchantId);
    } catch (error) {
      throw new VerificationUnavailableError('Could not read the merchant connection', { cause: error });
    }
    const own = connection?.notificationUrl;
    if (own && !urls.includes(own)) {
      urls.push(own);
      if (matches(payload, signature, keys, [own])) return { lookedUp: true, connection };
    }
  }

  // A key rotated in Secrets Manager since the cache was filled: re-read once and retry.
  const refreshed = await deps.keys.refresh();
  if (refreshed && matches(payload, signature, refreshed, urls))
    return { lookedUp: merchantId !== undefined, connection };
  if (urls.length === 0)
    deps.warn(
      'No notification URL to verify against: SQUARE_NOTIFICATION_URL is unset and the merchant has no connection URL',
    );
  throw new SignatureVerificationError(
    'no_matching_signature',
    'No signature matches the payload for any configured key and notification URL',
  );
}

export const SQUARE_HANDLED_EVENT_TYPES = [
  'inventory.count.updated',
  'catalog.version.updated',
  // The seller revoked the application's access: the catalog consumer marks the connection revoked.
  'oauth.authorization.revoked',
] as const;
export type SquareHandledEventType = (typeof SQUARE_HANDLED_EVENT_TYPES)[number];

export const isSquareHandledEventType = oneOf(SQUARE_HANDLED_EVENT_TYPES);

/**
 * What the ingest needs of Square's envelope (`merchant_id`, `type`, `event_id`; `created_at` and `data`
 * pass through).
 */
export interface SquareEnvelope {
  readonly merchant_id: string;
  readonly type: string;
  readonly event_id: string;
}
export const SQUARE_ENVELOPE_RULES: ShapeRules<SquareEnvelope> = {
  merchant_id: matching(SQUARE_MERCHANT_ID_PATTERN),
  type: boundedString(1, 256),
  event_id: boundedString(1, 256),
};

/** The verification as the receiver needs it: who was looked up, or the verdict that ends the request. */
export async function squareVerdict(
  verification: SquareVerificationDependencies,
  payload: Buffer,
  signature: string | undefined,
): Promise<SquareVerified | Verdict> {
  try {
    return await verifySquareWebhook(verification, payload, signature);
  } catch (error) {
    if (error instanceof SignatureVerificationError) return rejection(400, error.reason, error.message);
    if (!(error instanceof VerificationUnavailableError)) throw error;
    return {
      kind: 'unavailable',
      message: 'The signature could not be checked right now; Square will retry',
      log: 'Square signature could not be checked; answering 500 so Square retries',
      cause: error,
    };
  }
}
