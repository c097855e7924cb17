import { spawn } from 'node:child_process';
import { SQSClient } from '@aws-sdk/client-sqs';

/**
 * The canned HTTP every like-for-like ingest variant sends its SendMessage to: a loopback server in a
 * child process (so its CPU is not counted against the variant) that answers the SQS JSON protocol
 * as SQS does — message id and the MD5 of the body, which the SDK checks. Ours, the baseline (the
 * SDK's SQSClient with its own keep-alive HTTP handler) and the floor all write the request to a
 * socket and read the answer; only how much work they do around it differs.
 */

const SERVER =
  `
const { createServer } = require('node:http');
const { createHash, randomUUID } = require('node:crypto');
const server = createServer({ keepAliveTimeout: 60000 }, (request, response) => {
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', () => {
    const input = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    const md5 = createHash('md5').update(String(input.MessageBody), 'utf8').digest('hex');
    const body = JSON.stringify({ MessageId: randomUUID(), MD5OfMessageBody: md5 });
    response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': 'bench', ` +
  `'content-length': Buffer.byteLength(body) });
    response.end(body);
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(String(server.address().port) + '\\n'));
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
`;

export interface CannedSqsServer {
  /** `http://127.0.0.1:<port>`: what AWS_ENDPOINT_URL_SQS and the SDK's `endpoint` point at. */
  readonly endpoint: string;
  close(): void;
}

export function startCannedSqsServer(): Promise<CannedSqsServer> {
  const child = spawn(process.execPath, ['-e', SERVER], { stdio: ['pipe', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`canned SQS server exited with ${code}`)));
    child.stdout.once('data', (chunk: Buffer) => {
      const port = Number(chunk.toString('utf8').trim());
      resolve({ endpoint: `http://127.0.0.1:${port}`, close: () => child.stdin.end() });
    });
  });
}

export const CANNED_QUEUE_URL = 'https://sqs.us-east-1.amazonaws.com/123456789012/billing-events';
/** What the lean sender reads: the canned server as its SQS endpoint (dummy credentials, as locally). */
export const cannedSqsEnv = (server: CannedSqsServer) => ({
  AWS_ENDPOINT_URL_SQS: server.endpoint,
  AWS_REGION: 'us-east-1',
});

/** The SDK's SQSClient, default HTTP handler (keep-alive), pointed at the canned server. */
export function cannedSqsClient(server: CannedSqsServer): SQSClient {
  return new SQSClient({
    endpoint: server.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDBENCHMARK', secretAccessKey: 'benchmark-secret-access-key' },
    maxAttempts: 3,
  });
}
