import { S3Client } from '@aws-sdk/client-s3';
import { createDocumentClient } from '../../shared/platform/aws/dynamodb-client';
import { s3ClientOptions } from '../../shared/platform/aws/s3-client';
import type { LocalLog } from './log';
import { sweepExpired } from './ttl-sweep';

/** Runs the TTL sweep once (awaited) and then every `intervalSeconds` (0: only once) until stopped. */

export interface TtlSweeper {
  stop(): Promise<void>;
}

export async function startTtlSweeper(
  emulatorEnv: Record<string, string>,
  intervalSeconds: number,
  log: LocalLog,
): Promise<TtlSweeper> {
  const clients = { documents: createDocumentClient(emulatorEnv), s3: new S3Client(s3ClientOptions(emulatorEnv)) };
  let running: Promise<void> = Promise.resolve();
  const sweep = async () => {
    try {
      const { items, objects } = await sweepExpired(clients);
      if (items + objects > 0) log.info(`TTL sweep deleted ${items} expired item(s) and ${objects} object(s)`);
    } catch (error) {
      log.warn('TTL sweep failed; it runs again at the next interval', error);
    }
  };
  await sweep();
  const timer =
    intervalSeconds > 0
      ? setInterval(() => {
          running = running.then(sweep);
        }, intervalSeconds * 1000)
      : undefined;
  timer?.unref();
  return {
    async stop() {
      if (timer) clearInterval(timer);
      await running;
      clients.documents.destroy();
      clients.s3.destroy();
    },
  };
}
