import { Duration, Stack } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  type Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  Metric,
  type IWidget,
  SingleValueWidget,
  TextWidget,
  Unit,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ILogGroup } from 'aws-cdk-lib/aws-logs';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  FUNCTIONS,
  METRICS_NAMESPACE,
  QUEUES,
  SCHEDULES,
  ROUTES,
  type FunctionName,
  type FunctionSpec,
  type QueueName,
} from '../../shared/platform/topology';
import { METRIC_NAMES } from '../../shared/platform/metric-names';
import {
  addApiAlarms,
  addFunctionAlarms,
  addMetricAlarms,
  addRejectionAlarms,
  pageWhen,
  type AlarmInputs,
  type AlarmProps,
} from './alarms';

/**
 * The operator's view of the system: one CloudWatch dashboard and the alarms that page the ops topic.
 *
 * Business metrics are the ones the functions emit with Powertools Metrics into METRICS_NAMESPACE.
 * Powertools adds the default dimension `service` (= POWERTOOLS_SERVICE_NAME = the function's folder),
 * so each metric here is addressed by exactly that one dimension. A metric emitted with extra
 * dimensions is a different CloudWatch metric and will not show up here.
 */
export const BUSINESS_METRICS: Partial<Record<FunctionName, readonly string[]>> = Object.fromEntries(
  Object.entries(METRIC_NAMES).map(([name, metrics]) => [name, Object.values(metrics)]),
);

interface DedicatedMetric {
  readonly service: FunctionName;
  readonly metric: string;
}

const dedicated = (service: FunctionName, metric: string): DedicatedMetric => ({ service, metric });

/** Business metrics with a widget of their own, and the function (`service`) that emits each. */
export const DELIVERY_LATENCY = dedicated('delivery', METRIC_NAMES.delivery.latency);
export const ENDPOINT_DISABLED = dedicated('delivery', METRIC_NAMES.delivery.endpointDisabled);
export const MANUAL_RESENDS = dedicated('endpointsApi', METRIC_NAMES.endpointsApi.manualResend);
export const RECOVERIES = dedicated('endpointsApi', METRIC_NAMES.endpointsApi.recoveryStarted);
export const RECOVERED_DELIVERIES = dedicated('endpointsApi', METRIC_NAMES.endpointsApi.recoveryQueued);
export const CIRCUIT_OPENED = dedicated('delivery', METRIC_NAMES.delivery.circuitOpened);
/** What the sweeper re-queued: deliveries whose task was lost, attempts whose worker crashed. */
export const OVERDUE_REQUEUED = dedicated('sweeper', METRIC_NAMES.sweeper.overdueRequeued);
export const STALE_ATTEMPTS_REQUEUED = dedicated('sweeper', METRIC_NAMES.sweeper.staleAttemptRequeued);

/** Circuit openings in five minutes that page someone by default (CDK context `circuitOpenAlarmThreshold`). */
export const DEFAULT_CIRCUIT_OPEN_ALARM_THRESHOLD = 10;

/**
 * The inbound event log's row: duplicate receipts per provider (another delivery of an event id the
 * log already holds: counted, not applied), failed and unmatched outcomes (what an operator finds in
 * the log and replays once fixed), and replays. Each line is labelled by what it means.
 */
