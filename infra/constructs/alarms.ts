import { Duration } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  ComparisonOperator,
  GraphWidget,
  type IMetric,
  type IWidget,
  MathExpression,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { FilterPattern, type ILogGroup, MetricFilter } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { METRIC_NAMES } from '../../shared/platform/metric-names';
import { FUNCTIONS, METRICS_NAMESPACE, type FunctionName } from '../../shared/platform/topology';

/**
 * The alarms that page someone beyond queues and failed enqueues: the HTTP API's 5xx rate and 429s,
 * every function's errors and throttles, the rejection rate of each webhook receiver, and business
 * metrics listed in METRIC_ALARMS. Each goes to the ops topic (OK too) and onto the dashboard.
 */

/**
 * A business metric that pages as soon as it reaches `threshold` (default 1) in a 5-minute period.
 * Adding an alarm for a new metric is one entry here, e.g. `{ function: 'delivery', metric:
 * METRIC_NAMES.delivery.circuitOpened, why: '…' }`.
 */
export interface MetricAlarmSpec {
  readonly function: FunctionName;
  readonly metric: string;
  readonly why: string;
  readonly threshold?: number;
}

export const METRIC_ALARMS: readonly MetricAlarmSpec[] = [
  {
    function: 'eventsApi',
    metric: METRIC_NAMES.eventsApi.forbidden,
    why:
      'A caller of POST /internal/events was refused by the publisher allowlist (CDK context eventPublishers): ' +
      'either a service lost its entry and its events are not being published, or something is trying to publish ' +
      'events it may not.',
  },
  {
    function: 'jobWorker',
    metric: METRIC_NAMES.jobWorker.failed,
    why:
      'A durable job (a recovery, a provider sync or a bulk replay) gave up after 5 failed tries of one step: ' +
      'its owner sees it failed and what it was meant to do did not finish.',
  },
  {
    function: 'billingConsumer',
    metric: METRIC_NAMES.billingConsumer.orgUnresolved,
    why:
      'A verified Stripe event names a customer no organisation is mapped to. It is kept in the inbound log ' +
      '(GET /internal/inbound/events?status=failed): fix the mapping, then replay it ' +
      '(POST /internal/inbound/events/{eventId}/replay) — the log keeps it long after the DLQ would drop it.',
  },
  {
    function: 'billingConsumer',
    metric: METRIC_NAMES.billingConsumer.failed,
    threshold: 5,
    why:
      'At least 5 failed tries of Stripe events in 5 minutes: the inbound log shows each as failed with its reason ' +
      '(GET /v1/orgs/{orgId}/inbound/events?status=failed); SQS retries them, then dead-letters them.',
  },
  {
    function: 'catalogConsumer',
    metric: METRIC_NAMES.catalogConsumer.failed,
    threshold: 5,
    why:
      'At least 5 failed tries of Square or Shopify events in 5 minutes: the inbound log shows each as failed with ' +
      'its reason; SQS retries them, then dead-letters them, and stock levels fall behind.',
  },
  {
    function: 'catalogConsumer',
    metric: METRIC_NAMES.catalogConsumer.unmatched,
    threshold: 10,
    why:
      'At least 10 Square or Shopify events in 5 minutes from accounts no organisation has connected: a connection ' +
      'was lost or never stored. They are kept in the inbound log as unmatched and can be replayed once connected.',
  },
];

/** 5xx answers above this share of all API requests, for 3 one-minute periods in a row, page. */
export const API_5XX_RATE_PERCENT = 5;
/** Throttled (429) answers in 5 minutes that page: a provider or tenant is being turned away. */
export const API_429_PER_5_MINUTES = 50;
/** A webhook receiver rejecting more than this share of requests for 15 minutes pages. */
export const REJECTION_RATE_PERCENT = 50;
/** …once at least this many were rejected in each 5 minutes, so a handful of stray probes do not page. */
export const REJECTION_MIN_COUNT = 5;
/** The metric the access-log filter counts 429 answers into. */
export const THROTTLED_REQUESTS_METRIC = 'ApiThrottledRequests';

