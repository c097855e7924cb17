import type { FunctionName } from './topology';

/**
 * Every business metric a function emits, by function. The functions count with these names and the
 * CDK dashboard draws them, so a renamed metric cannot silently leave an empty graph behind.
 */
export const METRIC_NAMES = {
  stripeWebhook: {
    received: 'WebhookReceived',
    queued: 'WebhookQueued',
    rejected: 'WebhookRejected',
    unhandledType: 'WebhookUnhandledType',
    enqueueFailed: 'WebhookEnqueueFailed',
  },
  billingConsumer: {
    applied: 'BillingEventApplied',
    stale: 'BillingEventStale',
    duplicate: 'BillingEventDuplicate',
    failed: 'BillingEventFailed',
    orgUnresolved: 'BillingOrgUnresolved',
    opsAlertRaised: 'OpsAlertRaised',
    eventPublished: 'PlatformEventPublished',
    /** A Stripe event id received again (another delivery): counted in the inbound log, not applied. */
    duplicateReceipt: 'BillingEventDuplicateReceipt',
  },
  eventsApi: {
    accepted: 'EventAccepted',
    rejected: 'EventRejected',
    /** A caller outside the publisher allowlist, or an event type or owner kind its entry does not list. */
    forbidden: 'EventPublisherRefused',
  },
  fanout: {
    messageCreated: 'MessageCreated',
    duplicateEvent: 'DuplicateEvent',
    tasksCreated: 'DeliveryTasksCreated',
    skipped: 'DeliverySkipped',
    /** Tasks queued already delayed: their endpoint's circuit was open or it was slowed down by a 429. */
    delayedAtFanout: 'DeliveryTasksDelayedAtFanout',
    invalidEvent: 'InvalidEvent',
  },
  delivery: {
    delivered: 'DeliverySucceeded',
    retried: 'DeliveryRetried',
    failed: 'DeliveryFailed',
    latency: 'DeliveryLatency',
    skipped: 'DeliverySkipped',
    deferred: 'DeliveryDeferred',
    duplicate: 'DeliveryDuplicate',
    endpointDisabled: 'EndpointDisabled',
    opsAlertRaised: 'OpsAlertRaised',
    /** An endpoint's circuit breaker opened (consecutive timeouts or connection errors). */
    circuitOpened: 'CircuitOpened',
  },
  jobWorker: {
    stepCompleted: 'JobStepCompleted',
    stepFailed: 'JobStepFailed',
    completed: 'JobCompleted',
    /** A job gave up after repeated step failures: an alarm watches this. */
    failed: 'JobFailed',
  },
  sweeper: {
    /** A pending delivery whose next attempt was overdue by 15 minutes (its task was lost) was re-queued. */
    overdueRequeued: 'OverdueDeliveryRequeued',
    /** A delivery whose attempt stayed in progress past the stale window (its worker crashed) was re-queued. */
    staleAttemptRequeued: 'StaleAttemptRequeued',
  },
  endpointsApi: {
    secretRotated: 'EndpointSecretRotated',
    testSent: 'EndpointTestSent',
    manualResend: 'ManualResend',
    recoveryStarted: 'RecoveryStarted',
    /** Deliveries re-enqueued by recoveries (each becomes one manual attempt). */
    recoveryQueued: 'RecoveryDeliveriesQueued',
  },
  squareWebhook: {
    received: 'WebhookReceived',
    queued: 'WebhookQueued',
    rejected: 'WebhookRejected',
    unhandledType: 'WebhookUnhandledType',
    /** Verified, from a merchant no organisation has connected (known only when the ingest looked it up). */
    unmatched: 'WebhookUnmatchedAccount',
    enqueueFailed: 'WebhookEnqueueFailed',
  },
  shopifyWebhook: {
    received: 'WebhookReceived',
    queued: 'WebhookQueued',
    rejected: 'WebhookRejected',
    unhandledType: 'WebhookUnhandledType',
    enqueueFailed: 'WebhookEnqueueFailed',
  },
  sourcesWebhook: {
    received: 'WebhookReceived',
    queued: 'WebhookQueued',
    rejected: 'WebhookRejected',
    unknownSource: 'WebhookUnknownSource',
    enqueueFailed: 'WebhookEnqueueFailed',
    /** Queued, but not written to the source's 30-day event listing. */
    recordFailed: 'SourceEventRecordFailed',
    /** A source event id received again: counted in the inbound log, not queued again. */
    duplicateReceipt: 'SourceEventDuplicateReceipt',
  },
  catalogConsumer: {
    applied: 'CatalogChangeApplied',
    stale: 'CatalogChangeStale',
    duplicate: 'CatalogChangeDuplicate',
    ignored: 'CatalogEventIgnored',
    /** From a Square merchant or Shopify shop no organisation has connected: kept for replay. */
    unmatched: 'CatalogEventUnmatched',
    failed: 'CatalogEventFailed',
    stockoutPublished: 'StockoutRiskPublished',
    pulled: 'SquareCatalogPulled',
    objectsPulled: 'SquareCatalogObjectsPulled',
    /** A catalog.version.updated was recorded but not pulled (no access token, or another merchant's). */
    pullSkipped: 'SquareCatalogPullSkipped',
    /** A Square event id received again: counted in the inbound log, not applied. */
    squareDuplicateReceipt: 'SquareEventDuplicateReceipt',
    /** A Shopify event id received again: counted in the inbound log, not applied. */
    shopifyDuplicateReceipt: 'ShopifyEventDuplicateReceipt',
  },
  oauthTokenRefresh: {
    refreshed: 'OauthTokenRefreshed',
    /** A refresh failed (retried with backoff; an ops alert once the token nears its expiry). */
    failed: 'OauthTokenRefreshFailed',
  },
  inboundApi: {
    /** One logged event put back on its consumer's queue (by an admin, or an operator for an unattributed one). */
    replayQueued: 'InboundEventReplayQueued',
    /** A bulk replay job started. */
    bulkReplayStarted: 'InboundBulkReplayStarted',
  },
} as const satisfies Partial<Record<FunctionName, Record<string, string>>>;
