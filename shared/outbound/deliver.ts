import type { QueueSender } from '../platform/aws/queue';
import { SQS_MAX_DELAY_SECONDS } from '../platform/aws/queue';
import type { AlertSink } from '../platform/alerts';
import type { IpPolicy } from './transport/ip-policy';
import type { DeferReason } from './admission/policy';
import type { DeliveryResult, WebhookPost } from './transport/http-delivery';
import { deliveryHeaders } from './delivery-request';
import type { DeliveryContextReader } from './delivery-context';
import type { DeliveryTask } from './delivery-task';
import { shouldAutoDisable, type DisabledReason, type Endpoint, type EndpointRecord } from './endpoint';
import type { EndpointsStore } from './endpoints-store';
import type { Attempt, MessagesStore, StoredMessage } from './messages-store';
import { attemptRecordOf, decideNextStep, type NextStep } from './next-step';
import type { SigningKeys } from './signing-keys';
import { ownerOf } from '../events/owner';
import type { RecoveriesStore } from './recoveries-store';
import type { StatsEvent, StatsRecorder } from './stats-store';
import { redactEndpointUrl } from './transport/endpoint-url';
import type { Admission } from './admission/admission';
import {
  admitTask,
  completeAdmission,
  deferIfRecentlyDeferred,
  releaseAdmission,
  sendLater,
} from './admission/admit-task';
import type { CoalescedSender } from '../platform/aws/coalesced-sends';

/**
 * One delivery attempt, end to end: wait out a chained delay, read the endpoint, its secrets and the
 * message (one BatchGetItem), check the endpoint is still there and enabled, claim attempt N (so a
 * task SQS delivers twice posts once), sign, post, log the attempt, then settle: mark the delivery,
 * schedule the next attempt or record it failed, and keep the endpoint's health (auto-disabling one
 * that has failed for too long). Settling only reads what the attempt log holds, so a crash after the
 * post is repaired by the task's redelivery.
 *
 * What a successful first attempt costs: 1 read (the BatchGetItem) and 3 writes (claim, attempt
 * result, delivery state); its stats are added to the batch's counters (stats-batch.ts) and written
 * once per endpoint-hour per batch. The endpoint item is written only when its health changes: the
 * first failure after a success, the first success after failures, and auto-disable.
 *
 * An exhausted delivery is recorded `failed` (attempt log, delivery, stats) and its task leaves the
 * queue normally: the dead-letter queue only receives tasks the code could not process at all.
 *
 * Manual tasks (a resend or a recovery, `manualId` set) claim their own key rather than a number of
 * the scheduled series, and settle lightly: the delivery and the endpoint's health are updated, but a
 * failure schedules no retry and never disables the endpoint.
 */

export interface DeliverySettings {
  readonly policy: IpPolicy;
  readonly allowHttp: boolean;
  readonly timeoutMs: number;
  readonly scheduleMs: readonly number[];
  readonly disableAfterMs: number;
  readonly attemptRetentionDays: number;
  /** Budget for resolving the endpoint's host, inside `timeoutMs` (cancellable-resolver.ts). */
  readonly dnsTimeoutMs?: number;
}

export interface DeliveryDependencies {
  readonly endpoints: EndpointsStore;
  readonly messages: MessagesStore;
  readonly context: DeliveryContextReader;
  readonly signingKeys: SigningKeys;
  readonly deliveryQueue: QueueSender;
  readonly alerts: AlertSink;
  readonly post: (post: WebhookPost) => Promise<DeliveryResult>;
  readonly settings: DeliverySettings;
  readonly random: () => number;
  readonly now: () => Date;
  /** Endpoint health counters (stats-store.ts, or a batch's stats-batch.ts); absent, nothing is counted. */
  readonly stats?: StatsRecorder;
  /** Recoveries' progress; absent, recovery tasks are delivered but not counted. */
  readonly recoveries?: Pick<RecoveriesStore, 'recordAttempt'>;
  /** Rate limit, concurrency cap and circuit breaker (admission/); absent, every task dials at once. */
  readonly admission?: Admission;
  /** Tasks put back on the queue (deferrals, chained delays), coalesced per batch; absent, one send each. */
  readonly deferrals?: CoalescedSender;
}

export type DeliveryOutcome =
  | { readonly kind: 'deferred'; readonly reason?: 'not_before' | DeferReason }
  | { readonly kind: 'skipped'; readonly reason: 'endpoint_disabled' | 'endpoint_deleted' | 'message_expired' }
  | { readonly kind: 'duplicate' }
  | {
      readonly kind: 'attempted';
      readonly step: NextStep;
      readonly statusCode: number | null;
      readonly durationMs: number;
      readonly endpointDisabled: DisabledReason | null;
      /** This attempt opened the endpoint's circuit breaker. */
      readonly circuitOpened?: boolean;
    };

