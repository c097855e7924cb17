import { createHash, createHmac } from 'node:crypto';

/**
 * AWS Signature Version 4 for the lean JSON-protocol client: a POST with a JSON body, signed headers
 * `content-type;host;x-amz-content-sha256;x-amz-date[;x-amz-security-token];x-amz-target`. Written
 * here because the SDK's own signer (`@smithy/signature-v4`) costs ≈ 5× as much per request (async hashing, header
 * normalisation for every case); test/unit/shared/sigv4.test.ts checks it signs byte for byte as
 * that signer does. The signing key is derived once per day, region and service, as the SDK does.
 */

export interface SigningCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface SignRequest {
  readonly credentials: SigningCredentials;
  readonly region: string;
  readonly service: string;
  /** `host[:port]` exactly as sent. */
  readonly host: string;
  readonly path: string;
  readonly contentType: string;
  readonly target: string;
  readonly body: string;
  readonly now: Date;
}

const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();
const sha256Hex = (data: string) => createHash('sha256').update(data, 'utf8').digest('hex');

export function createSigner() {
  let cached: { id: string; key: Buffer } | undefined;

  function signingKey(secret: string, date: string, region: string, service: string): Buffer {
    const id = `${secret}\n${date}\n${region}\n${service}`;
    if (cached?.id === id) return cached.key;
    const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), 'aws4_request');
    cached = { id, key };
    return key;
  }

  /** The headers to send: the signed ones plus `authorization`. */
  return function sign(request: SignRequest): Record<string, string> {
    const amzDate = request.now.toISOString().replace(/[-:]|\.\d{3}/g, '');
    const date = amzDate.slice(0, 8);
    const token = request.credentials.sessionToken;
    const payloadHash = sha256Hex(request.body);
    // In sorted order, as the canonical request lists them; the payload hash is sent as the SDK sends it.
    const headers: Record<string, string> = {
      'content-type': request.contentType,
      host: request.host,
      'x-amz-content-sha256': payloadHash,
      'x-amz-date': amzDate,
      ...(token !== undefined && { 'x-amz-security-token': token }),
      'x-amz-target': request.target,
    };
    const names = Object.keys(headers);
    const signedHeaders = names.join(';');
    let canonicalHeaders = '';
    for (const name of names) canonicalHeaders += `${name}:${headers[name]}\n`;
    const canonical = `POST\n${request.path}\n\n${canonicalHeaders}\n${signedHeaders}\n${payloadHash}`;
    const scope = `${date}/${request.region}/${request.service}/aws4_request`;
    const toSign = `AWS4-HMAC-SHA256\n${amzDate}\n${scope}\n${sha256Hex(canonical)}`;
    const key = signingKey(request.credentials.secretAccessKey, date, request.region, request.service);
    const signature = createHmac('sha256', key).update(toSign, 'utf8').digest('hex');
    headers.authorization =
      `AWS4-HMAC-SHA256 Credential=${request.credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, ` +
      `Signature=${signature}`;
    return headers;
  };
}