export const INBOUND_LOG_METRICS = {
  duplicates: [
    { label: 'Stripe', service: 'billingConsumer', metric: METRIC_NAMES.billingConsumer.duplicateReceipt },
    { label: 'Square', service: 'catalogConsumer', metric: METRIC_NAMES.catalogConsumer.squareDuplicateReceipt },
    { label: 'Shopify', service: 'catalogConsumer', metric: METRIC_NAMES.catalogConsumer.shopifyDuplicateReceipt },
    { label: 'Signed sources', service: 'sourcesWebhook', metric: METRIC_NAMES.sourcesWebhook.duplicateReceipt },
  ],
  outcomes: [
    { label: 'Stripe: failed tries', service: 'billingConsumer', metric: METRIC_NAMES.billingConsumer.failed },
    {
      label: 'Stripe: no organisation (operator view)',
      service: 'billingConsumer',
      metric: METRIC_NAMES.billingConsumer.orgUnresolved,
    },
    {
      label: 'Square/Shopify: failed tries',
      service: 'catalogConsumer',
      metric: METRIC_NAMES.catalogConsumer.failed,
    },
    {
      label: 'Square/Shopify: unmatched account',
      service: 'catalogConsumer',
      metric: METRIC_NAMES.catalogConsumer.unmatched,
    },
  ],
  replays: [
    { label: 'events replayed', service: 'inboundApi', metric: METRIC_NAMES.inboundApi.replayQueued },
    { label: 'bulk replays started', service: 'inboundApi', metric: METRIC_NAMES.inboundApi.bulkReplayStarted },
  ],
} as const satisfies Record<string, readonly (DedicatedMetric & { readonly label: string })[]>;

/** Not counts: left out of the per-function "events" graphs (a Sum of latencies means nothing). */
const NON_COUNT_METRICS: ReadonlySet<string> = new Set([DELIVERY_LATENCY.metric]);

/** What a failed enqueue costs, per webhook function; the alarm description says it. */
const ENQUEUE_FAILED_CONSEQUENCES: Partial<Record<FunctionName, string>> = {
  stripeWebhook: 'Stripe retries, but repeated failures lose billing updates.',
  squareWebhook:
    'Square retries, but repeated failures lose catalog and stock updates, and Square disables a subscription after ' +
    '3 weeks without a 2xx.',
  shopifyWebhook:
    'Shopify retries 8 times over 4 hours, then deletes an API-created subscription: catalog and stock updates stop.',
  sourcesWebhook:
    'The inbound source got a 5xx: unless it retries, the event never reaches the services that consume ' +
    'inbound-sources.',
};

/**
 * Business metrics that page someone as soon as they are non-zero: every function's `enqueueFailed`
 * metric (a verified webhook that could not be queued).
 */
export const BUSINESS_METRIC_ALARMS: readonly { function: FunctionName; metric: string; why: string }[] = (
  Object.entries(METRIC_NAMES) as [FunctionName, Record<string, string>][]
).flatMap(([name, metrics]) => {
  const metric = metrics.enqueueFailed;
  if (metric === undefined) return [];
  const why =
    `${FUNCTIONS[name].dir}: a verified webhook could not be queued. ` +
    `${ENQUEUE_FAILED_CONSEQUENCES[name] ?? 'The sender retries, but repeated failures lose its events.'}`;
  return [{ function: name, metric, why }];
});

/** Functions behind unauthenticated (webhook) routes: an unhandled error there is a 5xx to the provider. */
export const WEBHOOK_FUNCTIONS: readonly FunctionName[] = [
  ...new Set(ROUTES.filter((route) => route.auth === 'none').map((route) => route.function)),
];

const FIVE_MINUTES = Duration.minutes(5);
const ONE_DAY = Duration.days(1);
const ONE_MINUTE = Duration.minutes(1);
/** Oldest message older than this means the consumer is stuck or failing. */
const MAX_QUEUE_AGE = Duration.minutes(10);

export interface WebhooksDashboardProps {
  readonly functions: Record<FunctionName, IFunction>;
  readonly queues: Record<QueueName, { readonly queue: IQueue; readonly deadLetterQueue: IQueue }>;
  readonly httpApi: IHttpApi;
  /** The HTTP API's access log: 429 answers are counted from it (HTTP APIs publish no 429 metric). */
  readonly accessLogs: ILogGroup;
  /** Receives alarm and OK notifications. */
  readonly alarmTopic: ITopic;
  /** Circuit openings within five minutes that raise the alarm (default 10). */
  readonly circuitOpenAlarmThreshold?: number;
}

export class WebhooksDashboard extends Construct {
  readonly dashboard: Dashboard;
  readonly alarms: Alarm[] = [];
  private readonly stackName: string;
  private readonly alarmAction: SnsAction;

