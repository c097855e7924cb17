import { GetCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { putWhen } from '../../platform/aws/conditional-writes';
import { decodeCursor, encodeCursor } from '../../platform/aws/pagination';
import type { ObjectStore } from '../../platform/aws/object-store';
import type { InboundEntry, InboundProvider, InboundStatus } from './inbound-event';

/**
 * The inbound event log in DynamoDB (table `inbound`), bodies too large for an item in S3.
 *
 * - `INBOUND#<id>` / `EVENT`: the entry; `gsi1pk` = `ORG#<org>` or `UNATTRIBUTED`, `gsi1sk` =
 *   `<receivedAt>#<id>`, so index `byOwner` lists an owner's events newest first by time range.
 * - A body over INLINE_BODY_MAX_BYTES is written to `<bucket>/<id>/<receiptId>` before its item
 *   (claim-check): an item never points at a body that is not there.
 */

/** Leaves room in the 400 KB item for headers, effects and keys. */
export const INLINE_BODY_MAX_BYTES = 200 * 1024;
export const UNATTRIBUTED = 'UNATTRIBUTED';

export type LogOwner = { readonly orgId: string } | typeof UNATTRIBUTED;

export interface LogQuery {
  readonly provider?: InboundProvider;
  readonly types?: readonly string[];
  readonly status?: InboundStatus;
  /** ISO instants, inclusive. */
  readonly since?: string;
  readonly until?: string;
  readonly limit: number;
  readonly cursor?: string;
}

export interface InboundLogStore {
  get(id: string): Promise<InboundEntry | undefined>;
  /** The raw body of the receipt that was processed. */
  body(id: string): Promise<Buffer | undefined>;
  /** Stores the first receipt of an event with its first outcome; `exists` when another receipt was first. */
  create(entry: InboundEntry, body: Buffer): Promise<'created' | 'exists'>;
  /** Stores the outcome of a later try (leaves receive count and body alone). */
  saveTry(entry: InboundEntry): Promise<void>;
  /** Counts a duplicate receipt. */
  countReceipt(id: string): Promise<void>;
  list(owner: LogOwner, query: LogQuery): Promise<{ items: InboundEntry[]; nextCursor: string | null }>;
}

const key = (id: string) => ({ pk: `INBOUND#${id}`, sk: 'EVENT' });
const ownerKey = (owner: LogOwner) => (owner === UNATTRIBUTED ? UNATTRIBUTED : `ORG#${owner.orgId}`);
const ownerOf = (entry: InboundEntry) => ownerKey(entry.orgId === null ? UNATTRIBUTED : { orgId: entry.orgId });
const INTERNAL_ATTRIBUTES = ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'body', 'bodyKey', 'bodyBytes'];

function toEntry(item: Record<string, unknown>): InboundEntry {
  const entry = { ...item };
  for (const name of INTERNAL_ATTRIBUTES) delete entry[name];
  return entry as unknown as InboundEntry;
}

/** `since`/`until` as bounds of `<receivedAt>#<id>` sort keys. */
function timeRange(query: LogQuery): { from: string; to: string } {
  return { from: query.since ?? '0', to: `${query.until ?? '9'}#~` };
}

function filterOf(query: LogQuery) {
  const clauses: string[] = [];
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  if (query.provider) {
    clauses.push('#provider = :provider');
    names['#provider'] = 'provider';
    values[':provider'] = query.provider;
  }
  if (query.status) {
    clauses.push('#status = :status');
    names['#status'] = 'status';
    values[':status'] = query.status;
  }
  if (query.types?.length) {
    const placeholders = query.types.map((type, index) => {
      values[`:type${index}`] = type;
      return `:type${index}`;
    });
    clauses.push(`#type IN (${placeholders.join(', ')})`);
    names['#type'] = 'type';
  }
  return { clauses, names, values };
}

/** What every store operation works with. */
interface LogContext {
  readonly documents: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly bodies?: ObjectStore;
}

async function getEntry({ documents, tableName }: LogContext, id: string): Promise<InboundEntry | undefined> {
  const result = await documents.send(new GetCommand({ TableName: tableName, Key: key(id), ConsistentRead: true }));
  return result.Item ? toEntry(result.Item) : undefined;
}

