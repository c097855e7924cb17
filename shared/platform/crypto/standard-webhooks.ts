import { randomBytes } from 'node:crypto';
import { PlatformError } from '../errors';
import { hmacSha256 } from './hmac';

/**
 * The Standard Webhooks signature scheme (standard-webhooks/standard-webhooks,
 * spec/standard-webhooks.md), which our outbound deliveries carry so receivers can verify them with
 * any of that spec's libraries (npm `standardwebhooks`, `svix`):
 * `webhook-signature: v1,<base64 HMAC-SHA256(key, "<webhook-id>.<webhook-timestamp>.<body>")>`,
 * one space-separated entry per secret while a secret is being rolled. The key is the
 * base64-decoded part of a `whsec_` secret.
 */

const SIGNING_SECRET_PREFIX = 'whsec_';
// The spec's bounds for symmetric secrets: at least 192 bits, at most 512.
const MIN_SIGNING_SECRET_BYTES = 24;
const MAX_SIGNING_SECRET_BYTES = 64;
const GENERATED_SIGNING_SECRET_BYTES = 32;
const SIGNATURE_VERSION = 'v1';

// The spec forbids "." in the id: "<id>.<timestamp>.<body>" must split one way only.
const MESSAGE_ID_PATTERN = /^[A-Za-z0-9_:-]{1,256}$/;
const BASE64_PATTERN = /^[A-Za-z0-9+/]+={0,2}$/;

/** A signing secret is not `whsec_` followed by canonical base64 of 24–64 bytes. */
export class InvalidSigningSecretError extends PlatformError {
  override readonly name = 'InvalidSigningSecretError';
}

/** The key bytes of a `whsec_<base64>` secret. The error never echoes the secret. */
export function parseSigningSecret(secret: string): Uint8Array {
  if (!secret.startsWith(SIGNING_SECRET_PREFIX)) {
    throw new InvalidSigningSecretError(`Signing secret must start with "${SIGNING_SECRET_PREFIX}"`);
  }
  const encoded = secret.slice(SIGNING_SECRET_PREFIX.length);
  const key = Buffer.from(encoded, 'base64');
  // Node's decoder skips characters it does not know; a round trip proves nothing was skipped.
  if (!BASE64_PATTERN.test(encoded) || key.toString('base64') !== encoded) {
    throw new InvalidSigningSecretError(
      `Signing secret must be "${SIGNING_SECRET_PREFIX}" followed by padded standard base64`,
    );
  }
  if (key.length < MIN_SIGNING_SECRET_BYTES || key.length > MAX_SIGNING_SECRET_BYTES) {
    throw new InvalidSigningSecretError(
      `Signing secret decodes to ${key.length} bytes; it must be ` +
        `${MIN_SIGNING_SECRET_BYTES}–${MAX_SIGNING_SECRET_BYTES}`,
    );
  }
  return new Uint8Array(key);
}

export function generateSigningSecret(): string {
  return `${SIGNING_SECRET_PREFIX}${randomBytes(GENERATED_SIGNING_SECRET_BYTES).toString('base64')}`;
}

export interface StandardWebhookMessage {
  /** Stable across retries of one message; receivers deduplicate on it. */
  readonly msgId: string;
  /** Unix seconds of this attempt (not of the event). */
  readonly timestampSeconds: number;
  /** The exact bytes sent. */
  readonly body: string | Uint8Array;
  /** Decoded keys (`parseSigningSecret`), newest first; one signature each. */
  readonly secrets: readonly Uint8Array[];
}

/** The `webhook-signature` value: one `v1,<base64>` entry per secret, space-separated. */
export function signStandardWebhook(message: StandardWebhookMessage): string {
  const { msgId, timestampSeconds, body, secrets } = message;
  if (!MESSAGE_ID_PATTERN.test(msgId)) {
    throw new RangeError('webhook-id must be 1–256 characters of A-Z a-z 0-9 _ : - (no ".")');
  }
  if (!Number.isSafeInteger(timestampSeconds) || timestampSeconds < 0) {
    throw new RangeError('webhook-timestamp must be a non-negative integer number of seconds');
  }
  if (secrets.length === 0) throw new RangeError('At least one signing secret is required');
  return secrets
    .map((key) => `${SIGNATURE_VERSION},${signatureOf(key, msgId, timestampSeconds, body).toString('base64')}`)
    .join(' ');
}

// A type alias, not an interface, so it can be passed wherever a plain header record is expected.
export type StandardWebhookHeaders = {
  readonly 'webhook-id': string;
  readonly 'webhook-timestamp': string;
  readonly 'webhook-signature': string;
};

export function standardWebhookHeaders(message: StandardWebhookMessage): StandardWebhookHeaders {
  return {
    'webhook-id': message.msgId,
    'webhook-timestamp': String(message.timestampSeconds),
    'webhook-signature': signStandardWebhook(message),
  };
}

function signatureOf(key: Uint8Array, msgId: string, timestampSeconds: number, body: string | Uint8Array): Buffer {
  return hmacSha256(key, `${msgId}.${timestampSeconds}.`, body);
}
