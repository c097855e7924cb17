import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceInUseException,
  type DynamoDBClient,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { CreateTopicCommand, type SNSClient } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import {
  BUCKETS,
  OPS_TOPIC,
  QUEUES,
  SQS_MAX_MESSAGE_BYTES,
  TABLES,
  type BucketName,
  type QueueName,
  type QueueSpec,
  type TableName,
  type TableSpec,
} from '../../shared/platform/topology';

/**
 * Creates the resources topology.ts describes, through the real AWS SDK clients, the way the CDK app
 * creates them in AWS: tables (pk/sk string keys, on-demand, with their global secondary indexes),
 * queues with their DLQs and redrive policies, and the ops SNS topic.
 *
 * Not reproducible here: DynamoDB TTL (dynalite has no UpdateTimeToLive) and S3 lifecycle rules; the
 * local runtime's sweep (ttl-sweep.ts) deletes expired items and objects instead.
 */

const DAY_SECONDS = 86_400;

export interface QueueResources {
  readonly url: string;
  readonly arn: string;
  readonly dlqUrl: string;
  readonly dlqArn: string;
}

export interface ProvisionOptions {
  /** Overrides every queue's VisibilityTimeout (tests that wait for redelivery). */
  readonly visibilityTimeoutSeconds?: number;
}

function keySchema(partitionKey: string, sortKey: string) {
  return [
    { AttributeName: partitionKey, KeyType: 'HASH' as const },
    { AttributeName: sortKey, KeyType: 'RANGE' as const },
  ];
}

export function tableInput(spec: TableSpec) {
  const indexes = spec.indexes ?? [];
  // Every key attribute once, string-typed (as the CDK app declares them).
  const keyAttributes = [
    spec.partitionKey,
    spec.sortKey,
    ...indexes.flatMap((index) => [index.partitionKey, index.sortKey]),
  ];
  return {
    TableName: spec.localName,
    BillingMode: 'PAY_PER_REQUEST' as const,
    AttributeDefinitions: [...new Set(keyAttributes)].map((name) => ({
      AttributeName: name,
      AttributeType: 'S' as const,
    })),
    KeySchema: keySchema(spec.partitionKey, spec.sortKey),
    ...(indexes.length > 0
      ? {
          GlobalSecondaryIndexes: indexes.map((index) => ({
            IndexName: index.name,
            KeySchema: keySchema(index.partitionKey, index.sortKey),
            Projection: { ProjectionType: 'ALL' as const },
          })),
        }
      : {}),
  };
}

export function dlqAttributes(spec: QueueSpec): Record<string, string> {
  return {
    MessageRetentionPeriod: String(spec.dlq.retentionDays * DAY_SECONDS),
    MaximumMessageSize: String(SQS_MAX_MESSAGE_BYTES),
  };
}

export function queueAttributes(
  spec: QueueSpec,
  dlqArn: string,
  options: ProvisionOptions = {},
): Record<string, string> {
  return {
    VisibilityTimeout: String(options.visibilityTimeoutSeconds ?? spec.visibilityTimeoutSeconds),
    MessageRetentionPeriod: String(spec.retentionDays * DAY_SECONDS),
    MaximumMessageSize: String(SQS_MAX_MESSAGE_BYTES),
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: spec.maxReceiveCount }),
  };
}

type KeySchemaLike = TableDescription['KeySchema'];

function hasKeys(schema: KeySchemaLike, partitionKey: string, sortKey: string): boolean {
  const key = (type: 'HASH' | 'RANGE') => schema?.find((k) => k.KeyType === type)?.AttributeName;
  return key('HASH') === partitionKey && key('RANGE') === sortKey;
}

