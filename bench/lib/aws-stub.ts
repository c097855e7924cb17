import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { toAttributeMap } from '../../shared/platform/aws/dynamodb-json';
import { benchItems } from './ingest-state';

/**
 * A loopback stand-in for the AWS APIs the functions call on their first event, answering at once
 * with canned, well-formed responses: SQS SendMessage(Batch) (with the MD5 the SDK checks), Secrets
 * Manager GetSecretValue, DynamoDB item and query calls (nothing is stored: a read finds only the
 * ingest functions' canned items of ingest-state.ts), KMS Decrypt (hands the blob back), SNS Publish.
 * Cold-start processes point every client at it through AWS_ENDPOINT_URL, so the SDK's first-call work
 * (endpoint resolution, credentials from the environment, signing, a new socket) is measured without a
 * network. It counts the calls it answers, so a report can say what the first
 * event did.
 */

export interface AwsStub {
  readonly url: string;
  /** Calls answered since the last `takeCalls()`, by target (e.g. `AmazonSQS.SendMessage`). */
  takeCalls(): Record<string, number>;
  close(): Promise<void>;
}

const md5 = (text: string): string => createHash('md5').update(text, 'utf8').digest('hex');

type Json = Record<string, unknown>;

const ITEMS = benchItems();

/** A canned item by its `pk`, in DynamoDB's typed JSON; nothing for any other key. */
function cannedItem(input: Json): Json {
  const pk = (input.Key as { pk?: { S?: string } } | undefined)?.pk?.S;
  const item = pk === undefined ? undefined : ITEMS[pk];
  return item ? { Item: toAttributeMap(item) } : {};
}

function answer(target: string, input: Json, secretValue: string): { status: number; body: Json } {
  const [service, operation] = target.split('.');
  switch (service) {
    case 'AmazonSQS':
      if (operation === 'SendMessage')
        return {
          status: 200,
          body: { MessageId: randomUUID(), MD5OfMessageBody: md5(String(input.MessageBody ?? '')) },
        };
      if (operation === 'SendMessageBatch') {
        const entries = (input.Entries ?? []) as { Id: string; MessageBody: string }[];
        return {
          status: 200,
          body: {
            Successful: entries.map((entry) => ({
              Id: entry.Id,
              MessageId: randomUUID(),
              MD5OfMessageBody: md5(entry.MessageBody),
            })),
            Failed: [],
          },
        };
      }
      return { status: 200, body: {} };
    case 'secretsmanager':
      if (operation === 'GetSecretValue') {
        return {
          status: 200,
          body: {
            ARN: input.SecretId,
            Name: 'bench',
            SecretString: secretValue,
            VersionId: 'v1',
            VersionStages: ['AWSCURRENT'],
            CreatedDate: 1_700_000_000,
          },
        };
      }
      break;
    case 'DynamoDB_20120810':
      if (operation === 'GetItem') return { status: 200, body: cannedItem(input) };
      if (operation === 'PutItem' || operation === 'UpdateItem' || operation === 'DeleteItem')
        return { status: 200, body: {} };
      if (operation === 'Query' || operation === 'Scan')
        return { status: 200, body: { Items: [], Count: 0, ScannedCount: 0 } };
      if (operation === 'BatchWriteItem') return { status: 200, body: { UnprocessedItems: {} } };
      if (operation === 'BatchGetItem') return { status: 200, body: { Responses: {}, UnprocessedKeys: {} } };
      if (operation === 'TransactWriteItems') return { status: 200, body: {} };
      break;
    case 'TrentService':
      if (operation === 'Decrypt')
        return { status: 200, body: { Plaintext: input.CiphertextBlob, KeyId: input.KeyId ?? 'bench' } };
      break;
    default:
      break;
  }
  return {
    status: 400,
    body: { __type: 'UnknownOperationException', message: `The benchmark stub does not answer ${target}` },
  };
}

export async function startAwsStub(secretValue: string): Promise<AwsStub> {
  let calls: Record<string, number> = {};
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const target = request.headers['x-amz-target'];
      if (typeof target === 'string') {
        calls[target] = (calls[target] ?? 0) + 1;
        let input: Json = {};
        try {
          input = text ? (JSON.parse(text) as Json) : {};
        } catch {
          // Answered as an unknown operation below.
        }
        const { status, body } = answer(target, input, secretValue);
        response
          .writeHead(status, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': randomUUID() })
          .end(JSON.stringify(body));
        return;
      }
      // Query protocol (SNS): Action=Publish&…
      const action = new URLSearchParams(text).get('Action') ?? 'Unknown';
      calls[`query.${action}`] = (calls[`query.${action}`] ?? 0) + 1;
      if (action === 'Publish') {
        response
          .writeHead(200, { 'content-type': 'text/xml' })
          .end(
            `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">` +
              `<PublishResult><MessageId>${randomUUID()}</MessageId></PublishResult>` +
              `<ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></PublishResponse>`,
          );
        return;
      }
      response
        .writeHead(400, { 'content-type': 'text/xml' })
        .end('<ErrorResponse><Error><Code>InvalidAction</Code></Error></ErrorResponse>');
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    takeCalls() {
      const taken = calls;
      calls = {};
      return taken;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
