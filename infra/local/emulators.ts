import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { buildApp } from 'fauxqs';
import { S3Client } from '@aws-sdk/client-s3';
import { clientOptions } from '../../shared/platform/aws/client-options';
import { s3ClientOptions } from '../../shared/platform/aws/s3-client';
import { createSnsClient } from '../../shared/platform/aws/sns-client';
import { createSqsClient } from '../../shared/platform/aws/sqs-client';
import {
  BUCKETS,
  OPS_TOPIC,
  QUEUES,
  TABLES,
  type BucketName,
  type QueueName,
  type TableName,
} from '../../shared/platform/topology';
import { acquireDataDirLock } from './data-lock';
import { provisionTopology, type QueueResources } from './provision';
import { releaseAbandonedMessages } from './queue-store';
import { installDelayIndex } from './fauxqs-delays';
import { persistentStores } from './fauxqs-stores';

/**
 * The AWS services the system uses, emulated in this process on 127.0.0.1 with random ports:
 * - DynamoDB: dynalite, on-disk LevelDB under `<dataDir>/dynamodb` (state survives a restart) or in
 *   memory;
 * - SQS, SNS and S3: fauxqs; on disk, queues and messages (with their delays and receive counts) in
 *   SQLite under `<dataDir>/queues` and S3 objects as files under `<dataDir>/buckets`, so a restart,
 *   even after SIGKILL, loses no accepted message; or in memory.
 * fauxqs's `startFauxqs()` listens on 0.0.0.0, so its app is built with `buildApp()` and bound to
 * loopback here instead.
 */

export const LOCAL_REGION = 'us-east-1';
const DUMMY_CREDENTIALS = { AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' };

export interface EmulatorOptions {
  /** Keep DynamoDB in memory instead of on disk. */
  readonly memory?: boolean;
  /** Parent directory of the DynamoDB data (default `.data`, resolved against the working directory). */
  readonly dataDir?: string;
  /** Overrides every queue's visibility timeout (tests); topology values by default. */
  readonly visibilityTimeoutSeconds?: number;
}

export interface Emulators {
  readonly region: string;
  readonly sqsEndpoint: string;
  readonly snsEndpoint: string;
  readonly dynamodbEndpoint: string;
  /** Absolute DynamoDB data directory, or undefined when in memory. */
  readonly dynamodbDataDir: string | undefined;
  /** Absolute queue (SQLite) directory, or undefined when in memory. */
  readonly queueDataDir: string | undefined;
  /** Messages a killed previous run had left in flight, made visible again at start. */
  readonly releasedMessages: number;
  readonly buckets: Record<BucketName, string>;
  readonly tables: Record<TableName, string>;
  readonly queues: Record<QueueName, QueueResources>;
  readonly opsTopicArn: string;
  /** AWS_REGION, endpoints, dummy credentials and every resource variable the functions read. */
  functionEnvironment(): Record<string, string>;
  stop(): Promise<void>;
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolveListen();
    });
  });
  return (server.address() as AddressInfo).port;
}

function closeDynalite(server: Server): Promise<void> {
  return new Promise<void>((resolveClose, reject) => {
    // dynalite's close() waits for connections, then closes (and flushes) LevelDB.
    server.close((error?: Error) => (error ? reject(error) : resolveClose()));
    server.closeAllConnections();
  });
}

type Cleanups = Array<() => Promise<void> | void>;