const SECOND_MS = 1_000;

export async function deliver(task: DeliveryTask, deps: DeliveryDependencies): Promise<DeliveryOutcome> {
  const now = deps.now();
  if (task.notBefore && Date.parse(task.notBefore) - now.getTime() > SECOND_MS) {
    const delaySeconds = (Date.parse(task.notBefore) - now.getTime()) / SECOND_MS;
    // The queue caps a delay at 15 minutes; the task comes back and waits again until notBefore.
    await sendLater(deps, JSON.stringify(task), delaySeconds);
    return { kind: 'deferred', reason: 'not_before' };
  }
  const early = await deferIfRecentlyDeferred(task, deps);
  if (early?.kind === 'deferred') return early;
  const { endpoint: record, secrets, message } = await deps.context.read(task);
  if (!record) return skip(task, deps, now, 'endpoint_deleted', 'failed');
  if (!message) return skip(task, deps, now, 'message_expired', 'failed');
  // Stored as skipped, not failed: a disabled endpoint's messages can be recovered once it is re-enabled.
  if (!record.enabled) return skip(task, deps, now, 'endpoint_disabled', 'skipped', message);
  // Created a moment ago, its secrets not yet written (endpoints-store.ts): SQS brings the task back.
  if (!secrets) throw new Error(`Endpoint ${task.endpointId} has no signing secrets yet`);
  const endpoint: Endpoint = { ...record, secrets: secrets.secrets };
  const manual = task.manualId !== undefined;
  const admission = await admitTask(task, endpoint, deps);
  if (admission.kind === 'deferred') return admission;

  const claim = newAttempt(task, endpoint, message, now, deps.settings.attemptRetentionDays);
  const staleBefore = new Date(now.getTime() - deps.settings.timeoutMs * 4).toISOString();
  const claimed = await deps.messages.claimAttempt(claim, staleBefore);
  if (!claimed.claimed) {
    await releaseAdmission(deps, admission.ticket);
    // SQS delivered this task again. If the attempt finished, make sure what follows it happened.
    if (claimed.existing.state === 'completed') {
      if (manual) await settleManual(task, endpoint, claimed.existing, deps, now);
      else await settle(task, endpoint, claimed.existing, stepOf(claimed.existing, now), deps, now);
    }
    return { kind: 'duplicate' };
  }

  const result = await attemptPost(endpoint, message, deps, now, admission.ticket?.timeoutMs);
  const { circuitOpened } = await completeAdmission(deps, admission.ticket, result);
  // A manual attempt has no schedule: a failure is final.
  const step = decideNextStep({
    result,
    attempt: task.attempt,
    scheduleMs: manual ? [] : deps.settings.scheduleMs,
    random: deps.random,
    now,
  });
  const outcomeRecord = {
    ...attemptRecordOf(result),
    status: step.kind === 'succeeded' ? 'succeeded' : 'failed',
    nextAttemptAt: step.kind === 'retry' ? step.nextAttemptAt : null,
  } as const;
  // Counted here, after the claim was won, so a task that SQS delivers twice is counted once.
  const counted: StatsEvent[] = [
    { kind: 'attempt', status: outcomeRecord.status, durationMs: outcomeRecord.durationMs },
  ];
  if (step.kind !== 'retry') counted.push({ kind: 'message', status: outcomeRecord.status });
  if (step.kind !== 'retry' && !manual) counted.push({ kind: 'pending', delta: -1, createdAt: message.createdAt });
  const completed: Attempt = { ...claim, ...outcomeRecord, state: 'completed' };
  // Side by side, one round trip: the attempt's result and the delivery's state are different items.
  // A crash between them is repaired by the redelivered task, or at worst by the sweeper's stale-claim
  // takeover, which posts once more with the same webhook-id (receivers deduplicate on it).
  const [, , , endpointDisabled] = await Promise.all([
    deps.messages.completeAttempt(claim, outcomeRecord),
    recordStats(deps, task.endpointId, counted, now),
    recordRecoveryProgress(deps, task, outcomeRecord.status),
    manual ? settleManual(task, endpoint, completed, deps, now) : settle(task, endpoint, completed, step, deps, now),
  ]);
  return {
    kind: 'attempted',
    step,
    statusCode: outcomeRecord.statusCode,
    durationMs: outcomeRecord.durationMs,
    endpointDisabled,
    circuitOpened,
  };
}

