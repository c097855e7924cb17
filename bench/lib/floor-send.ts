import { createHash, createHmac } from 'node:crypto';
import { Agent, request } from 'node:http';

/**
 * The floor's queue send: the least work one SigV4-signed SQS SendMessage can be done with — the
 * JSON body by concatenation, SigV4 by hand with node:crypto (the signing key cached per day, as any
 * client does), one POST over a keep-alive socket, the answer read and parsed. No retries, no
 * checks: a measuring stick, not a client to ship (shared/platform/aws/json-protocol.ts is that).
 */
export function createFloorSender(endpoint: string, queueUrl: string) {
  const url = new URL(endpoint);
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const region = 'us-east-1';
  const secret = 'benchmark-secret-access-key';
  const prefix = `{"QueueUrl":${JSON.stringify(queueUrl)},"MessageBody":`;
  let signingKey: { date: string; key: Buffer } | undefined;

  function keyFor(date: string): Buffer {
    if (signingKey?.date === date) return signingKey.key;
    const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();
    const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), 'sqs'), 'aws4_request');
    signingKey = { date, key };
    return key;
  }

  return (messageBody: string, eventType: string): Promise<unknown> => {
    const body =
      `${prefix}${JSON.stringify(messageBody)},"MessageAttributes":` +
      `{"eventType":{"DataType":"String","StringValue":${JSON.stringify(eventType)}}}}`;
    const amzDate = new Date().toISOString().replace(/[-:]|\.\d{3}/g, '');
    const date = amzDate.slice(0, 8);
    const payloadHash = createHash('sha256').update(body).digest('hex');
    const canonical =
      `POST\n/\n\ncontent-type:application/x-amz-json-1.0\nhost:${url.host}\nx-amz-date:${amzDate}\n` +
      `x-amz-target:AmazonSQS.SendMessage\n\ncontent-type;host;x-amz-date;x-amz-target\n${payloadHash}`;
    const scope = `${date}/${region}/sqs/aws4_request`;
    const toSign = `AWS4-HMAC-SHA256\n${amzDate}\n${scope}\n${createHash('sha256').update(canonical).digest('hex')}`;
    const signature = createHmac('sha256', keyFor(date)).update(toSign).digest('hex');
    return new Promise((resolve, reject) => {
      const post = request(
        {
          agent,
          method: 'POST',
          hostname: url.hostname,
          port: url.port,
          path: '/',
          headers: {
            'content-type': 'application/x-amz-json-1.0',
            'x-amz-date': amzDate,
            'x-amz-target': 'AmazonSQS.SendMessage',
            authorization:
              `AWS4-HMAC-SHA256 Credential=AKIDBENCHMARK/${scope}, ` +
              `SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=${signature}`,
          },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
        },
      );
      post.on('error', reject);
      post.end(body);
    });
  };
}