async function readBody({ documents, tableName, bodies }: LogContext, id: string): Promise<Buffer | undefined> {
  const result = await documents.send(
    new GetCommand({ TableName: tableName, Key: key(id), ProjectionExpression: 'body, bodyKey', ConsistentRead: true }),
  );
  const item = result.Item;
  if (!item) return undefined;
  if (typeof item.body === 'string') return Buffer.from(item.body, 'utf8');
  if (!bodies) throw new Error(`The body of inbound event ${id} is in the bucket, which this store cannot read`);
  return bodies.get(String(item.bodyKey));
}

/** Claim-check: a body too large for the item goes to the bucket first, so no item points at a missing body. */
async function storedBody({ bodies }: LogContext, entry: InboundEntry, body: Buffer): Promise<Record<string, unknown>> {
  if (!bodies || body.length <= INLINE_BODY_MAX_BYTES) return { body: body.toString('utf8') };
  const bodyKey = `${entry.id}/${entry.receiptId}`;
  await bodies.put(bodyKey, body);
  return { bodyKey };
}

async function createEntry(context: LogContext, entry: InboundEntry, body: Buffer): Promise<'created' | 'exists'> {
  const item = {
    ...key(entry.id),
    ...entry,
    ...(await storedBody(context, entry, body)),
    bodyBytes: body.length,
    gsi1pk: ownerOf(entry),
    gsi1sk: `${entry.receivedAt}#${entry.id}`,
  };
  const created = await putWhen(context.documents, context.tableName, item, {
    expression: 'attribute_not_exists(pk)',
  });
  return created ? 'created' : 'exists';
}

const TRY_ATTRIBUTES = [
  '#status = :status',
  'tries = :tries',
  'lastTriedAt = :lastTriedAt',
  'orgId = :orgId',
  'effects = :effects',
  'gsi1pk = :owner',
];

async function saveTry({ documents, tableName }: LogContext, entry: InboundEntry): Promise<void> {
  // A try that succeeds after a failure removes the failure's reason rather than leaving it stale.
  const optional = { reason: entry.reason, firstFailedAt: entry.firstFailedAt };
  const present = Object.entries(optional).filter(([, value]) => value !== undefined);
  const absent = Object.entries(optional).filter(([, value]) => value === undefined);
  await documents.send(
    new UpdateCommand({
      TableName: tableName,
      Key: key(entry.id),
      UpdateExpression:
        `SET ${[...TRY_ATTRIBUTES, ...present.map(([name]) => `${name} = :${name}`)].join(', ')}` +
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
    }),
  );
}

async function countReceipt({ documents, tableName }: LogContext, id: string): Promise<void> {
  await documents.send(
    new UpdateCommand({
      TableName: tableName,
      Key: key(id),
      UpdateExpression: 'ADD receiveCount :one',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':one': 1 },
    }),
  );
}

async function listEntries(
  { documents, tableName }: LogContext,
  owner: LogOwner,
  query: LogQuery,
): Promise<{ items: InboundEntry[]; nextCursor: string | null }> {
  const gsi1pk = ownerKey(owner);
  const { from, to } = timeRange(query);
  const filter = filterOf(query);
  const result = await documents.send(
    new QueryCommand({
      TableName: tableName,
      IndexName: 'byOwner',
      KeyConditionExpression: 'gsi1pk = :owner AND gsi1sk BETWEEN :from AND :to',
      ...(filter.clauses.length > 0 && { FilterExpression: filter.clauses.join(' AND ') }),
      ...(Object.keys(filter.names).length > 0 && { ExpressionAttributeNames: filter.names }),
      ExpressionAttributeValues: { ':owner': gsi1pk, ':from': from, ':to': to, ...filter.values },
      ScanIndexForward: false,
      Limit: query.limit,
      ExclusiveStartKey: decodeCursor(query.cursor, gsi1pk, 'gsi1pk'),
    }),
  );
  return {
    items: (result.Items ?? []).map(toEntry),
    nextCursor: encodeCursor(result.LastEvaluatedKey as Record<string, string> | undefined),
  };
}

/**
 * Without `bodies`, every body stays in its item: for writers whose bodies are capped below the item
 * size (signed sources, 350 KiB), so they never load the S3 client.
 */
export function createInboundLogStore(
  documents: DynamoDBDocumentClient,
  tableName: string,
  bodies?: ObjectStore,
): InboundLogStore {
  const context: LogContext = { documents, tableName, bodies };
  return {
    get: (id) => getEntry(context, id),
    body: (id) => readBody(context, id),
    create: (entry, body) => createEntry(context, entry, body),
    saveTry: (entry) => saveTry(context, entry),
    countReceipt: (id) => countReceipt(context, id),
    list: (owner, query) => listEntries(context, owner, query),
  };
}