  constructor(scope: Construct, id: string, props: WebhooksDashboardProps) {
    super(scope, id);
    this.stackName = Stack.of(this).stackName;
    this.alarmAction = new SnsAction(props.alarmTopic);
    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: `BetterDataWebhooks-${this.stackName}`,
      defaultInterval: Duration.hours(24),
    });
    this.dashboard.addWidgets(
      new TextWidget({
        markdown:
          `# Better Data webhooks (${this.stackName})\nBusiness metrics: namespace \`${METRICS_NAMESPACE}\`, ` +
          `dimension \`service\`.`,
        width: 24,
        height: 2,
      }),
    );
    this.addBusinessWidgets();
    // The inbound event log: duplicates per provider, failures and unmatched events to look at, replays.
    this.dashboard.addWidgets(...inboundLogWidgets());
    this.addCircuitWidgetAndAlarm(props.circuitOpenAlarmThreshold ?? DEFAULT_CIRCUIT_OPEN_ALARM_THRESHOLD);
    this.dashboard.addWidgets(sweeperWidget());
    for (const alarmSpec of BUSINESS_METRIC_ALARMS) {
      this.pageWhen(`${FUNCTIONS[alarmSpec.function].id}${alarmSpec.metric}Alarm`, {
        alarmName: `${this.stackName}-${FUNCTIONS[alarmSpec.function].dir}-${alarmSpec.metric}`,
        alarmDescription: alarmSpec.why,
        metric: businessMetric(alarmSpec.function, alarmSpec.metric),
        threshold: 1,
      });
    }
    this.addQueueWidgetsAndAlarms(props);
    this.addIngestAndScheduleAlarms(props);
    this.addLambdaRows(props.functions);
    this.addApiWidgetsAndAlarms(props);
  }

  /** An alarm that notifies the ops topic when it fires and when it clears. */
  private addAlarm = (alarm: Alarm): Alarm => {
    alarm.addAlarmAction(this.alarmAction);
    alarm.addOkAction(this.alarmAction);
    this.alarms.push(alarm);
    return alarm;
  };

  private pageWhen(id: string, props: AlarmProps): Alarm {
    return this.addAlarm(pageWhen(this, id, props));
  }

  /** Business metrics, one graph per function that emits any; delivery latency; daily totals of what admins did. */
  private addBusinessWidgets(): void {
    const businessWidgets: IWidget[] = [];
    for (const [name, metricNames] of Object.entries(BUSINESS_METRICS) as [FunctionName, readonly string[]][]) {
      const counts = metricNames.filter((metricName) => !NON_COUNT_METRICS.has(metricName));
      if (counts.length === 0) continue;
      businessWidgets.push(
        new GraphWidget({
          title: `${FUNCTIONS[name].dir}: events`,
          left: counts.map((metricName) => businessMetric(name, metricName)),
          width: 12,
        }),
      );
    }
    this.dashboard.addWidgets(...businessWidgets);

    // Outbound delivery: how long tenants' endpoints take to answer, and endpoints switched off.
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Delivery latency (ms)',
        left: (['p50', 'p95', 'p99'] as const).map((statistic) =>
          businessMetric(DELIVERY_LATENCY.service, DELIVERY_LATENCY.metric, {
            statistic,
            unit: Unit.MILLISECONDS,
            label: statistic,
          }),
        ),
        leftYAxis: { label: 'ms', showUnits: false, min: 0 },
        width: 12,
      }),
      dailyTotal('Disabled endpoints (last 24 h)', [ENDPOINT_DISABLED, 'disabled']),
    );
    // Operating endpoints: what admins did about failures (resends, recoveries after an outage).
    this.dashboard.addWidgets(
      dailyTotal('Manual resends (last 24 h)', [MANUAL_RESENDS, 'resends']),
      dailyTotal('Recoveries (last 24 h)', [RECOVERIES, 'recoveries'], [RECOVERED_DELIVERIES, 'deliveries re-queued']),
    );
  }

  /**
   * Fairness: endpoints whose circuit opened (their deliveries wait, one probe a minute). One is a
   * tenant's outage; many at once is more likely ours (DNS, egress), hence the alarm.
   */
  private addCircuitWidgetAndAlarm(threshold: number): void {
    const circuitOpenings = businessMetric(CIRCUIT_OPENED.service, CIRCUIT_OPENED.metric, {
      statistic: 'Sum',
      period: FIVE_MINUTES,
      label: 'circuits opened',
    });
    this.dashboard.addWidgets(
      new GraphWidget({ title: 'Endpoint circuits opened (per 5 min)', left: [circuitOpenings], width: 24 }),
    );
    this.pageWhen('CircuitOpenedAlarm', {
      alarmName: `${this.stackName}-delivery-${CIRCUIT_OPENED.metric}`,
      alarmDescription:
        `At least ${threshold} endpoint circuits opened within 5 minutes: ` +
        `many endpoints unreachable at once points at our egress or DNS rather than at tenants.`,
      metric: businessMetric(CIRCUIT_OPENED.service, CIRCUIT_OPENED.metric, { statistic: 'Sum', period: FIVE_MINUTES }),
      threshold,
    });
  }

  /** Queues: backlog age and dead letters, with their alarms, and the consumers' whole-invocation errors. */
  private addQueueWidgetsAndAlarms(props: WebhooksDashboardProps): void {
    const queueAge: Metric[] = [];
    const deadLetters: Metric[] = [];
    for (const [name, { queue, deadLetterQueue }] of Object.entries(props.queues) as [
      QueueName,
      WebhooksDashboardProps['queues'][QueueName],
    ][]) {
      const spec = QUEUES[name];
      const age = queue.metricApproximateAgeOfOldestMessage({ statistic: 'Maximum', period: ONE_MINUTE });
      const depth = deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        statistic: 'Maximum',
        period: ONE_MINUTE,
      });
      queueAge.push(age.with({ label: spec.id }));
      deadLetters.push(depth.with({ label: spec.dlq.id }));
      this.addQueueAlarms(name, age, depth);
      if (!spec.consumer) continue; // consumed by another service: its errors alarm there
      const consumerId = FUNCTIONS[spec.consumer.function].id;
      this.pageWhen(`${consumerId}ErrorsAlarm`, {
        alarmName: `${this.stackName}-${consumerId}-errors`,
        alarmDescription:
          `${consumerId} failed whole invocations in the last 5 minutes (per-message failures are ` +
          `retried via the queue).`,
        metric: props.functions[spec.consumer.function].metricErrors({ statistic: 'Sum', period: FIVE_MINUTES }),
        ...ABOVE_ZERO,
      });
    }
    this.dashboard.addWidgets(
      new GraphWidget({ title: 'Queue: age of oldest message (s)', left: queueAge, width: 12 }),
      new GraphWidget({ title: 'Dead-letter queues: messages visible', left: deadLetters, width: 12 }),
    );
  }

  private addQueueAlarms(name: QueueName, age: Metric, depth: Metric): void {
    const spec = QUEUES[name];
    const writers = deadLetterWriters(name);
    this.pageWhen(`${spec.dlq.id}DepthAlarm`, {
      alarmName: `${this.stackName}-${spec.dlq.id}-not-empty`,
      alarmDescription:
        `Messages in ${spec.dlq.id}: received ${spec.maxReceiveCount} times without success` +
        (writers.length > 0 ? `, or dead-lettered by ${writers.join(', ')} after its own retries ran out` : '') +
        '. Inspect, fix, then redrive.',
      metric: depth,
      threshold: 1,
    });
    this.pageWhen(`${spec.id}AgeAlarm`, {
      alarmName: `${this.stackName}-${spec.id}-backlog-age`,
      alarmDescription:
        `Oldest message in ${spec.id} is older than ${MAX_QUEUE_AGE.toMinutes()} minutes: ` +
        (spec.consumer
          ? 'the consumer is stuck or failing.'
          : 'the Better Data service that consumes it (not this stack) is stuck, failing or not deployed.'),
      metric: age,
      threshold: MAX_QUEUE_AGE.toSeconds(),
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
    });
  }

  /**
   * Webhook ingest: an error or timeout is a 5xx to the provider, which retries and eventually gives up
   * (Shopify deletes the subscription after 4 hours), so each webhook function pages on its own.
   * Scheduled functions (the sweeper, the OAuth token refresh): a failing run leaves its work undone
   * (stranded deliveries stay stranded, tokens near expiry are not refreshed) until a run succeeds.
   */
  private addIngestAndScheduleAlarms(props: WebhooksDashboardProps): void {
    const ingestErrors: Metric[] = [];
    for (const name of WEBHOOK_FUNCTIONS) {
      const { id, dir } = FUNCTIONS[name];
      const errors = props.functions[name].metricErrors({ statistic: 'Sum', period: FIVE_MINUTES });
      ingestErrors.push(errors.with({ label: dir }));
      if (QUEUE_CONSUMERS.has(name)) continue; // already alarmed as a queue consumer
      this.pageWhen(`${id}ErrorsAlarm`, {
        alarmName: `${this.stackName}-${id}-errors`,
        alarmDescription:
          `${id} failed or timed out in the last 5 minutes: the webhook sender got a 5xx and will ` +
          `retry; repeated failures lose its events.`,
        metric: errors,
        ...ABOVE_ZERO,
      });
    }
    for (const schedule of SCHEDULES) {
      const spec: FunctionSpec = FUNCTIONS[schedule.function];
      this.pageWhen(`${spec.id}ErrorsAlarm`, {
        alarmName: `${this.stackName}-${spec.id}-errors`,
        alarmDescription:
          `${spec.id} (every ${schedule.everyMinutes} minutes) failed in the last ` +
          `15 minutes: its work waits until a run succeeds. ${spec.description}.`,
        metric: props.functions[schedule.function].metricErrors({ statistic: 'Sum', period: Duration.minutes(15) }),
        ...ABOVE_ZERO,
      });
    }
    if (ingestErrors.length > 0) {
      this.dashboard.addWidgets(
        new GraphWidget({ title: 'Webhook ingest: function errors by sender', left: ingestErrors, width: 24 }),
      );
    }
  }

  /** Lambda health, one row per function. */
  private addLambdaRows(functions: Record<FunctionName, IFunction>): void {
    for (const [name, fn] of Object.entries(functions) as [FunctionName, IFunction][]) {
      const label = FUNCTIONS[name].dir;
      this.dashboard.addWidgets(
        new GraphWidget({
          title: `${label}: errors and throttles`,
          left: [
            fn.metricErrors({ statistic: 'Sum', period: FIVE_MINUTES }),
            fn.metricThrottles({ statistic: 'Sum', period: FIVE_MINUTES }),
          ],
          width: 12,
        }),
        new GraphWidget({
          title: `${label}: duration (ms)`,
          left: (['p50', 'p99', 'Maximum'] as const).map((statistic) =>
            fn.metricDuration({ statistic, period: FIVE_MINUTES }),
          ),
          width: 12,
        }),
      );
    }
  }

  /** API 5xx rate and 429s, every function's errors and throttles, receivers' rejection rates, METRIC_ALARMS. */
  private addApiWidgetsAndAlarms(props: WebhooksDashboardProps): void {
    const alarmInputs: AlarmInputs = {
      stackName: this.stackName,
      functions: props.functions,
      httpApi: props.httpApi,
      accessLogs: props.accessLogs,
      receivers: WEBHOOK_FUNCTIONS,
      errorsAlarmed: new Set([
        ...QUEUE_CONSUMERS,
        ...WEBHOOK_FUNCTIONS,
        ...SCHEDULES.map((schedule) => schedule.function),
      ]),
      businessMetric: (name, metricName) => businessMetric(name, metricName),
    };
    const apiWidget = addApiAlarms(this, alarmInputs, this.addAlarm);
    const rejectionWidget = addRejectionAlarms(this, alarmInputs, this.addAlarm);
    addFunctionAlarms(this, alarmInputs, this.addAlarm);
    addMetricAlarms(this, alarmInputs, this.addAlarm);
    this.dashboard.addWidgets(apiWidget, rejectionWidget);
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'HTTP API: requests, 4xx, 5xx',
        left: [props.httpApi.metricCount({ statistic: 'Sum', period: FIVE_MINUTES })],
        right: [
          props.httpApi.metricClientError({ statistic: 'Sum', period: FIVE_MINUTES }),
          props.httpApi.metricServerError({ statistic: 'Sum', period: FIVE_MINUTES }),
        ],
        width: 12,
      }),
      new AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 12 }),
    );
  }
}

