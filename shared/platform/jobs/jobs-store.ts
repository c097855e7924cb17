import { DeleteCommand, GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { isConditionalCheckFailed } from '../aws/pagination';
import { isFinished, type Job } from './job';

/**
 * Jobs live under the partition of whoever owns them (`<scope>` / `JOB#<id>`), so a reader can only
 * reach jobs of a scope it is allowed to read. "At most one active job per X" is a lock item
 * (`<scope>` / `JOBLOCK#<key>`) naming the job that holds it; a finished job's lock is taken over.
 */

export class ActiveJobError extends Error {
  override readonly name = 'ActiveJobError';
  constructor(readonly activeJobId: string) {
    super(`Job ${activeJobId} is still active`);
  }
}

export interface JobsStore {
  /** Stores a new job; with `job.lockKey`, throws ActiveJobError while another job holds that lock. */
  create(job: Job): Promise<void>;
  get(scope: string, jobId: string): Promise<Job | undefined>;
  /** Stores `job` if the stored one still has `expectedVersion`; false when another worker got there first. */
  save(job: Job, expectedVersion: number): Promise<boolean>;
  /** Frees a finished job's lock so the next job of its kind may start. */
  releaseLock(job: Job): Promise<void>;
}

const jobKey = (scope: string, jobId: string) => ({ pk: scope, sk: `JOB#${jobId}` });
const lockKey = (scope: string, key: string) => ({ pk: scope, sk: `JOBLOCK#${key}` });

export function createJobsStore(documents: DynamoDBDocumentClient, tableName: string): JobsStore {
  const store: JobsStore = {
    async create(job) {
      if (job.lockKey !== undefined) await takeLock(job, job.lockKey);
      await documents.send(
        new PutCommand({
          TableName: tableName,
          Item: { ...jobKey(job.scope, job.jobId), ...job },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    },

    async get(scope, jobId) {
      const result = await documents.send(new GetCommand({ TableName: tableName, Key: jobKey(scope, jobId) }));
      return result.Item ? toJob(result.Item) : undefined;
    },

    async save(job, expectedVersion) {
      try {
        await documents.send(
          new PutCommand({
            TableName: tableName,
            Item: { ...jobKey(job.scope, job.jobId), ...job },
            ConditionExpression: 'version = :expected',
            ExpressionAttributeValues: { ':expected': expectedVersion },
          }),
        );
        return true;
      } catch (error) {
        if (isConditionalCheckFailed(error)) return false;
        throw error;
      }
    },

    async releaseLock(job) {
      if (job.lockKey === undefined) return;
      try {
        await documents.send(
          new DeleteCommand({
            TableName: tableName,
            Key: lockKey(job.scope, job.lockKey),
            ConditionExpression: 'jobId = :jobId',
            ExpressionAttributeValues: { ':jobId': job.jobId },
          }),
        );
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw error;
      }
    },
  };

  /** Puts the lock if free; takes it over from a finished (or vanished) holder; else ActiveJobError. */
  async function takeLock(job: Job, key: string): Promise<void> {
    const Item = { ...lockKey(job.scope, key), jobId: job.jobId, expiresAt: job.expiresAt };
    try {
      await documents.send(
        new PutCommand({ TableName: tableName, Item, ConditionExpression: 'attribute_not_exists(pk)' }),
      );
      return;
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
    const held = await documents.send(new GetCommand({ TableName: tableName, Key: lockKey(job.scope, key) }));
    const holderId = held.Item?.jobId as string | undefined;
    if (holderId !== undefined) {
      const holder = await store.get(job.scope, holderId);
      if (holder && !isFinished(holder)) throw new ActiveJobError(holderId);
    }
    try {
      await documents.send(
        new PutCommand({
          TableName: tableName,
          Item,
          ConditionExpression: 'attribute_not_exists(pk) OR jobId = :holder',
          ExpressionAttributeValues: { ':holder': holderId ?? '' },
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      // Another caller took the lock between our read and our write: theirs is the active job.
      const winner = await documents.send(new GetCommand({ TableName: tableName, Key: lockKey(job.scope, key) }));
      throw new ActiveJobError((winner.Item?.jobId as string | undefined) ?? holderId ?? 'unknown');
    }
  }

  return store;
}

function toJob(item: Record<string, unknown>): Job {
  const { pk: _pk, sk: _sk, ...job } = item;
  return job as unknown as Job;
}