/** Endpoint health counters are best effort: a counter that could not be written never fails a delivery. */
async function recordStats(
  deps: DeliveryDependencies,
  endpointId: string,
  events: readonly StatsEvent[],
  at: Date,
): Promise<void> {
  if (!deps.stats) return;
  await Promise.all(events.map((event) => deps.stats!.record(endpointId, event, at).catch(() => undefined)));
}

async function recordRecoveryProgress(
  deps: DeliveryDependencies,
  task: DeliveryTask,
  status: 'succeeded' | 'failed' | 'skipped',
): Promise<void> {
  if (!task.recoveryId || !deps.recoveries) return;
  await deps.recoveries.recordAttempt(ownerOf(task), task.recoveryId, status).catch(() => undefined);
}

/**
 * The endpoint's health after an attempt, written only when it changes: a success clears a running
 * failure clock, a failure of a healthy endpoint starts one. Returns when the endpoint has been failing
 * since (null when healthy) — what auto-disable decides on.
 */
async function keepHealth(
  endpoint: EndpointRecord,
  succeeded: boolean,
  deps: DeliveryDependencies,
  at: string,
): Promise<string | null> {
  const owner = ownerOf(endpoint);
  if (succeeded) {
    if (endpoint.failingSince !== null) await deps.endpoints.recordRecovery(owner, endpoint.endpointId, at);
    return null;
  }
  if (endpoint.failingSince !== null) return endpoint.failingSince;
  await deps.endpoints.recordFirstFailure(owner, endpoint.endpointId, at);
  return at;
}

/**
 * After a manual attempt: a success marks the delivery succeeded; a failure marks it failed unless a
 * scheduled retry is still on its way (then that retry decides). Safe to repeat.
 */
async function settleManual(
  task: DeliveryTask,
  endpoint: EndpointRecord,
  attempt: Attempt,
  deps: DeliveryDependencies,
  now: Date,
): Promise<null> {
  const at = now.toISOString();
  const delivery = await deps.messages.getDelivery(task.messageId, task.endpointId);
  if (delivery && (attempt.status === 'succeeded' || delivery.status !== 'pending')) {
    await deps.messages.updateDelivery(
      task.messageId,
      task.endpointId,
      {
        status: attempt.status === 'succeeded' ? 'succeeded' : 'failed',
        lastAttemptAt: attempt.at,
        ...(delivery.status !== 'pending' && { nextAttemptAt: null }),
      },
      at,
    );
  }
  await keepHealth(endpoint, attempt.status === 'succeeded', deps, at);
  return null;
}

async function attemptPost(
  endpoint: Endpoint,
  message: StoredMessage,
  deps: DeliveryDependencies,
  now: Date,
  /** Admission's deadline for this attempt (the short budget of an endpoint not yet proven), else the setting. */
  timeoutMs = deps.settings.timeoutMs,
): Promise<DeliveryResult> {
  if (!deps.settings.allowHttp && !endpoint.url.startsWith('https://')) {
    return { kind: 'error', error: 'invalid_url', message: 'Plain http endpoints are not allowed', durationMs: 0 };
  }
  const keys = await deps.signingKeys.keysFor(endpoint, now);
  const headers = deliveryHeaders({
    messageId: message.messageId,
    body: message.body,
    keys,
    timestampSeconds: Math.floor(now.getTime() / SECOND_MS),
  });
  return deps.post({
    url: endpoint.url,
    headers,
    body: message.body,
    policy: deps.settings.policy,
    timeoutMs,
    ...(deps.settings.dnsTimeoutMs !== undefined && { dnsTimeoutMs: deps.settings.dnsTimeoutMs }),
  });
}

/** Brings the delivery, the queue and the endpoint in line with a finished attempt. Safe to repeat. */
async function settle(
  task: DeliveryTask,
  endpoint: EndpointRecord,
  attempt: Attempt,
  step: NextStep,
  deps: DeliveryDependencies,
  now: Date,
): Promise<DisabledReason | null> {
  const at = now.toISOString();
  const status = step.kind === 'succeeded' ? 'succeeded' : step.kind === 'retry' ? 'pending' : 'failed';
  await deps.messages.updateDelivery(
    task.messageId,
    task.endpointId,
    {
      status,
      attempts: task.attempt,
      lastAttemptAt: attempt.at,
      nextAttemptAt: step.kind === 'retry' ? step.nextAttemptAt : null,
      // A new failure: a later recovery may re-send it even if an earlier one already did.
      ...(status === 'failed' && { failedAt: at }),
    },
    at,
  );
  if (step.kind === 'retry') {
    const next: DeliveryTask = {
      ...task,
      attempt: task.attempt + 1,
      trigger: 'scheduled',
      notBefore: step.nextAttemptAt,
    };
    await deps.deliveryQueue.send(JSON.stringify(next), {
      delaySeconds: Math.min(step.delayMs / SECOND_MS, SQS_MAX_DELAY_SECONDS),
    });
  }
  if (step.kind === 'failed' && step.reason === 'endpoint_gone') return disableEndpoint(endpoint, 'gone', deps, at);
  const failingSince = await keepHealth(endpoint, step.kind === 'succeeded', deps, at);
  if (endpoint.enabled && shouldAutoDisable(failingSince, now, deps.settings.disableAfterMs))
    return disableEndpoint({ ...endpoint, failingSince }, 'failing', deps, at);
  return null;
}

