import type { QueueSender } from '../platform/aws/queue';
import { newJob, type Job, type JsonValue, type StepResult } from '../platform/jobs/job';
import type { JobStep } from '../platform/jobs/job-runner';
import { newRecoveryId } from '../events/ids';
import { ownerFields, ownerPartition, type Owner } from '../events/owner';
import type { DeliveryTask } from './delivery-task';
import type { MessagesStore } from './messages-store';
import type { RecoveriesStore, RecoveryCounts } from './recoveries-store';

/**
 * Recovery as a durable job: re-delivering an endpoint's failed and skipped deliveries of a window.
 * The API stores the job and answers at once; the job worker pages through the window, one page per
 * step, with the cursor and the count queued so far as the checkpoint. Each page's effect is
 * idempotent: a delivery is first marked "re-sent by recovery X" (a conditional update that a later
 * recovery fails unless a scheduled attempt failed since), then queued as a manual task whose claim
 * key is the recovery id — a page re-run after a crash marks and queues again, and the attempt log
 * still posts each delivery once.
 */

export const RECOVERY_JOB_KIND = 'recovery';

/** One active recovery per endpoint: the jobs store's lock. */
export const recoveryLockKey = (endpointId: string) => `recovery#${endpointId}`;

export function newRecoveryJob(input: {
  owner: Owner;
  endpointId: string;
  since: string;
  until: string;
  correlationId: string;
  now: Date;
  retentionDays: number;
}): Job {
  return newJob({
    jobId: newRecoveryId(),
    kind: RECOVERY_JOB_KIND,
    scope: ownerPartition(input.owner),
    params: {
      ...ownerFields(input.owner),
      endpointId: input.endpointId,
      since: input.since,
      until: input.until,
      correlationId: input.correlationId,
    },
    progress: { queued: 0 },
    lockKey: recoveryLockKey(input.endpointId),
    now: input.now,
    retentionDays: input.retentionDays,
  });
}

export interface RecoveryView {
  readonly id: string;
  readonly kind: 'recovery';
  readonly status: 'queued' | 'running' | 'completed' | 'failed';
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly progress: {
    readonly queued: number;
    readonly succeeded: number;
    readonly failed: number;
    readonly remaining: number;
  };
  readonly endpointId: string;
  readonly since: string;
  readonly until: string;
  readonly error?: string;
}

/**
 * The job and its attempt counters as the API shows them. A job that has queued its last page is
 * still `running` until every delivery it queued has been attempted; skipped ones (the endpoint was
 * disabled or deleted meanwhile) count as failed.
 */
export function recoveryView(job: Job, counts: RecoveryCounts): RecoveryView {
  const queued = Number(job.progress.queued ?? 0);
  const failed = counts.failed + counts.skipped;
  const remaining = Math.max(0, queued - counts.succeeded - failed);
  const status = job.status === 'completed' && remaining > 0 ? 'running' : job.status;
  return {
    id: job.jobId,
    kind: 'recovery',
    status,
    createdAt: job.createdAt,
    updatedAt: job.updatedAt,
    progress: { queued, succeeded: counts.succeeded, failed, remaining },
    endpointId: String(job.params.endpointId),
    since: String(job.params.since),
    until: String(job.params.until),
    ...(job.status === 'failed' && job.error !== undefined && { error: job.error }),
  };
}

export interface RecoveryStepDependencies {
  readonly recoveries: Pick<RecoveriesStore, 'recoverable'>;
  readonly messages: Pick<MessagesStore, 'markRecovered'>;
  readonly deliveryQueue: QueueSender;
  readonly pageSize: number;
  readonly now: () => Date;
}

interface RecoveryCheckpoint {
  readonly cursor: string | null;
  readonly queued: number;
}

function checkpointOf(value: JsonValue): RecoveryCheckpoint {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { cursor: null, queued: 0 };
  return { cursor: typeof value.cursor === 'string' ? value.cursor : null, queued: Number(value.queued ?? 0) };
}

export function createRecoveryStep(deps: RecoveryStepDependencies): JobStep {
  return async (job): Promise<StepResult> => {
    const params = job.params as Record<string, string>;
    const endpointId = params.endpointId!;
    const recoveryId = job.jobId;
    const { cursor, queued } = checkpointOf(job.checkpoint);
    const page = await deps.recoveries.recoverable(endpointId, {
      since: params.since!,
      until: params.until!,
      limit: deps.pageSize,
      ...(cursor !== null && { continuation: cursor }),
    });
    const at = deps.now().toISOString();
    const marked = await Promise.all(
      page.items.map((delivery) => deps.messages.markRecovered(delivery.messageId, endpointId, recoveryId, at)),
    );
    const tasks: DeliveryTask[] = page.items
      .filter((_, index) => marked[index])
      .map((delivery) => ({
        messageId: delivery.messageId,
        orgId: params.orgId!,
        ...(params.merchantId !== undefined && { merchantId: params.merchantId }),
        endpointId,
        attempt: 1,
        trigger: 'manual',
        manualId: recoveryId,
        recoveryId,
        correlationId: params.correlationId!,
      }));
    await deps.deliveryQueue.sendBatch(tasks.map((task) => JSON.stringify(task)));
    const total = queued + tasks.length;
    return {
      checkpoint: { cursor: page.continuation, queued: total },
      progress: { queued: total },
      done: page.continuation === null,
    };
  };
}
