import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { QueueSender } from '../platform/aws/queue';
import { PayloadTooLargeError } from '../platform/errors';
import { errorResponse, json, type HttpResult } from '../platform/http/responses';
import type { Observability } from '../platform/observability';
import type { SecretList } from '../platform/secrets';
import { rawBody } from '../platform/http/raw-body';

/**
 * The one webhook receiver. A provider supplies only what is its own — how to verify, which headers
 * it needs, how to build the queued message — as a `decide` step returning a verdict; this shell owns
 * the method and size checks, rejection logging and metrics, enqueue-then-acknowledge and the flush.
 * Nothing is acknowledged before the queue holds it: a failed enqueue answers 500 so the sender retries.
 */

/** What the provider's step sees of one request (the body already size-checked). */
export interface ReceivedWebhook {
  readonly event: APIGatewayProxyEventV2;
  /** The exact bytes the sender signed. */
  readonly payload: Buffer;
  readonly now: Date;
  readonly correlationId: string;
  /** Adds log keys for the rest of this request (event id, type, account). */
  readonly tag: (keys: Record<string, string>) => void;
  /** Counts a provider-specific metric (an unknown source, an unmatched merchant). */
  readonly count: (metric: string) => void;
}

export type Verdict =
  /**
   * Verified and wanted: queue `body`, then answer 200 and run `afterQueued` (its failure is the
   * provider's to log).
   */
  | {
      readonly kind: 'queue';
      readonly body: string;
      readonly attributes: Record<string, string>;
      readonly afterQueued?: () => Promise<void>;
      /** Runs when the enqueue failed, before the 500 (its failure is the provider's to log). */
      readonly afterQueueFailed?: () => Promise<void>;
    }
  /** Verified, but nothing here handles it: 200 without queuing, counted as an unhandled type. */
  | { readonly kind: 'ignore'; readonly reason: string }
  /** The sender's fault: a 4xx problem, counted and logged as a rejection. */
  | { readonly kind: 'reject'; readonly status: number; readonly error: string; readonly message: string }
  /** Our side could not check the request (a store or key did not answer): 500 so the sender retries. */
  | { readonly kind: 'unavailable'; readonly message: string; readonly log: string; readonly cause: unknown };

export interface ReceiverMetricNames {
  readonly received: string;
  readonly queued: string;
  readonly rejected: string;
  readonly enqueueFailed: string;
  readonly unhandledType?: string;
}

export interface ProviderReceiver {
  /** How logs and answers name the sender: `Stripe`, `Square`, `Shopify`, `the source`. */
  readonly sender: string;
  /** The log's name for a rejection: `Stripe webhook rejected`. */
  readonly rejectedLog: string;
  /** What the 405 says to POST: `Stripe webhooks`. */
  readonly deliverable: string;
  readonly metricNames: ReceiverMetricNames;
  readonly decide: (request: ReceivedWebhook) => Promise<Verdict>;
}

/** A provider known by its name (`Stripe`): logged as `Stripe webhook rejected`, its 405 asks for `Stripe webhooks`. */
export function namedProvider(
  sender: string,
  metricNames: ReceiverMetricNames,
  decide: ProviderReceiver['decide'],
): ProviderReceiver {
  return { sender, rejectedLog: `${sender} webhook rejected`, deliverable: `${sender} webhooks`, metricNames, decide };
}

export interface ReceiverDependencies {
  readonly queue: Pick<QueueSender, 'send'>;
  readonly maxBodyBytes: number;
  readonly now: () => Date;
  readonly observability: Observability;
}

const RECEIVED = { received: true } as const;

export function createReceiver(provider: ProviderReceiver, deps: ReceiverDependencies) {
  const { logger, metrics } = deps.observability;
  const names = provider.metricNames;
  const count = (metric: string) => metrics.addMetric(metric, 'Count', 1);

  function reject(status: number, error: string, message: string, headers?: Record<string, string>): HttpResult {
    count(names.rejected);
    logger.warn(provider.rejectedLog, { statusCode: status, error, reason: message });
    return errorResponse(status, error, message, headers);
  }

  async function enqueue(verdict: Extract<Verdict, { kind: 'queue' }>): Promise<HttpResult> {
    try {
      const messageId = await deps.queue.send(verdict.body, { attributes: verdict.attributes });
      // Debug only: the Queued metric counts successes; an INFO line per event would cost more than the send.
      logger.debug(`${provider.sender} event queued`, { messageId });
    } catch (error) {
      count(names.enqueueFailed);
      logger.error(`Could not queue ${provider.sender} event; answering 500 so it is sent again`, { error });
      await verdict.afterQueueFailed?.();
      return errorResponse(500, 'enqueue_failed', `The event could not be queued; ${provider.sender} will retry`);
    }
    count(names.queued);
    await verdict.afterQueued?.();
    return json(200, RECEIVED);
  }

  async function answer(verdict: Verdict): Promise<HttpResult> {
    switch (verdict.kind) {
      case 'queue':
        return enqueue(verdict);
      case 'ignore':
        if (names.unhandledType) count(names.unhandledType);
        logger.info(verdict.reason);
        return json(200, RECEIVED);
      case 'reject':
        return reject(verdict.status, verdict.error, verdict.message);
      case 'unavailable':
        logger.error(verdict.log, { error: verdict.cause });
        return errorResponse(500, 'verification_unavailable', verdict.message);
    }
  }

  async function handle(event: APIGatewayProxyEventV2): Promise<HttpResult> {
    const correlationId = event.requestContext.requestId;
    logger.appendKeys({ correlationId });
    if (event.requestContext.http.method !== 'POST') {
      return reject(405, 'method_not_allowed', `Use POST to deliver ${provider.deliverable}`, { allow: 'POST' });
    }
    count(names.received);
    const payload = rawBody(event);
    if (payload.length > deps.maxBodyBytes) {
      return reject(413, 'payload_too_large', new PayloadTooLargeError(payload.length, deps.maxBodyBytes).message);
    }
    const tag = (keys: Record<string, string>) => logger.appendKeys(keys);
    return answer(await provider.decide({ event, payload, now: deps.now(), correlationId, tag, count }));
  }

  return async (event: APIGatewayProxyEventV2): Promise<HttpResult> => {
    try {
      return await handle(event);
    } finally {
      metrics.publishStoredMetrics();
      logger.resetKeys();
    }
  };
}

/** A receiver that verifies with the provider's shared signing secrets (several while one is being rotated). */
export interface SecretReceiverDependencies extends ReceiverDependencies {
  readonly secrets: SecretList;
}

/** A provider's `decide` step given its current signing secrets. */
export type SecretVerdict = (secrets: SecretList, request: ReceivedWebhook) => Promise<Verdict>;

/** The factory of a named provider's receiver whose `decide` needs only its signing secrets. */
export function secretReceiver(sender: string, metricNames: ReceiverMetricNames, decide: SecretVerdict) {
  return (deps: SecretReceiverDependencies) =>
    createReceiver(
      namedProvider(sender, metricNames, (request) => decide(deps.secrets, request)),
      deps,
    );
}