async function disableEndpoint(
  endpoint: EndpointRecord,
  reason: 'gone' | 'failing',
  deps: DeliveryDependencies,
  at: string,
): Promise<DisabledReason | null> {
  if ((await deps.endpoints.disable(ownerOf(endpoint), endpoint.endpointId, reason, at)) === 'already') return null;
  const why =
    reason === 'gone' ? 'it answered 410 Gone' : `every delivery has failed since ${endpoint.failingSince ?? at}`;
  await deps.alerts.raise({
    id: `endpoint_disabled:${endpoint.endpointId}:${at}`,
    // A merchant's alert is not filed under any organisation (where an org of that name could read it).
    orgId: endpoint.merchantId !== undefined ? null : endpoint.orgId,
    kind: 'endpoint_disabled',
    severity: 'warning',
    message:
      `Webhook endpoint ${endpoint.endpointId} (${redactEndpointUrl(endpoint.url)}) was disabled because ${why}. ` +
      `Later events are kept as skipped; re-enable it to resume.`,
    at,
    source: 'delivery',
    details: {
      endpointId: endpoint.endpointId,
      url: redactEndpointUrl(endpoint.url),
      reason,
      ...(endpoint.merchantId !== undefined && { merchantId: endpoint.merchantId }),
    },
  });
  return reason;
}

async function skip(
  task: DeliveryTask,
  deps: DeliveryDependencies,
  now: Date,
  reason: 'endpoint_disabled' | 'endpoint_deleted' | 'message_expired',
  status: 'skipped' | 'failed',
  message?: StoredMessage,
): Promise<DeliveryOutcome> {
  // A manual task leaves the delivery as it was: it never made it pending.
  if (task.manualId !== undefined) {
    await recordRecoveryProgress(deps, task, 'skipped');
    return { kind: 'skipped', reason };
  }
  if (reason !== 'message_expired')
    await deps.messages.updateDelivery(
      task.messageId,
      task.endpointId,
      { status, nextAttemptAt: null, failedAt: now.toISOString() },
      now.toISOString(),
    );
  if (message)
    await recordStats(
      deps,
      task.endpointId,
      [
        { kind: 'message', status: 'skipped' },
        { kind: 'pending', delta: -1, createdAt: message.createdAt },
      ],
      now,
    );
  return { kind: 'skipped', reason };
}

function newAttempt(
  task: DeliveryTask,
  endpoint: Endpoint,
  message: StoredMessage,
  now: Date,
  retentionDays: number,
): Attempt {
  return {
    messageId: task.messageId,
    endpointId: task.endpointId,
    orgId: task.orgId,
    ...(task.merchantId !== undefined && { merchantId: task.merchantId }),
    eventType: message.eventType,
    attempt: task.attempt,
    trigger: task.trigger,
    ...(task.manualId !== undefined && { manualId: task.manualId }),
    state: 'in_progress',
    at: now.toISOString(),
    url: endpoint.url,
    status: null,
    statusCode: null,
    errorKind: null,
    errorMessage: null,
    durationMs: null,
    responseExcerpt: null,
    nextAttemptAt: null,
    expiresAt: Math.floor(now.getTime() / SECOND_MS) + retentionDays * 86_400,
  };
}

/** The step a finished attempt led to, read back from the attempt log. */
function stepOf(attempt: Attempt, now: Date): NextStep {
  if (attempt.status === 'succeeded') return { kind: 'succeeded' };
  if (attempt.nextAttemptAt)
    return {
      kind: 'retry',
      delayMs: Math.max(0, Date.parse(attempt.nextAttemptAt) - now.getTime()),
      nextAttemptAt: attempt.nextAttemptAt,
    };
  return { kind: 'failed', reason: attempt.statusCode === 410 ? 'endpoint_gone' : 'retries_exhausted' };
}
