import type { DisabledReason, Endpoint } from '../endpoint';
import type { AdmissionState } from './policy';

/**
 * The one-word state an endpoint's stats show, from the endpoint and its admission item: switched off,
 * its circuit open (deliveries deferred, one probe a minute), failing, or healthy — with since when.
 */

export type EndpointState = 'healthy' | 'failing' | 'circuit_open' | 'disabled';

export interface EndpointStateView {
  readonly state: EndpointState;
  readonly stateSince: string | null;
  /** Why a disabled endpoint is off; null otherwise. */
  readonly disabledReason: DisabledReason | null;
}

export function endpointState(endpoint: Endpoint, admission: AdmissionState): EndpointStateView {
  if (!endpoint.enabled)
    return { state: 'disabled', stateSince: endpoint.disabledAt, disabledReason: endpoint.disabledReason };
  if (admission.circuit === 'open')
    return { state: 'circuit_open', stateSince: admission.circuitChangedAt, disabledReason: null };
  if (endpoint.failingSince) return { state: 'failing', stateSince: endpoint.failingSince, disabledReason: null };
  return { state: 'healthy', stateSince: null, disabledReason: null };
}
