import type { HttpResult } from './responses';

/**
 * RFC 9457 problem details for the /v1 API: `type`, `title`, `status`, `detail`, and `code` (a
 * stable machine-readable name) plus `errors` naming the offending fields where there are any.
 */
export interface FieldError {
  readonly field: string;
  readonly message: string;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  410: 'Gone',
  413: 'Content Too Large',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
};

/** `extensions`: RFC 9457 extension members, e.g. the id of the resource a 409 conflicts with. */
export function problem(
  status: number,
  code: string,
  detail: string,
  errors?: readonly FieldError[],
  extensions?: Readonly<Record<string, unknown>>,
): HttpResult {
  const body = {
    ...extensions,
    type: `https://docs.betterdata.dev/problems/${code}`,
    title: TITLES[status] ?? 'Error',
    status,
    code,
    detail,
    ...(errors && errors.length > 0 && { errors }),
  };
  return { statusCode: status, headers: { 'content-type': 'application/problem+json' }, body: JSON.stringify(body) };
}
