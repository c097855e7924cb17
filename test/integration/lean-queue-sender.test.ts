import type { AddressInfo } from 'node:net';
import { CreateQueueCommand, ReceiveMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import { buildApp } from 'fauxqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLeanQueueSender } from '../../shared/platform/aws/lean-queue-sender';
import { createQueueSender, type QueueSender } from '../../shared/platform/aws/queue';
import { createSqsClient } from '../../shared/platform/aws/sqs-client';
import { EnqueueError } from '../../shared/platform/errors';
import { startFaultProxy, type Fault, type FaultProxy } from '../support/fault-proxy';

/**
 * The lean SendMessage of the ingest functions against the SDK's, both on the fauxqs emulator: the
 * same message and attributes arrive, the same errors come out. Throttling and 500s are injected by
 * a loopback proxy in front of the emulator (fauxqs never throttles), which forwards everything else
 * (test/support/fault-proxy.ts).
 */

describe('Integration: lean SQS sender against the SDK client on the emulator', () => {
  let fauxqs: ReturnType<typeof buildApp>;
  let proxy: FaultProxy;
  let sqsEndpoint: string;
  let proxyEndpoint: string;
  let sqs: SQSClient;
  let queueUrl: string;
  let faults: Fault[];
  let targets: string[];

  beforeAll(async () => {
    fauxqs = buildApp({ logger: false, defaultRegion: 'us-east-1' });
    await fauxqs.listen({ port: 0, host: '127.0.0.1' });
    sqsEndpoint = `http://127.0.0.1:${(fauxqs.server.address() as AddressInfo).port}`;
    proxy = await startFaultProxy(sqsEndpoint, 'application/x-amz-json-1.0');
    ({ endpoint: proxyEndpoint, faults, targets } = proxy);
    sqs = createSqsClient({ AWS_ENDPOINT_URL_SQS: sqsEndpoint, AWS_REGION: 'us-east-1' });
    const created = await sqs.send(new CreateQueueCommand({ QueueName: 'lean-cross-test' }));
    queueUrl = created.QueueUrl as string;
  });

  afterAll(async () => {
    await proxy.close();
    await fauxqs.close();
  });

  const lean = (endpoint: string, url = queueUrl) =>
    createLeanQueueSender(url, {
      env: { AWS_ENDPOINT_URL_SQS: endpoint, AWS_REGION: 'us-east-1' },
      sleep: async () => undefined,
    });
  const sdk = (endpoint: string, url = queueUrl): QueueSender =>
    createQueueSender(createSqsClient({ AWS_ENDPOINT_URL_SQS: endpoint, AWS_REGION: 'us-east-1' }), url);

  async function receiveOne(): Promise<Message> {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MessageAttributeNames: ['All'], WaitTimeSeconds: 1 }),
    );
    expect(Messages).toHaveLength(1);
    return Messages[0] as Message;
  }

  it('puts the same body and attributes on the queue as the SDK, quotes, newlines and non-ASCII included', async () => {
    const body = JSON.stringify({ rawBody: '{"name":"Café \\"☕\\"\n\t","yen":"¥"}', control: '\u0001' });
    const attributes = { source: 'stripe', eventType: 'invoice.paid' };
    const leanId = await lean(sqsEndpoint).send(body, { attributes });
    const fromLean = await receiveOne();
    const sdkId = await sdk(sqsEndpoint).send(body, { attributes });
    const fromSdk = await receiveOne();
    expect(leanId).toBe(fromLean.MessageId);
    expect(sdkId).toBe(fromSdk.MessageId);
    for (const message of [fromLean, fromSdk]) {
      expect(message.Body).toBe(body);
      expect(message.MessageAttributes).toEqual({
        source: { DataType: 'String', StringValue: 'stripe' },
        eventType: { DataType: 'String', StringValue: 'invoice.paid' },
      });
    }
    expect(fromLean.MD5OfBody).toBe(fromSdk.MD5OfBody);
    expect(fromLean.MD5OfMessageAttributes).toBe(fromSdk.MD5OfMessageAttributes);
  });

  it('fails like the SDK for a queue that does not exist', async () => {
    const missing = queueUrl.replace('lean-cross-test', 'no-such-queue');
    const errors = await Promise.all(
      [lean(sqsEndpoint, missing), sdk(sqsEndpoint, missing)].map((sender) =>
        sender.send('{}').then(
          () => undefined,
          (error: unknown) => error,
        ),
      ),
    );
    for (const error of errors) {
      expect(error).toBeInstanceOf(EnqueueError);
      expect((error as EnqueueError).message).toBe(`Could not enqueue to ${missing}`);
    }
    const [leanCause, sdkCause] = errors.map((error) => (error as EnqueueError).cause as Record<string, unknown>);
    expect(sdkCause?.name).toBe('QueueDoesNotExist');
    expect(leanCause?.code).toBe(sdkCause?.name);
    expect(leanCause?.statusCode).toBe(400);
  });

  it.each([
    ['a throttling answer', { status: 400, type: 'com.amazonaws.sqs#ThrottlingException', message: 'Rate exceeded' }],
    ['a 500', { status: 500, type: 'com.amazonaws.sqs#InternalError', message: 'We encountered an internal error' }],
  ])('retries %s, then succeeds, as the SDK does', async (_label, fault) => {
    for (const [name, sender] of [
      ['lean', lean(proxyEndpoint)],
      ['sdk', sdk(proxyEndpoint)],
    ] as const) {
      targets.length = 0;
      faults.push(fault);
      const messageId = await sender.send(`{"from":"${name}"}`, { attributes: { source: 'stripe' } });
      expect(targets).toEqual(['AmazonSQS.SendMessage', 'AmazonSQS.SendMessage']);
      const received = await receiveOne();
      expect(received.MessageId).toBe(messageId);
      expect(received.Body).toBe(`{"from":"${name}"}`);
    }
  });

  it('gives up after three attempts, as the SDK does, and surfaces the last error', async () => {
    const fault = { status: 503, type: 'com.amazonaws.sqs#ServiceUnavailable', message: 'Service Unavailable' };
    targets.length = 0;
    faults.push(fault, fault, fault);
    const error = await lean(proxyEndpoint)
      .send('{}')
      .then(
        () => undefined,
        (failure: unknown) => failure,
      );
    expect(targets).toHaveLength(3);
    expect(error).toBeInstanceOf(EnqueueError);
    expect(((error as EnqueueError).cause as { code?: string }).code).toBe('ServiceUnavailable');
  });
});
