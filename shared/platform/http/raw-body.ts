import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/**
 * The exact bytes the sender signed. HTTP APIs pass non-text bodies (and bodies without a
 * Content-Type) base64-encoded, so decoding here is what keeps signatures verifiable.
 */
export function rawBody(event: Pick<APIGatewayProxyEventV2, 'body' | 'isBase64Encoded'>): Buffer {
  return Buffer.from(event.body ?? '', event.isBase64Encoded ? 'base64' : 'utf8');
}

/** Header lookup that does not depend on case (HTTP APIs lower-case, REST APIs and tests may not). */
export function header(headers: Record<string, string | undefined> | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === wanted) return value;
  }
  return undefined;
}
