import { createHash } from 'node:crypto';
import { SQSClient, type SQSClientConfig } from '@aws-sdk/client-sqs';

/**
 * A real `SQSClient` whose HTTP handler answers every SendMessage with a canned 200 instead of
 * touching the network, so the SDK's whole client-side cost — middleware stack, JSON serialization,
 * SigV4 signing (a SHA-256 of the payload plus the HMAC chain), response parsing and the SDK's own
 * MD5 check of the message body — is measured and nothing else.
 *
 * The SDK checks `MD5OfMessageBody` against the body it sent, so the answer must carry the right
 * MD5. Computing it here would time the server's work, so a capture pass records each body's MD5
 * once (`capture = true`) and measured passes replay it (`expect(md5)` before each send).
 */
export class CannedSqsHandler {
  readonly metadata = { handlerProtocol: 'http/1.1' };
  capture = false;
  readonly captured: string[] = [];
  private md5 = '';
  private readonly responses = new Map<string, Uint8Array>();

  expect(md5: string): void {
    this.md5 = md5;
  }

  async handle(request: {
    body?: unknown;
  }): Promise<{ response: { statusCode: number; headers: Record<string, string>; body: Uint8Array } }> {
    let md5 = this.md5;
    if (this.capture) {
      const input = JSON.parse(String(request.body)) as { MessageBody: string };
      md5 = createHash('md5').update(input.MessageBody, 'utf8').digest('hex');
      this.captured.push(md5);
    }
    let body = this.responses.get(md5);
    if (!body) {
      body = Buffer.from(
        JSON.stringify({
          MessageId: '7f3b1c52-5d0e-4a8e-9a57-2f1d3c7d9e10',
          MD5OfMessageBody: md5,
          MD5OfMessageAttributes: undefined,
        }),
      );
      this.responses.set(md5, body);
    }
    return {
      response: {
        statusCode: 200,
        headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': 'bench' },
        body,
      },
    };
  }

  updateHttpClientConfig(): void {}

  httpHandlerConfigs(): Record<string, never> {
    return {};
  }

  destroy(): void {}
}

export const CANNED_QUEUE_URL = 'https://sqs.us-east-1.amazonaws.com/123456789012/billing-events';

export function cannedSqsClient(handler: CannedSqsHandler): SQSClient {
  const config: SQSClientConfig = {
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDBENCHMARK', secretAccessKey: 'benchmark-secret-access-key' },
    maxAttempts: 3,
    requestHandler: handler as unknown as SQSClientConfig['requestHandler'],
  };
  return new SQSClient(config);
}
