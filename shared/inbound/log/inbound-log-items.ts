import type { InboundEntry } from './inbound-event';

/**
 * The inbound log's item layout and write requests as plain data (layout: inbound-log-store.ts), shared
 * by the store over the SDK and the sources ingest's lean writer (shared/inbound/ingest-records.ts),
 * which must not load the SDK.
 */

export const UNATTRIBUTED = 'UNATTRIBUTED';

export type LogOwner = { readonly orgId: string } | typeof UNATTRIBUTED;

/** What a receiver or consumer writes to the log; the store adds reading bodies and listing. */
export interface InboundLogWriter {
  get(id: string): Promise<InboundEntry | undefined>;
  /** Stores the first receipt of an event with its first outcome; `exists` when another receipt was first. */
  create(entry: InboundEntry, body: Buffer): Promise<'created' | 'exists'>;
  /** Stores the outcome of a later try (leaves receive count and body alone). */
  saveTry(entry: InboundEntry): Promise<void>;
  /** Counts a duplicate receipt. */
  countReceipt(id: string): Promise<void>;
}

/** The body in its item, or where in the bucket it is. */
export type StoredBody = { readonly body: string } | { readonly bodyKey: string };

export const inboundKey = (id: string) => ({ pk: `INBOUND#${id}`, sk: 'EVENT' });
export const ownerKey = (owner: LogOwner) => (owner === UNATTRIBUTED ? UNATTRIBUTED : `ORG#${owner.orgId}`);
const ownerOf = (entry: InboundEntry) => ownerKey(entry.orgId === null ? UNATTRIBUTED : { orgId: entry.orgId });
const INTERNAL_ATTRIBUTES = ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'body', 'bodyKey', 'bodyBytes'];

export function toEntry(item: Record<string, unknown>): InboundEntry {
  const entry = { ...item };
  for (const name of INTERNAL_ATTRIBUTES) delete entry[name];
  return entry as unknown as InboundEntry;
}

/** The item of a first receipt (written only if absent). */
export function inboundItem(entry: InboundEntry, stored: StoredBody, bodyBytes: number): Record<string, unknown> {
  return {
    ...inboundKey(entry.id),
    ...entry,
    ...stored,
    bodyBytes,
    gsi1pk: ownerOf(entry),
    gsi1sk: `${entry.receivedAt}#${entry.id}`,
  };
}

/** The update that records a later try's outcome on an entry that exists. */
export function saveTryUpdate(tableName: string, entry: InboundEntry) {
  const optional = { reason: entry.reason, firstFailedAt: entry.firstFailedAt };
  const present = Object.entries(optional).filter(([, value]) => value !== undefined);
  const absent = Object.entries(optional).filter(([, value]) => value === undefined);
  const sets = [
    '#status = :status',
    'tries = :tries',
    'lastTriedAt = :lastTriedAt',
    'orgId = :orgId',
    'effects = :effects',
    'gsi1pk = :owner',
  ];
  return {
    TableName: tableName,
    Key: inboundKey(entry.id),
    UpdateExpression:
      `SET ${[...sets, ...present.map(([name]) => `${name} = :${name}`)].join(', ')}` +
      (absent.length ? ` REMOVE ${absent.map(([name]) => name).join(', ')}` : ''),
    ConditionExpression: 'attribute_exists(pk)',
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: {
      ':status': entry.status,
      ':tries': entry.tries,
      ':lastTriedAt': entry.lastTriedAt,
      ':orgId': entry.orgId,
      ':effects': entry.effects,
      ':owner': ownerOf(entry),
      ...Object.fromEntries(present.map(([name, value]) => [`:${name}`, value])),
    },
  };
}

/** The update that counts a duplicate receipt of an entry that exists. */
export function countReceiptUpdate(tableName: string, id: string) {
  return {
    TableName: tableName,
    Key: inboundKey(id),
    UpdateExpression: 'ADD receiveCount :one',
    ConditionExpression: 'attribute_exists(pk)',
    ExpressionAttributeValues: { ':one': 1 },
  };
}