/**
 * Stranded deliveries the sweeper re-queued, per hour: a steady trickle is lost tasks or crashed
 * workers; a jump points at the delivery function or its queue.
 */
function sweeperWidget(): GraphWidget {
  const perHour = ([{ service, metric }, label]: [DedicatedMetric, string]) =>
    businessMetric(service, metric, { statistic: 'Sum', period: Duration.hours(1), label });
  return new GraphWidget({
    title: 'Sweeper: stranded deliveries re-queued (per hour)',
    left: [
      perHour([OVERDUE_REQUEUED, 'overdue deliveries re-queued']),
      perHour([STALE_ATTEMPTS_REQUEUED, 'stale attempts re-queued']),
    ],
    width: 24,
  });
}

/** The inbound event log's row: one graph each for duplicates, failed and unmatched outcomes, and replays. */
function inboundLogWidgets(): IWidget[] {
  const lines = (metrics: readonly (DedicatedMetric & { readonly label: string })[]) =>
    metrics.map(({ service, metric, label }) => businessMetric(service, metric, { label }));
  return [
    new GraphWidget({
      title: 'Inbound log: duplicate receipts by provider (per 5 min)',
      left: lines(INBOUND_LOG_METRICS.duplicates),
      width: 8,
    }),
    new GraphWidget({
      title: 'Inbound log: failed and unmatched outcomes (per 5 min)',
      left: lines(INBOUND_LOG_METRICS.outcomes),
      width: 8,
    }),
    new GraphWidget({ title: 'Inbound log: replays (per 5 min)', left: lines(INBOUND_LOG_METRICS.replays), width: 8 }),
  ];
}