/** Same table keys and exactly the same GSIs (names, keys, projection ALL) as topology.ts. */
function sameKeys(table: TableDescription | undefined, spec: TableSpec): boolean {
  if (!hasKeys(table?.KeySchema, spec.partitionKey, spec.sortKey)) return false;
  const actual = table?.GlobalSecondaryIndexes ?? [];
  const wanted = spec.indexes ?? [];
  return (
    actual.length === wanted.length &&
    wanted.every((index) => {
      const found = actual.find((candidate) => candidate.IndexName === index.name);
      return (
        found !== undefined &&
        hasKeys(found.KeySchema, index.partitionKey, index.sortKey) &&
        found.Projection?.ProjectionType === 'ALL'
      );
    })
  );
}

/** Creates the table, or accepts the one already on disk if its keys and indexes match. */
export async function ensureTable(dynamodb: DynamoDBClient, spec: TableSpec): Promise<string> {
  try {
    await dynamodb.send(new CreateTableCommand(tableInput(spec)));
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  for (let attempt = 0; attempt < 100; attempt++) {
    const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName: spec.localName }));
    if (!sameKeys(Table, spec)) {
      throw new Error(
        `Table ${spec.localName} in the data directory has different keys or indexes than topology.ts; delete the ` +
          `data directory (or use --memory)`,
      );
    }
    if (Table?.TableStatus === 'ACTIVE') return spec.localName;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`Table ${spec.localName} did not become ACTIVE`);
}

async function queueArn(sqs: SQSClient, url: string): Promise<string> {
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }));
  const arn = Attributes?.QueueArn;
  if (!arn) throw new Error(`No QueueArn for ${url}`);
  return arn;
}

export async function ensureQueue(
  sqs: SQSClient,
  spec: QueueSpec,
  options: ProvisionOptions = {},
): Promise<QueueResources> {
  const dlq = await sqs.send(
    new CreateQueueCommand({ QueueName: spec.dlq.localName, Attributes: dlqAttributes(spec) }),
  );
  const dlqUrl = dlq.QueueUrl as string;
  const dlqArn = await queueArn(sqs, dlqUrl);
  const queue = await sqs.send(
    new CreateQueueCommand({ QueueName: spec.localName, Attributes: queueAttributes(spec, dlqArn, options) }),
  );
  const url = queue.QueueUrl as string;
  return { url, arn: await queueArn(sqs, url), dlqUrl, dlqArn };
}

/** Creates the bucket unless a previous run already did (its objects are kept). */
async function ensureBucket(s3: S3Client, name: string): Promise<void> {
  try {
    await s3.send(new CreateBucketCommand({ Bucket: name }));
  } catch (error) {
    const code = (error as { name?: string }).name;
    if (code !== 'BucketAlreadyOwnedByYou' && code !== 'BucketAlreadyExists') throw error;
  }
}

export interface ProvisionedResources {
  readonly tables: Record<TableName, string>;
  readonly queues: Record<QueueName, QueueResources>;
  readonly opsTopicArn: string;
  readonly buckets: Record<BucketName, string>;
}

export async function provisionTopology(
  clients: { dynamodb: DynamoDBClient; sqs: SQSClient; sns: SNSClient; s3: S3Client },
  options: ProvisionOptions = {},
): Promise<ProvisionedResources> {
  const tables = {} as Record<TableName, string>;
  for (const [name, spec] of Object.entries(TABLES) as Array<[TableName, TableSpec]>) {
    tables[name] = await ensureTable(clients.dynamodb, spec);
  }
  const queues = {} as Record<QueueName, QueueResources>;
  for (const [name, spec] of Object.entries(QUEUES) as Array<[QueueName, QueueSpec]>) {
    queues[name] = await ensureQueue(clients.sqs, spec, options);
  }
  const topic = await clients.sns.send(new CreateTopicCommand({ Name: OPS_TOPIC.localName }));
  if (!topic.TopicArn) throw new Error(`CreateTopic returned no ARN for ${OPS_TOPIC.localName}`);
  const buckets = {} as Record<BucketName, string>;
  for (const [name, spec] of Object.entries(BUCKETS) as Array<[BucketName, (typeof BUCKETS)[BucketName]]>) {
    await ensureBucket(clients.s3, spec.localName);
    buckets[name] = spec.localName;
  }
  return { tables, queues, opsTopicArn: topic.TopicArn, buckets };
}
