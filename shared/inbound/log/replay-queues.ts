import type { SQSClient } from '@aws-sdk/client-sqs';
import * as z from 'zod';
import { createQueueSender } from '../../platform/aws/queue';
import { ConfigurationError } from '../../platform/errors';
import { QUEUES } from '../../platform/topology';
import type { ReplayQueue, ReplayQueues } from './replay';

/** The queues replays go back on, from the variables topology names (set by the stack and the local runtime). */
export function replayQueuesFor(sqs: SQSClient, env: Record<string, string | undefined> = process.env): ReplayQueues {
  const url = (queue: ReplayQueue) => {
    const value = z.string().trim().min(1).safeParse(env[QUEUES[queue].envVar]);
    if (!value.success) throw new ConfigurationError(`Environment variable ${QUEUES[queue].envVar} is not set`);
    return createQueueSender(sqs, value.data);
  };
  return { billing: url('billing'), catalog: url('catalog'), inboundSources: url('inboundSources') };
}
