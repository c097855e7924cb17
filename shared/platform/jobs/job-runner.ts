import type { QueueSender } from '../aws/queue';
import { afterFailure, afterStep, isFinished, type Job, type StepResult } from './job';
import type { JobsStore } from './jobs-store';

/**
 * Runs jobs one step per queue message. A step reads the job's checkpoint, does one page of work and
 * returns the next checkpoint; the runner stores it (version-checked) and queues the next step. A
 * worker that crashes mid-step leaves the message to come back after the visibility timeout, and the
 * step is run again from the last stored checkpoint, so a step's effects must be idempotent for its
 * page. A step that throws is retried with a growing delay and fails the job after MAX_STEP_FAILURES
 * tries; the dead-letter queue only sees messages the runner itself cannot read.
 */

export type JobStep = (job: Job) => Promise<StepResult>;

export interface JobEvents {
  stepCompleted(job: Job): void;
  finished(job: Job): void;
  stepFailed(job: Job, error: unknown): void;
}

export interface JobRunnerDependencies {
  readonly jobs: JobsStore;
  readonly queue: QueueSender;
  readonly steps: Readonly<Record<string, JobStep>>;
  readonly now: () => Date;
  readonly events: JobEvents;
}

export type StepOutcome = 'advanced' | 'completed' | 'failed' | 'retrying' | 'superseded' | 'gone';

export interface JobRef {
  readonly scope: string;
  readonly jobId: string;
}

export function jobMessage(job: JobRef): string {
  return JSON.stringify({ scope: job.scope, jobId: job.jobId });
}

export function parseJobMessage(body: string): JobRef {
  const value: unknown = JSON.parse(body);
  if (
    typeof value !== 'object' ||
    value === null ||
    typeof (value as JobRef).scope !== 'string' ||
    typeof (value as JobRef).jobId !== 'string'
  )
    throw new TypeError('A job message needs a string scope and jobId');
  return { scope: (value as JobRef).scope, jobId: (value as JobRef).jobId };
}

/** Stores the job and queues its first step; a job that could not be queued is marked failed. */
export async function startJob(deps: Pick<JobRunnerDependencies, 'jobs' | 'queue'>, job: Job): Promise<Job> {
  await deps.jobs.create(job);
  try {
    await deps.queue.send(jobMessage(job));
  } catch (error) {
    const failed: Job = { ...job, status: 'failed', version: job.version + 1, error: 'Could not queue the job' };
    await deps.jobs.save(failed, job.version);
    await deps.jobs.releaseLock(failed);
    throw error;
  }
  return job;
}

/** Seconds before a failed step is tried again: 10 s, 20 s, 40 s, … capped at 5 minutes. */
export function retryDelaySeconds(failures: number): number {
  return Math.min(10 * 2 ** Math.max(failures - 1, 0), 300);
}

export async function runJobStep(ref: JobRef, deps: JobRunnerDependencies): Promise<StepOutcome> {
  const job = await deps.jobs.get(ref.scope, ref.jobId);
  if (!job || isFinished(job)) return 'gone';
  const step = deps.steps[job.kind];
  if (!step) throw new TypeError(`No step function for job kind "${job.kind}"`);

  let result: StepResult;
  try {
    result = await step(job);
  } catch (error) {
    return recordFailure(job, error, deps);
  }
  const next = afterStep(job, result, deps.now());
  if (!(await deps.jobs.save(next, job.version))) return 'superseded';
  deps.events.stepCompleted(next);
  if (result.done) {
    await deps.jobs.releaseLock(next);
    deps.events.finished(next);
    return 'completed';
  }
  await deps.queue.send(jobMessage(next));
  return 'advanced';
}

async function recordFailure(job: Job, error: unknown, deps: JobRunnerDependencies): Promise<StepOutcome> {
  const next = afterFailure(job, error, deps.now());
  if (!(await deps.jobs.save(next, job.version))) return 'superseded';
  deps.events.stepFailed(next, error);
  if (next.status === 'failed') {
    await deps.jobs.releaseLock(next);
    deps.events.finished(next);
    return 'failed';
  }
  await deps.queue.send(jobMessage(next), { delaySeconds: retryDelaySeconds(next.failures) });
  return 'retrying';
}
