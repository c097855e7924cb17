import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

export type HttpResult = APIGatewayProxyStructuredResultV2 & { statusCode: number; body: string };

const JSON_HEADERS = { 'content-type': 'application/json' } as const;

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResult {
  return { statusCode, headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify(body) };
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
