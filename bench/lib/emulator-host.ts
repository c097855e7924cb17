import { startEmulators } from '../../infra/local/emulators';
import { serveUntilStdinCloses } from './processes';

/**
 * DynamoDB (dynalite, in memory) and SQS (fauxqs) for one benchmark, in a process of their own, so
 * the handler process under test holds only the handler (as a Lambda does) and its peak RSS is the
 * handler's. Run with tsx by the consumer, fan-out and delivery workers.
 */
const emulators = await startEmulators({ memory: true });

export interface EmulatorInfo {
  readonly region: string;
  readonly dynamodbEndpoint: string;
  readonly sqsEndpoint: string;
  readonly env: Record<string, string>;
  readonly tables: typeof emulators.tables;
  readonly queues: typeof emulators.queues;
}

const info: EmulatorInfo = {
  region: emulators.region,
  dynamodbEndpoint: emulators.dynamodbEndpoint,
  sqsEndpoint: emulators.sqsEndpoint,
  env: emulators.functionEnvironment(),
  tables: emulators.tables,
  queues: emulators.queues,
};
serveUntilStdinCloses(info, () => emulators.stop());
