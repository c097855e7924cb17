import type { EndpointRecord } from '../endpoint';
import { healthState } from '../views';
import type { AdmissionState } from './policy';

/**
 * The state an endpoint's stats show, from the endpoint and its admission item: views.ts's health
 * state, plus `circuit_open` (deliveries deferred, one probe a minute) for an enabled endpoint whose
 * circuit breaker is open — with since when.
 */

export type EndpointStateView =
  | ReturnType<typeof healthState>
  | { readonly status: 'circuit_open'; readonly reason: null; readonly since: string | null };

export function endpointState(endpoint: EndpointRecord, admission: AdmissionState): EndpointStateView {
  if (endpoint.enabled && admission.circuit === 'open')
    return { status: 'circuit_open', reason: null, since: admission.circuitChangedAt };
  return healthState(endpoint);
}
