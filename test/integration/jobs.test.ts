import { randomUUID } from 'node:crypto';
import { ReceiveMessageCommand, DeleteMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulators, type Emulators } from '../../infra/local/emulators';
import { createDocumentClient } from '../../shared/platform/aws/dynamodb-client';
import { createSqsClient } from '../../shared/platform/aws/sqs-client';
import { putItemIfAbsent } from '../../shared/platform/aws/table';
import { createQueueSender } from '../../shared/platform/aws/queue';
import { newJob, type Job, type StepResult } from '../../shared/platform/jobs/job';
import {
  parseJobMessage,
  runJobStep,
  startJob,
  type JobRunnerDependencies,
  type JobStep,
  type StepOutcome,
} from '../../shared/platform/jobs/job-runner';
import { ActiveJobError, createJobsStore } from '../../shared/platform/jobs/jobs-store';

/**
 * The durable job machinery against real DynamoDB (dynalite) and SQS (fauxqs) clients: a job walks
 * its pages through the real queue, resumes after a worker dies mid-page with every item's effect
 * applied exactly once, keeps one active job per lock, and fails after repeated step failures.
 */
describe('Integration: durable jobs', () => {
  let emulators: Emulators;
  let sqs: SQSClient;
  let queueUrl: string;
  let deps: Omit<JobRunnerDependencies, 'steps'>;
  const effects: string[] = [];
  const tableOf = () => emulators.tables.jobs;

  beforeAll(async () => {
    emulators = await startEmulators({ memory: true });
    const env = {
      AWS_ENDPOINT_URL_DYNAMODB: emulators.dynamodbEndpoint,
      AWS_ENDPOINT_URL_SQS: emulators.sqsEndpoint,
      AWS_REGION: emulators.region,
    };
    sqs = createSqsClient(env);
    queueUrl = emulators.queues.jobs.url;
    const documents = createDocumentClient(env);
    deps = {
      jobs: createJobsStore(documents, tableOf()),
      queue: createQueueSender(sqs, queueUrl),
      now: () => new Date(),
      events: { stepCompleted: () => {}, finished: () => {}, stepFailed: () => {} },
    };
    // The effect each page item has: a conditional put, so a page run twice applies it once.
    pageStep.apply = async (item) => {
      if (await putItemIfAbsent({ documents, tableName: tableOf() }, { pk: 'EFFECT', sk: item })) effects.push(item);
    };
  });

  afterAll(async () => {
    await emulators?.stop();
  });

  const pageStep: { apply: (item: string) => Promise<void>; crashOnPage?: number } = { apply: async () => {} };

  /** Walks `params.pages` pages of 3 items; dies once after applying half of page `crashOnPage`. */
  const pages: JobStep = async (job: Job): Promise<StepResult> => {
    const page = typeof job.checkpoint === 'number' ? job.checkpoint : 0;
    const items = [0, 1, 2].map((index) => `${job.jobId}:${page}:${index}`);
    for (const [index, item] of items.entries()) {
      if (page === pageStep.crashOnPage && index === 2) {
        pageStep.crashOnPage = undefined;
        throw new Error('worker killed mid-page');
      }
      await pageStep.apply(item);
    }
    const total = job.params.pages as number;
    return {
      checkpoint: page + 1,
      progress: { pages: page + 1, remaining: total - page - 1 },
      done: page + 1 >= total,
    };
  };

  /** Plays the worker: takes messages off the real queue (waiting out delays) until none comes. */
  async function drain(steps: Record<string, JobStep>): Promise<StepOutcome[]> {
    const outcomes: StepOutcome[] = [];
    for (let idle = 0; idle < 3;) {
      const received = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 1, WaitTimeSeconds: 1 }),
      );
      const message = received.Messages?.[0];
      if (!message) {
        idle += 1;
        continue;
      }
      idle = 0;
      outcomes.push(await runJobStep(parseJobMessage(message.Body ?? ''), { ...deps, steps }));
      await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }));
    }
    return outcomes;
  }

  const job = (kind: string, params: Job['params'], lockKey?: string) =>
    newJob({
      jobId: randomUUID(),
      kind,
      scope: 'ORG#org_jobs',
      params,
      progress: { pages: 0 },
      ...(lockKey !== undefined && { lockKey }),
      now: new Date(),
      retentionDays: 1,
    });

  it('walks every page through the real queue and ends completed with its progress', async () => {
    const started = await startJob(deps, job('pages', { pages: 4 }));
    const outcomes = await drain({ pages });
    expect(outcomes).toEqual(['advanced', 'advanced', 'advanced', 'completed']);
    const stored = await deps.jobs.get(started.scope, started.jobId);
    expect(stored).toMatchObject({ status: 'completed', steps: 4, progress: { pages: 4, remaining: 0 } });
    expect(effects.filter((item) => item.startsWith(started.jobId))).toHaveLength(12);
  });

  it('resumes from the checkpoint after a worker dies mid-page, applying each item exactly once', async () => {
    pageStep.crashOnPage = 2;
    const started = await startJob(deps, job('pages', { pages: 5 }));
    const outcomes: StepOutcome[] = [];
    // The worker's steps run by hand: the retry message is delayed 10 s, which the test does not wait out.
    for (let step = 0; step < 10; step += 1) {
      const outcome = await runJobStep(started, { ...deps, steps: { pages } });
      outcomes.push(outcome);
      if (outcome === 'completed') break;
    }
    expect(outcomes).toEqual(['advanced', 'advanced', 'retrying', 'advanced', 'advanced', 'completed']);
    const mine = effects.filter((item) => item.startsWith(started.jobId));
    expect(mine).toHaveLength(15);
    expect(new Set(mine).size).toBe(15);
    expect(await deps.jobs.get(started.scope, started.jobId)).toMatchObject({ status: 'completed', failures: 0 });
    await drain({ pages }); // the queued messages of the hand-run steps find the job finished
  });

  it('lets only one of two workers that picked up the same step store it', async () => {
    const started = await startJob(deps, job('pages', { pages: 3 }));
    const slow: JobStep = async (current) => {
      await new Promise((resolve) => setTimeout(resolve, 50));
      return pages(current);
    };
    const outcomes = await Promise.all([
      runJobStep(started, { ...deps, steps: { pages: slow } }),
      runJobStep(started, { ...deps, steps: { pages: slow } }),
    ]);
    expect(outcomes.sort()).toEqual(['advanced', 'superseded']);
    await drain({ pages });
    expect(await deps.jobs.get(started.scope, started.jobId)).toMatchObject({ status: 'completed', steps: 3 });
  });

  it('keeps one active job per lock, and frees the lock when the job ends', async () => {
    const first = await startJob(deps, job('pages', { pages: 1 }, 'EP#ep_1'));
    const second = job('pages', { pages: 1 }, 'EP#ep_1');
    await expect(deps.jobs.create(second)).rejects.toThrow(ActiveJobError);
    await expect(deps.jobs.create(second)).rejects.toMatchObject({ activeJobId: first.jobId });
    await drain({ pages });
    await expect(startJob(deps, second)).resolves.toMatchObject({ jobId: second.jobId });
    await drain({ pages });
    expect(await deps.jobs.get(second.scope, second.jobId)).toMatchObject({ status: 'completed' });
  });

  it('fails the job after five failed tries of a step and frees its lock', async () => {
    const broken: JobStep = async () => {
      throw new Error('provider unreachable');
    };
    const started = await startJob(deps, job('broken', {}, 'EP#ep_2'));
    const outcomes: StepOutcome[] = [];
    for (let step = 0; step < 5; step += 1) outcomes.push(await runJobStep(started, { ...deps, steps: { broken } }));
    expect(outcomes).toEqual(['retrying', 'retrying', 'retrying', 'retrying', 'failed']);
    const stored = await deps.jobs.get(started.scope, started.jobId);
    expect(stored).toMatchObject({ status: 'failed', error: 'provider unreachable', failures: 5 });
    await expect(deps.jobs.create(job('pages', { pages: 1 }, 'EP#ep_2'))).resolves.toBeUndefined();
  });

  it('treats a message for an unknown kind as unreadable, so it reaches the DLQ', async () => {
    const started = await startJob(deps, job('no-such-kind', {}));
    await expect(runJobStep(started, { ...deps, steps: { pages } })).rejects.toThrow(/no-such-kind/);
  });
});
