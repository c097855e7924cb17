import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { METRICS_NAMESPACE } from './topology';

/**
 * Structured JSON logs and EMF metrics, one pair per function. The service name is explicit
 * (not only from POWERTOOLS_SERVICE_NAME) because the local runtime hosts every function in one
 * process and each must still log and count under its own name.
 */
export interface Observability {
  readonly logger: Logger;
  readonly metrics: Metrics;
}

export function createObservability(serviceName: string): Observability {
  return {
    logger: new Logger({ serviceName }),
    metrics: new Metrics({ namespace: METRICS_NAMESPACE, serviceName }),
  };
}
