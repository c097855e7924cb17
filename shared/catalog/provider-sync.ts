import { randomBytes } from 'node:crypto';
import type { Provider } from '../inbound/connections/connections-store';
import { newJob, type Job } from '../platform/jobs/job';
import { startJob, type JobRunnerDependencies } from '../platform/jobs/job-runner';
import { ActiveJobError } from '../platform/jobs/jobs-store';

/**
 * The initial sync of a newly connected shop or merchant: a durable job (kind `sync`) under the
 * organisation's partition, one per provider at a time. Its steps live in provider-sync-steps.ts.
 */

export const SYNC_JOB_KIND = 'sync';

export interface SyncParams {
  readonly provider: Provider;
  readonly account: string;
  readonly orgId: string;
}

export const syncJobScope = (orgId: string) => `ORG#${orgId}`;

export function syncParamsOf(job: Pick<Job, 'params'>): SyncParams {
  const { provider, account, orgId } = job.params;
  if ((provider !== 'shopify' && provider !== 'square') || typeof account !== 'string' || typeof orgId !== 'string')
    throw new TypeError('A sync job needs provider, account and orgId');
  return { provider, account, orgId };
}

/** Starts a sync, or answers the one already running for this org and provider. */
export async function startProviderSync(
  deps: Pick<JobRunnerDependencies, 'jobs' | 'queue'> & { readonly now: () => Date; readonly retentionDays: number },
  params: SyncParams,
): Promise<{ jobId: string; started: boolean }> {
  const job = newJob({
    jobId: `sync_${randomBytes(12).toString('hex')}`,
    kind: SYNC_JOB_KIND,
    scope: syncJobScope(params.orgId),
    params: { ...params },
    progress: { pages: 0, objects: 0 },
    lockKey: `sync#${params.provider}`,
    now: deps.now(),
    retentionDays: deps.retentionDays,
  });
  try {
    await startJob(deps, job);
    return { jobId: job.jobId, started: true };
  } catch (error) {
    if (error instanceof ActiveJobError) return { jobId: error.activeJobId, started: false };
    throw error;
  }
}
