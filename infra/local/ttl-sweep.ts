import { DeleteObjectsCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { BatchWriteCommand, ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { BUCKETS, TABLES, type BucketSpec, type TableSpec } from '../../shared/platform/topology';

/**
 * DynamoDB TTL and S3 lifecycle expiry, which the emulators do not have: deletes items whose
 * `ttlAttribute` (epoch seconds) has passed and bucket objects older than their `expireAfterDays`,
 * so retention settings (30 days of inbound events, attempts, jobs…) hold on a laptop too. Run at
 * start and then periodically by the local runtime.
 */

const DYNAMODB_BATCH_WRITE_LIMIT = 25;

export interface SweepResult {
  readonly items: number;
  readonly objects: number;
}

async function sweepTable(documents: DynamoDBDocumentClient, spec: TableSpec, nowSeconds: number): Promise<number> {
  if (!spec.ttlAttribute) return 0;
  let deleted = 0;
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await documents.send(
      new ScanCommand({
        TableName: spec.localName,
        FilterExpression: '#ttl < :now',
        ProjectionExpression: '#pk, #sk',
        ExpressionAttributeNames: { '#ttl': spec.ttlAttribute, '#pk': spec.partitionKey, '#sk': spec.sortKey },
        ExpressionAttributeValues: { ':now': nowSeconds },
        ExclusiveStartKey: startKey,
      }),
    );
    const keys = page.Items ?? [];
    for (let start = 0; start < keys.length; start += DYNAMODB_BATCH_WRITE_LIMIT) {
      const chunk = keys.slice(start, start + DYNAMODB_BATCH_WRITE_LIMIT);
      await documents.send(
        new BatchWriteCommand({
          RequestItems: { [spec.localName]: chunk.map((Key) => ({ DeleteRequest: { Key } })) },
        }),
      );
      deleted += chunk.length;
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return deleted;
}

async function sweepBucket(s3: S3Client, spec: BucketSpec, now: Date): Promise<number> {
  const cutoff = now.getTime() - spec.expireAfterDays * 86_400_000;
  let deleted = 0;
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: spec.localName, ContinuationToken: token }));
    const expired = (page.Contents ?? []).filter((object) => (object.LastModified?.getTime() ?? Infinity) < cutoff);
    if (expired.length > 0) {
      await s3.send(
        new DeleteObjectsCommand({
          Bucket: spec.localName,
          Delete: { Objects: expired.map((object) => ({ Key: object.Key })) },
        }),
      );
      deleted += expired.length;
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return deleted;
}

export async function sweepExpired(
  clients: { documents: DynamoDBDocumentClient; s3: S3Client },
  now: Date = new Date(),
): Promise<SweepResult> {
  const nowSeconds = Math.floor(now.getTime() / 1000);
  let items = 0;
  for (const spec of Object.values(TABLES) as TableSpec[])
    items += await sweepTable(clients.documents, spec, nowSeconds);
  let objects = 0;
  for (const spec of Object.values(BUCKETS)) objects += await sweepBucket(clients.s3, spec, now);
  return { items, objects };
}
