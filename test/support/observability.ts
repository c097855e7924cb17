import { createObservability, type Observability } from '../../shared/platform/observability';

/** Real Powertools logger and metrics, silenced, with the metric names recorded for assertions. */
export function recordingObservability(): Observability & { metricNames: string[] } {
  const observability = createObservability('test');
  const metricNames: string[] = [];
  const addMetric = observability.metrics.addMetric.bind(observability.metrics);
  observability.metrics.addMetric = (name, unit, value) => {
    metricNames.push(name);
    return addMetric(name, unit, value);
  };
  observability.metrics.publishStoredMetrics = () => {
    observability.metrics.clearMetrics();
    return observability.metrics;
  };
  observability.logger.setLogLevel('SILENT');
  return Object.assign(observability, { metricNames });
}
