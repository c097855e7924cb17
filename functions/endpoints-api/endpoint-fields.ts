import { ORG_EVENT_TYPES } from '../../shared/events/event-catalog';
import { validateEventTypeFilters } from '../../shared/events/filters';
import { validateEndpointUrl } from '../../shared/outbound/transport/endpoint-url';
import { RequestValidationError } from '../../shared/platform/errors';
import type { FieldError } from '../../shared/platform/http/problem';
import type { WebhooksApiDependencies } from './dependencies';

/**
 * Checks an endpoint's URL and filters beyond their JSON shape, all problems at once (422); answers
 * the URL as it will be stored. `types` are the event types the owner may subscribe to.
 */
export function validateEndpointFields(
  settings: Pick<WebhooksApiDependencies['settings'], 'allowHttp' | 'policy'>,
  fields: { url?: string; eventTypes?: readonly string[] },
  types: readonly string[] = ORG_EVENT_TYPES,
): string | undefined {
  const errors: FieldError[] = [];
  let url: string | undefined;
  if (fields.url !== undefined) {
    const checked = validateEndpointUrl(fields.url, { allowHttp: settings.allowHttp, policy: settings.policy });
    if (checked.ok) url = checked.url;
    else errors.push(...checked.problems);
  }
  if (fields.eventTypes !== undefined) {
    for (const filterProblem of validateEventTypeFilters(fields.eventTypes, types)) {
      errors.push({
        field: filterProblem.index === undefined ? 'eventTypes' : `eventTypes[${filterProblem.index}]`,
        message: filterProblem.message,
      });
    }
  }
  if (errors.length > 0)
    throw new RequestValidationError(
      422,
      `Invalid endpoint: ${[...new Set(errors.map((error) => error.field))].join(', ')}`,
      errors,
    );
  return url;
}
