import { PlatformError } from '../../shared/platform/errors';
/**
 * Turns a handler's return value into the HTTP response an HTTP API (payload format 2.0) sends:
 * - an object with `statusCode` is a structured response (`headers`, `cookies` → `set-cookie`,
 *   `body`, decoded from base64 when `isBase64Encoded`);
 * - anything else that is valid JSON is inferred as 200 with `content-type: application/json`: a
 *   string is sent as-is, any other value JSON-serialised (docs: "Lambda function response for
 *   format 2.0").
 * A malformed structured response throws, which the gateway answers with 500 like API Gateway.
 */

export interface GatewayResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly cookies: readonly string[];
  readonly body: Buffer;
}

const JSON_CONTENT_TYPE = { 'content-type': 'application/json' };

export class MalformedLambdaResponseError extends PlatformError {
  override readonly name = 'MalformedLambdaResponseError';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function toGatewayResponse(result: unknown): GatewayResponse {
  if (typeof result === 'string') {
    return { statusCode: 200, headers: { ...JSON_CONTENT_TYPE }, cookies: [], body: Buffer.from(result, 'utf8') };
  }
  if (!isRecord(result) || !('statusCode' in result)) {
    const body = JSON.stringify(result ?? null);
    return { statusCode: 200, headers: { ...JSON_CONTENT_TYPE }, cookies: [], body: Buffer.from(body, 'utf8') };
  }
  const statusCode = Number(result.statusCode);
  if (!Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) {
    throw new MalformedLambdaResponseError(`Invalid statusCode ${JSON.stringify(result.statusCode)}`);
  }
  const headers: Record<string, string> = {};
  if (result.headers !== undefined && result.headers !== null) {
    if (!isRecord(result.headers)) throw new MalformedLambdaResponseError('headers must be an object');
    for (const [name, value] of Object.entries(result.headers)) {
      if (value === undefined || value === null) continue;
      headers[name.toLowerCase()] = String(value);
    }
  }
  let cookies: string[] = [];
  if (result.cookies !== undefined && result.cookies !== null) {
    if (!Array.isArray(result.cookies)) throw new MalformedLambdaResponseError('cookies must be an array');
    cookies = result.cookies.map(String);
  }
  let body = Buffer.alloc(0);
  if (result.body !== undefined && result.body !== null) {
    if (typeof result.body !== 'string') throw new MalformedLambdaResponseError('body must be a string');
    body = Buffer.from(result.body, result.isBase64Encoded === true ? 'base64' : 'utf8');
  }
  return { statusCode, headers, cookies, body };
}
