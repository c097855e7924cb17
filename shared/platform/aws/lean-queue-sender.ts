import { EnqueueError } from '../errors';
import { createJsonProtocolClient, type JsonProtocolClient, type JsonProtocolOptions } from './json-protocol';
import type { QueueSender } from './queue';

/**
 * `SendMessage` without the SDK, for the ingest functions: the request body is built by string
 * concatenation and sent by the lean JSON-protocol client. Same request, attributes and failures
 * (EnqueueError with the service error as cause) as `createQueueSender`; cross-tested against the
 * SDK on the SQS emulator (test/integration/lean-queue-sender.test.ts). The SDK also checks the
 * answer's MD5 of the body; over TLS with a signed request that re-hashes every byte for nothing.
 */

export const SQS_JSON_PROTOCOL = {
  signingName: 'sqs',
  targetPrefix: 'AmazonSQS',
  jsonVersion: '1.0',
  endpointService: 'SQS',
} as const;

export function createLeanQueueSender(
  queueUrl: string,
  client: JsonProtocolClient | JsonProtocolOptions = {},
): Pick<QueueSender, 'send'> {
  const sqs = 'call' in client ? client : createJsonProtocolClient(SQS_JSON_PROTOCOL, client);
  const prefix = `{"QueueUrl":${JSON.stringify(queueUrl)},"MessageBody":`;
  return {
    async send(body, { attributes = {}, delaySeconds } = {}) {
      let request = prefix + JSON.stringify(body);
      if (delaySeconds !== undefined)
        request += `,"DelaySeconds":${Math.min(Math.max(Math.ceil(delaySeconds), 0), 900)}`;
      request += `,"MessageAttributes":${messageAttributes(attributes)}}`;
      let answer: { MessageId?: unknown };
      try {
        answer = await sqs.call<{ MessageId?: unknown }>('SendMessage', request);
      } catch (error) {
        throw new EnqueueError(`Could not enqueue to ${queueUrl}`, { cause: error });
      }
      if (typeof answer.MessageId !== 'string')
        throw new EnqueueError(`Could not enqueue to ${queueUrl}`, { cause: new Error('SQS returned no message id') });
      return answer.MessageId;
    },
  };
}

function messageAttributes(attributes: Record<string, string>): string {
  let json = '{';
  for (const [name, value] of Object.entries(attributes)) {
    if (json.length > 1) json += ',';
    json += `${JSON.stringify(name)}:{"DataType":"String","StringValue":${JSON.stringify(value)}}`;
  }
  return `${json}}`;
}
