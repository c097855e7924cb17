import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

export type HttpResult = APIGatewayProxyStructuredResultV2 & { statusCode: number; body: string };

const JSON_HEADERS = { 'content-type': 'application/json' } as const;

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResult {
  return { statusCode, headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify(body) };
}

/**
 * A JSON answer that carries a secret (a signing secret shown once): `cache-control: no-store`, so no
 * browser, proxy or CDN keeps a copy of it.
 */
export function secretJson(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResult {
  return json(statusCode, body, { ...headers, 'cache-control': 'no-store' });
}

/** An error answer: a stable machine-readable `error` code and a sentence for humans. */
export function errorResponse(
  statusCode: number,
  error: string,
  message: string,
  headers: Record<string, string> = {},
): HttpResult {
  return json(statusCode, { error, message }, headers);
}

/** 204: done, nothing to say (a delete). */
export function noContent(): HttpResult {
  return { statusCode: 204, headers: {}, body: '' };
}
