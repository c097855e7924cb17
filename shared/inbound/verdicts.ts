import { SignatureVerificationError } from '../platform/errors';
import { shapeProblems, type ShapeRules } from '../platform/json/shape';
import type { SecretList } from '../platform/secrets';
import { SQS_MAX_MESSAGE_BYTES } from '../platform/topology';
import { buildQueuedWebhook, type QueuedWebhookFields } from './queued-webhook';
import type { Verdict } from './receiver';

/** The steps several provider receivers share, each ending in a receiver verdict. */

export type Rejection = Extract<Verdict, { kind: 'reject' }>;

/** Queue the verified event as the consumers' message, its source and type as routing attributes. */
export function queueVerdict(fields: QueuedWebhookFields, payload: Buffer): Verdict {
  return {
    kind: 'queue',
    body: buildQueuedWebhook(fields, payload, SQS_MAX_MESSAGE_BYTES),
    attributes: { source: fields.source, eventType: fields.eventType },
  };
}

export function rejection(status: number, error: string, message: string): Rejection {
  return { kind: 'reject', status, error, message };
}

/**
 * Runs `check` against the current secrets; when no signature matches, re-reads them once (a secret
 * rotated since the cache was filled) and checks again. A signature failure becomes a 400 verdict.
 */
export async function verifyWithRotation(
  secrets: SecretList,
  check: (keys: readonly string[]) => void,
): Promise<Rejection | undefined> {
  try {
    try {
      check(await secrets.current());
    } catch (error) {
      if (!(error instanceof SignatureVerificationError) || error.reason !== 'no_matching_signature') throw error;
      const refreshed = await secrets.refresh();
      if (!refreshed) throw error;
      check(refreshed);
    }
    return undefined;
  } catch (error) {
    if (error instanceof SignatureVerificationError) return rejection(400, error.reason, error.message);
    throw error;
  }
}

/**
 * Reads a verified body as JSON and checks it is the sender's event envelope. A failure names what
 * is wrong (`invalid_json`, or `notEventCode` with the offending fields) for a 400 answer.
 */
export function parseSignedEnvelope<T>(
  payload: Buffer,
  rules: ShapeRules<T>,
  notEventCode: string,
  sender: string,
): { ok: true; envelope: T } | { ok: false; rejection: Rejection } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload.toString('utf8'));
  } catch {
    return { ok: false, rejection: rejection(400, 'invalid_json', 'The signed body is not valid JSON') };
  }
  const problems = shapeProblems(parsed, rules);
  if (problems.length === 0) return { ok: true, envelope: parsed as T };
  const message = `The signed body is not a ${sender} event (check: ${problems.join(', ')})`;
  return { ok: false, rejection: rejection(400, notEventCode, message) };
}
