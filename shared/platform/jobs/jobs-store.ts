import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { ITEM_ABSENT } from '../aws/conditional-writes';
import { deleteItem, getItem, putItem, putItemIfAbsent, putItemIfVersion, type TableContext } from '../aws/table';
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

// Reads are eventually consistent, as they always were here: a lock or job a moment old is decided again
// by the conditional write that follows.
const EVENTUAL = { consistent: false } as const;

const getJob = (table: TableContext, scope: string, jobId: string) =>
  getItem<Job>(table, jobKey(scope, jobId), EVENTUAL);

const lockHolder = async (table: TableContext, scope: string, key: string) =>
  (await getItem<{ jobId?: string }>(table, lockKey(scope, key), EVENTUAL))?.jobId;

/** Puts the lock if free; takes it over from a finished (or vanished) holder; else ActiveJobError. */
async function takeLock(table: TableContext, job: Job, key: string): Promise<void> {
  const item = { ...lockKey(job.scope, key), jobId: job.jobId, expiresAt: job.expiresAt };
  if (await putItemIfAbsent(table, item)) return;
  const holderId = await lockHolder(table, job.scope, key);
  if (holderId !== undefined) {
    const holder = await getJob(table, job.scope, holderId);
    if (holder && !isFinished(holder)) throw new ActiveJobError(holderId);
  }
  // Taken over only from the holder we judged finished (or from nobody, if it vanished meanwhile).
  const takeOver = { expression: `${ITEM_ABSENT} OR jobId = :holder`, values: { ':holder': holderId ?? '' } };
  if (await putItem(table, item, takeOver)) return;
  // Another caller took the lock between our read and our write: theirs is the active job.
  throw new ActiveJobError((await lockHolder(table, job.scope, key)) ?? holderId ?? 'unknown');
}

async function createJob(table: TableContext, job: Job): Promise<void> {
  if (job.lockKey !== undefined) await takeLock(table, job, job.lockKey);
  await table.documents.send(
    new PutCommand({
      TableName: table.tableName,
      Item: { ...jobKey(job.scope, job.jobId), ...job },
      ConditionExpression: ITEM_ABSENT,
    }),
  );
}

export function createJobsStore(documents: TableContext['documents'], tableName: string): JobsStore {
  const table: TableContext = { documents, tableName };
  return {
    create: (job) => createJob(table, job),
    get: (scope, jobId) => getJob(table, scope, jobId),
    save: (job, expectedVersion) =>
      putItemIfVersion(table, { ...jobKey(job.scope, job.jobId), ...job }, 'version', expectedVersion),
    async releaseLock(job) {
      if (job.lockKey === undefined) return;
      // False when another job holds it now: not ours to free.
      await deleteItem(table, lockKey(job.scope, job.lockKey), {
        expression: 'jobId = :jobId',
        values: { ':jobId': job.jobId },
      });
    },
  };
}