/** Pages on any occurrence at all (errors of a function whose every failure matters). */
const ABOVE_ZERO = { threshold: 0, comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD } as const;

/** Functions that consume a queue of this stack: their errors page with the queue's alarms. */
const QUEUE_CONSUMERS: ReadonlySet<FunctionName> = new Set(
  Object.values(QUEUES).flatMap((spec) => (spec.consumer ? [spec.consumer.function] : [])),
);

/** A single number: each metric summed over the last 24 hours, with its label. */
function dailyTotal(title: string, ...metrics: [DedicatedMetric, string][]): SingleValueWidget {
  return new SingleValueWidget({
    title,
    metrics: metrics.map(([{ service, metric }, label]) =>
      businessMetric(service, metric, { statistic: 'Sum', period: ONE_DAY, label }),
    ),
    width: 12,
  });
}

/** Functions that move messages to the queue's DLQ themselves (`access.sendsToDeadLetter`). */
function deadLetterWriters(queue: QueueName): string[] {
  return Object.values<FunctionSpec>(FUNCTIONS)
    .filter((spec) => spec.access.sendsToDeadLetter?.includes(queue))
    .map((spec) => spec.id);
}

function businessMetric(
  name: FunctionName,
  metricName: string,
  options: { statistic?: string; period?: Duration; unit?: Unit; label?: string } = {},
): Metric {
  return new Metric({
    namespace: METRICS_NAMESPACE,
    metricName,
    dimensionsMap: { service: FUNCTIONS[name].dir },
    statistic: options.statistic ?? 'Sum',
    period: options.period ?? FIVE_MINUTES,
    ...(options.unit ? { unit: options.unit } : {}),
    ...(options.label ? { label: options.label } : {}),
  });
}
