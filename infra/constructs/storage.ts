import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { BlockPublicAccess, Bucket, BucketEncryption } from 'aws-cdk-lib/aws-s3';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import {
  BUCKETS,
  FUNCTIONS,
  QUEUES,
  SQS_MAX_MESSAGE_BYTES,
  TABLES,
  type BucketName,
  type BucketSpec,
  type QueueName,
  type QueueSpec,
  type TableName,
  type TableSpec,
} from '../../shared/platform/topology';
import { mapRecord } from './records';

/**
 * Where the system keeps its state, one resource per topology entry: DynamoDB tables (on-demand,
 * point-in-time recovery, retained), S3 buckets for claim-checked bodies (private, TLS only, expiring)
 * and SQS queues each with its dead-letter queue.
 */

export interface QueuePair {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
}

function createTable(scope: Construct, spec: TableSpec): Table {
  const table = new Table(scope, spec.id, {
    partitionKey: { name: spec.partitionKey, type: AttributeType.STRING },
    sortKey: { name: spec.sortKey, type: AttributeType.STRING },
    billingMode: BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    encryption: TableEncryption.AWS_MANAGED,
    timeToLiveAttribute: spec.ttlAttribute,
    deletionProtection: true,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  for (const index of spec.indexes ?? []) {
    table.addGlobalSecondaryIndex({
      indexName: index.name,
      partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
      sortKey: { name: index.sortKey, type: AttributeType.STRING },
      projectionType: ProjectionType.ALL,
    });
  }
  return table;
}

function createBucket(scope: Construct, spec: BucketSpec): Bucket {
  const bucket = new Bucket(scope, spec.id, {
    encryption: BucketEncryption.S3_MANAGED,
    blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    lifecycleRules: [
      { expiration: Duration.days(spec.expireAfterDays), abortIncompleteMultipartUploadAfter: Duration.days(1) },
    ],
    removalPolicy: RemovalPolicy.RETAIN,
  });
  Validations.of(bucket).acknowledge({
    id: 'AwsSolutions-S1',
    reason:
      `${spec.id} holds claim-checked webhook bodies written and read only by this stack's ` +
      `function roles; CloudTrail data events, not server access logs, are the audit trail for it.`,
  });
  return bucket;
}

/** AWS's rule for an event source mapping: visibility timeout ≥ 6 × the consumer's timeout. */
function checkVisibilityTimeout(spec: QueueSpec): void {
  // Queues other services consume: their consumers' timeouts are theirs to fit under the visibility timeout.
  if (!spec.consumer) return;
  const consumerTimeout = FUNCTIONS[spec.consumer.function].timeoutSeconds;
  if (spec.visibilityTimeoutSeconds < 6 * consumerTimeout) {
    throw new Error(
      `${spec.id}: visibility timeout ${spec.visibilityTimeoutSeconds}s must be at least 6 × the consumer's ` +
        `${consumerTimeout}s timeout`,
    );
  }
}

function createQueuePair(scope: Construct, spec: QueueSpec): QueuePair {
  checkVisibilityTimeout(spec);
  const deadLetterQueue = new Queue(scope, spec.dlq.id, {
    retentionPeriod: Duration.days(spec.dlq.retentionDays),
    maxMessageSizeBytes: SQS_MAX_MESSAGE_BYTES,
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
  });
  const queue = new Queue(scope, spec.id, {
    visibilityTimeout: Duration.seconds(spec.visibilityTimeoutSeconds),
    retentionPeriod: Duration.days(spec.retentionDays),
    maxMessageSizeBytes: SQS_MAX_MESSAGE_BYTES,
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: spec.maxReceiveCount },
  });
  return { queue, deadLetterQueue };
}

export const createTables = (scope: Construct): Record<TableName, Table> =>
  mapRecord(TABLES, (spec: TableSpec) => createTable(scope, spec));

export const createBuckets = (scope: Construct): Record<BucketName, Bucket> =>
  mapRecord(BUCKETS, (spec: BucketSpec) => createBucket(scope, spec));

export const createQueues = (scope: Construct): Record<QueueName, QueuePair> =>
  mapRecord(QUEUES, (spec: QueueSpec) => createQueuePair(scope, spec));
