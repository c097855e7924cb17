import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import * as z from 'zod';
import { RequestValidationError } from '../errors';
import { ownerRouter, type OwnerRequest, type OwnerRoute } from './owner-router';
import type { FieldError } from './problem';
import { rawBody } from './raw-body';

// Thrown by the parsers below; callers that import them from here may catch it from here too.
export { RequestValidationError } from '../errors';
export { requestFailure } from './owner-router';

/**
 * The JWT-protected `/v1/orgs/{orgId}/…` API: dispatch on the route key, check the caller may act in
 * that organisation with the route's role, and turn validation errors into problem details. Route
 * handlers receive the organisation id already checked.
 */

export type OrgRequest = OwnerRequest<'orgId'>;
export type OrgRoute = OwnerRoute<OrgRequest>;

export const createOrgRouter = ownerRouter('orgId', { claim: 'org_id', noun: 'organisation' });

function fieldErrors(error: z.ZodError, prefix = ''): FieldError[] {
  return error.issues.flatMap((issue) => {
    const path = issue.path
      .map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`))
      .join('')
      .replace(/^\./, '');
    const field = [prefix, path].filter(Boolean).join('.') || '(root)';
    if (issue.code === 'unrecognized_keys')
      return issue.keys.map((key) => ({
        field: [field === '(root)' ? '' : field, key].filter(Boolean).join('.'),
        message: 'Unknown field',
      }));
    return [{ field, message: issue.message }];
  });
}

/** Parses and validates a JSON body: 400 when it is not JSON, 422 naming each invalid field. */
export function parseJsonBody<T>(event: APIGatewayProxyEventV2, schema: z.ZodType<T>): T {
  let input: unknown;
  try {
    input = JSON.parse(rawBody(event).toString('utf8'));
  } catch {
    throw new RequestValidationError(400, 'The body is not valid JSON');
  }
  const result = schema.safeParse(input);
  if (!result.success) {
    const errors = fieldErrors(result.error);
    throw new RequestValidationError(422, `Invalid request: ${errors.map((error) => error.field).join(', ')}`, errors);
  }
  return result.data;
}

/** A body that may be empty (`{}` assumed) but, when present, must be valid. */
export function parseOptionalJsonBody<T>(event: APIGatewayProxyEventV2, schema: z.ZodType<T>): T {
  return rawBody(event).toString('utf8').trim() === ''
    ? parseJsonBody({ ...event, body: '{}', isBase64Encoded: false }, schema)
    : parseJsonBody(event, schema);
}

/** `?limit=&cursor=` of every listing: 1–100 items (20 by default) and an opaque cursor. */
export const pageQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(2_048).optional(),
});

/** Validates the query string: 400 naming each invalid parameter. */
export function parseQuery<T>(event: APIGatewayProxyEventV2, schema: z.ZodType<T>): T {
  const result = schema.safeParse(event.queryStringParameters ?? {});
  if (!result.success) {
    const errors = fieldErrors(result.error);
    throw new RequestValidationError(
      400,
      `Invalid query: ${errors.map((error) => `${error.field}: ${error.message}`).join('; ')}`,
      errors,
    );
  }
  return result.data;
}