const ONE_MINUTE = Duration.minutes(1);
const FIVE_MINUTES = Duration.minutes(5);

type AddAlarm = (alarm: Alarm) => Alarm;

export interface AlarmInputs {
  readonly stackName: string;
  readonly functions: Record<FunctionName, IFunction>;
  readonly httpApi: IHttpApi;
  readonly accessLogs: ILogGroup;
  /** Functions behind unauthenticated routes, with their `rejected` and `queued` metric names. */
  readonly receivers: readonly FunctionName[];
  /** Functions whose errors already page elsewhere (queue consumers, webhook receivers). */
  readonly errorsAlarmed: ReadonlySet<FunctionName>;
  /** A business metric of a function (namespace METRICS_NAMESPACE, dimension `service`), Sum over 5 minutes. */
  readonly businessMetric: (name: FunctionName, metricName: string) => IMetric;
}

export type AlarmProps = Omit<ConstructorParameters<typeof Alarm>[2], 'evaluationPeriods'> & {
  readonly evaluationPeriods?: number;
};

/**
 * An alarm as every alarm of this stack is: missing data is not breaching, and by default it fires on
 * reaching the threshold in one period.
 */
export function pageWhen(scope: Construct, id: string, props: AlarmProps): Alarm {
  return new Alarm(scope, id, {
    comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: TreatMissingData.NOT_BREACHING,
    evaluationPeriods: 1,
    ...props,
  });
}

/** API 5xx rate and 429 count; returns the dashboard widget showing both. */
export function addApiAlarms(scope: Construct, inputs: AlarmInputs, addAlarm: AddAlarm): IWidget {
  const fiveXx = new MathExpression({
    label: '5xx %',
    expression: 'IF(requests > 0, 100 * errors / requests, 0)',
    usingMetrics: {
      errors: inputs.httpApi.metricServerError({ statistic: 'Sum', period: ONE_MINUTE }),
      requests: inputs.httpApi.metricCount({ statistic: 'Sum', period: ONE_MINUTE }),
    },
    period: ONE_MINUTE,
  });
  addAlarm(
    pageWhen(scope, 'HttpApi5xxRateAlarm', {
      alarmName: `${inputs.stackName}-HttpApi-5xx-rate`,
      alarmDescription:
        `More than ${API_5XX_RATE_PERCENT}% of HTTP API requests answered 5xx for 3 minutes: webhook senders ` +
        `retry and may give up; API callers see failures.`,
      metric: fiveXx,
      threshold: API_5XX_RATE_PERCENT,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
    }),
  );
  // HTTP APIs publish no 429 metric: the access log's status field is counted instead.
  new MetricFilter(scope, 'HttpApiThrottledFilter', {
    logGroup: inputs.accessLogs,
    filterPattern: FilterPattern.numberValue('$.status', '=', 429),
    metricNamespace: METRICS_NAMESPACE,
    metricName: THROTTLED_REQUESTS_METRIC,
    metricValue: '1',
  });
  const throttled = new Metric({
    namespace: METRICS_NAMESPACE,
    metricName: THROTTLED_REQUESTS_METRIC,
    statistic: 'Sum',
    period: FIVE_MINUTES,
    label: '429',
  });
  addAlarm(
    pageWhen(scope, 'HttpApi429Alarm', {
      alarmName: `${inputs.stackName}-HttpApi-429`,
      alarmDescription:
        `At least ${API_429_PER_5_MINUTES} requests answered 429 in 5 minutes: a route's throttle (README, ` +
        `Throttles) turned callers away. If they are Stripe, Square or Shopify, raise that provider's throttle ` +
        `before the provider gives up (Shopify removes a subscription after repeated failures).`,
      metric: throttled,
      threshold: API_429_PER_5_MINUTES,
      evaluationPeriods: 1,
    }),
  );
  return new GraphWidget({ title: 'HTTP API: 5xx rate (%) and 429s', left: [fiveXx], right: [throttled], width: 12 });
}

