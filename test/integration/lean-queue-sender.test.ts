import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateQueueCommand, ReceiveMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import { buildApp } from 'fauxqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLeanQueueSender } from '../../shared/platform/aws/lean-queue-sender';
import { createQueueSender, type QueueSender } from '../../shared/platform/aws/queue';
import { createSqsClient } from '../../shared/platform/aws/sqs-client';
import { EnqueueError } from '../../shared/platform/errors';

/**
 * The lean SendMessage of the ingest functions against the SDK's, both on the fauxqs emulator: the
 * same message and attributes arrive, the same errors come out. Throttling and 500s are injected by
 * a loopback proxy in front of the emulator (fauxqs never throttles), which forwards everything else.
 */

type Fault = { status: number; type: string; message: string };

describe('Integration: lean SQS sender against the SDK client on the emulator', () => {
  let fauxqs: ReturnType<typeof buildApp>;
  let proxy: Server;
  let sqsEndpoint: string;
  let proxyEndpoint: string;
  let sqs: SQSClient;
  let queueUrl: string;
  /** Answers to give instead of forwarding, one per request, in order. */
  const faults: Fault[] = [];
  const targets: string[] = [];

  beforeAll(async () => {
    fauxqs = buildApp({ logger: false, defaultRegion: 'us-east-1' });
    await fauxqs.listen({ port: 0, host: '127.0.0.1' });
    sqsEndpoint = `http://127.0.0.1:${(fauxqs.server.address() as AddressInfo).port}`;
    proxy = createServer((incoming, outgoing) => {
      targets.push(String(incoming.headers['x-amz-target']));
      const fault = faults.shift();
      if (fault) {
        incoming.resume();
        outgoing.writeHead(fault.status, { 'content-type': 'application/x-amz-json-1.0' });
        outgoing.end(JSON.stringify({ __type: `com.amazonaws.sqs#${fault.type}`, message: fault.message }));
        return;
      }
      const { port } = new URL(sqsEndpoint);
      const forward = httpRequest(
        { host: '127.0.0.1', port, method: incoming.method, path: incoming.url, headers: incoming.headers },
        (answer) => {
          outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(outgoing);
        },
      );
      incoming.pipe(forward);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    proxyEndpoint = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    sqs = createSqsClient({ AWS_ENDPOINT_URL_SQS: sqsEndpoint, AWS_REGION: 'us-east-1' });
    const created = await sqs.send(new CreateQueueCommand({ QueueName: 'lean-cross-test' }));
    queueUrl = created.QueueUrl as string;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => proxy.close(() => resolve()));
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
    ['a throttling answer', { status: 400, type: 'ThrottlingException', message: 'Rate exceeded' }],
    ['a 500', { status: 500, type: 'InternalError', message: 'We encountered an internal error' }],
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
    const fault = { status: 503, type: 'ServiceUnavailable', message: 'Service Unavailable' };
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
