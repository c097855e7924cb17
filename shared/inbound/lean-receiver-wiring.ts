import { createLeanQueueSender } from '../platform/aws/lean-queue-sender';
import { leanSecretReader } from '../platform/aws/lean-secret-reader';
import type { SecretLocation } from '../platform/config';
import { createObservability } from '../platform/observability';
import { createSecretList, type SecretList } from '../platform/secrets';
import type { ReceiverDependencies } from './receiver';

/**
 * What every receiver's handler wires alike, over the lean clients only (no AWS SDK in an ingest
 * bundle: README, Performance): the queue it sends to, its body cap, the clock, its logs and metrics.
 */
export function leanReceiverDependencies(
  functionName: string,
  queueUrl: string,
  maxBodyBytes: number,
): ReceiverDependencies {
  return {
    queue: createLeanQueueSender(queueUrl),
    maxBodyBytes,
    now: () => new Date(),
    observability: createObservability(functionName),
  };
}

/** The provider's signing secrets (several while one is rolled), read with the lean Secrets Manager client. */
export function leanSecretList(location: SecretLocation): SecretList {
  return createSecretList({ location, read: leanSecretReader() });
}