/** Errors (where no other alarm covers them) and throttles of every function. */
export function addFunctionAlarms(scope: Construct, inputs: AlarmInputs, addAlarm: AddAlarm): void {
  for (const [name, fn] of Object.entries(inputs.functions) as [FunctionName, IFunction][]) {
    const { id } = FUNCTIONS[name];
    if (!inputs.errorsAlarmed.has(name)) {
      addAlarm(
        pageWhen(scope, `${id}ErrorsAlarm`, {
          alarmName: `${inputs.stackName}-${id}-errors`,
          alarmDescription: `${id} failed or timed out in the last 5 minutes: its callers got a 5xx.`,
          metric: fn.metricErrors({ statistic: 'Sum', period: FIVE_MINUTES }),
          threshold: 1,
          evaluationPeriods: 1,
        }),
      );
    }
    addAlarm(
      pageWhen(scope, `${id}ThrottlesAlarm`, {
        alarmName: `${inputs.stackName}-${id}-throttles`,
        alarmDescription:
          `Lambda throttled ${id} in the last 5 minutes (account or reserved concurrency exhausted): requests ` +
          `were refused or queue messages delayed.`,
        metric: fn.metricThrottles({ statistic: 'Sum', period: FIVE_MINUTES }),
        threshold: 1,
        evaluationPeriods: 1,
      }),
    );
  }
}

/**
 * Per webhook receiver: the share of requests rejected (bad or missing signature, malformed) over 15
 * minutes. A wrong provider secret makes every delivery fail with 400 until the provider gives up.
 */
export function addRejectionAlarms(scope: Construct, inputs: AlarmInputs, addAlarm: AddAlarm): IWidget {
  const rates: IMetric[] = [];
  for (const name of inputs.receivers) {
    // Only the webhook receivers count rejections; OAuth callbacks share their unauthenticated routes.
    const names: Record<string, string> = METRIC_NAMES[name as keyof typeof METRIC_NAMES] ?? {};
    if (names.rejected === undefined || names.queued === undefined) continue;
    const { id, dir } = FUNCTIONS[name];
    // Metric ids must be unique within the one graph that draws every receiver's rate.
    const [rejected, queued] = [`rejected_${rates.length}`, `queued_${rates.length}`];
    const rate = new MathExpression({
      label: dir,
      expression: `IF(${rejected} >= ${REJECTION_MIN_COUNT}, 100 * ${rejected} / (${rejected} + ${queued}), 0)`,
      usingMetrics: {
        [rejected]: inputs.businessMetric(name, names.rejected),
        [queued]: inputs.businessMetric(name, names.queued),
      },
      period: FIVE_MINUTES,
    });
    rates.push(rate);
    addAlarm(
      pageWhen(scope, `${id}RejectionRateAlarm`, {
        alarmName: `${inputs.stackName}-${id}-rejection-rate`,
        alarmDescription:
          `${dir} rejected more than ${REJECTION_RATE_PERCENT}% of requests for 15 minutes: most likely the ` +
          `signing secret stored here no longer matches the sender's (rotated, or the wrong one), and the sender ` +
          `will give up. Check the rejection reasons in the function's logs.`,
        metric: rate,
        threshold: REJECTION_RATE_PERCENT,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 3,
      }),
    );
  }
  return new GraphWidget({ title: 'Webhook receivers: rejected (%)', left: rates, width: 12 });
}

/** One alarm per METRIC_ALARMS entry. */
export function addMetricAlarms(scope: Construct, inputs: AlarmInputs, addAlarm: AddAlarm): void {
  for (const spec of METRIC_ALARMS) {
    const { id, dir } = FUNCTIONS[spec.function];
    addAlarm(
      pageWhen(scope, `${id}${spec.metric}Alarm`, {
        alarmName: `${inputs.stackName}-${dir}-${spec.metric}`,
        alarmDescription: spec.why,
        metric: inputs.businessMetric(spec.function, spec.metric),
        threshold: spec.threshold ?? 1,
        evaluationPeriods: 1,
      }),
    );
  }
}