async function startDynalite(options: EmulatorOptions, cleanups: Cleanups) {
  let dynamodbDataDir: string | undefined;
  if (!options.memory) {
    dynamodbDataDir = resolve(options.dataDir ?? '.data', 'dynamodb');
    mkdirSync(dynamodbDataDir, { recursive: true });
    cleanups.push(acquireDataDirLock(dynamodbDataDir));
  }
  const dynamo = dynalite({
    ...(dynamodbDataDir ? { path: dynamodbDataDir } : {}),
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  const dynamodbEndpoint = `http://127.0.0.1:${await listen(dynamo)}`;
  cleanups.push(() => closeDynalite(dynamo));
  return { dynamodbEndpoint, dynamodbDataDir };
}

/** SQS, SNS and S3 on one fauxqs app; on disk, messages a killed run left in flight are released first. */
async function startFauxqs(options: EmulatorOptions, cleanups: Cleanups) {
  const dataDir = resolve(options.dataDir ?? '.data');
  const queueDataDir = options.memory ? undefined : resolve(dataDir, 'queues');
  const releasedMessages = queueDataDir ? releaseAbandonedMessages(queueDataDir) : 0;
  const persistent = queueDataDir ? await persistentStores(queueDataDir, resolve(dataDir, 'buckets')) : undefined;
  await installDelayIndex();
  const fauxqs = buildApp({
    logger: false,
    defaultRegion: LOCAL_REGION,
    ...(persistent && { stores: persistent.stores }),
  });
  if (persistent) cleanups.push(() => persistent.close());
  await fauxqs.listen({ port: 0, host: '127.0.0.1' });
  const sqsEndpoint = `http://127.0.0.1:${(fauxqs.server.address() as AddressInfo).port}`;
  cleanups.push(() => fauxqs.close());
  return { sqsEndpoint, queueDataDir, releasedMessages };
}

async function provisionWith(baseEnv: Record<string, string>, options: EmulatorOptions) {
  const clients = {
    dynamodb: new DynamoDBClient(clientOptions('DYNAMODB', baseEnv)),
    sqs: createSqsClient(baseEnv),
    sns: createSnsClient(baseEnv),
    s3: new S3Client(s3ClientOptions(baseEnv)),
  };
  try {
    return await provisionTopology(clients, options);
  } finally {
    for (const client of Object.values(clients)) client.destroy();
  }
}

type Resources = Awaited<ReturnType<typeof provisionTopology>>;

/** Every resource variable the functions read, as topology.ts names them, pointing at the emulated resources. */
function resourceEnvironment(resources: Resources): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, spec] of Object.entries(TABLES)) env[spec.envVar] = resources.tables[name as TableName];
  for (const [name, spec] of Object.entries(QUEUES)) {
    const queue = resources.queues[name as QueueName];
    env[spec.envVar] = queue.url;
    if (spec.dlq.envVar) env[spec.dlq.envVar] = queue.dlqUrl;
  }
  env[OPS_TOPIC.envVar] = resources.opsTopicArn;
  for (const [name, spec] of Object.entries(BUCKETS)) env[spec.envVar] = resources.buckets[name as BucketName];
  return env;
}

export async function startEmulators(options: EmulatorOptions = {}): Promise<Emulators> {
  const cleanups: Cleanups = [];
  const stop = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  };
  try {
    const { dynamodbEndpoint, dynamodbDataDir } = await startDynalite(options, cleanups);
    const { sqsEndpoint, queueDataDir, releasedMessages } = await startFauxqs(options, cleanups);
    const baseEnv: Record<string, string> = {
      AWS_REGION: LOCAL_REGION,
      AWS_DEFAULT_REGION: LOCAL_REGION,
      AWS_ENDPOINT_URL_SQS: sqsEndpoint,
      AWS_ENDPOINT_URL_SNS: sqsEndpoint,
      AWS_ENDPOINT_URL_S3: sqsEndpoint,
      AWS_ENDPOINT_URL_DYNAMODB: dynamodbEndpoint,
      ...DUMMY_CREDENTIALS,
    };
    const resources = await provisionWith(baseEnv, options);
    const functionEnv = { ...baseEnv, ...resourceEnvironment(resources) };
    return {
      region: LOCAL_REGION,
      sqsEndpoint,
      snsEndpoint: sqsEndpoint,
      dynamodbEndpoint,
      dynamodbDataDir,
      queueDataDir,
      releasedMessages,
      ...resources,
      functionEnvironment: () => ({ ...functionEnv }),
      stop,
    };
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
}
