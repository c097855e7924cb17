import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { METRIC_NAMES } from '../../shared/platform/metric-names';
import type { Observability } from '../../shared/platform/observability';
import { sweep, type SweepDependencies, type SweepResult } from '../../shared/outbound/sweep';

/** EventBridge schedule (a timer locally) → one sweep of stranded deliveries, with a metric for each kind. */

export interface SweeperDependencies extends SweepDependencies {
  readonly observability: Observability;
}

const METRIC = METRIC_NAMES.sweeper;

export function createSweeper(deps: SweeperDependencies) {
  const { logger, metrics } = deps.observability;
  return async (): Promise<SweepResult> => {
    try {
      const result = await sweep(deps);
      metrics.addMetric(METRIC.overdueRequeued, MetricUnit.Count, result.overdue);
      metrics.addMetric(METRIC.staleAttemptRequeued, MetricUnit.Count, result.staleAttempts);
      const log = result.overdue + result.staleAttempts > 0 ? logger.warn.bind(logger) : logger.info.bind(logger);
      log('Sweep finished', { ...result });
      return result;
    } finally {
      metrics.publishStoredMetrics();
    }
  };
}
