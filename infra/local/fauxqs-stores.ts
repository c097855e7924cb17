import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BuildAppOptions } from 'fauxqs';

/**
 * fauxqs's persistent stores for `buildApp`. fauxqs wires its SQLite persistence (queues, messages,
 * delays, receive counts) and file-based S3 storage only inside `startFauxqs`, which listens on
 * 0.0.0.0; the local runtime must listen on loopback only, so it builds the same stores itself from
 * fauxqs's own classes (not in the package's export map, hence loaded by path from its dist folder)
 * and hands them to `buildApp`, mirroring what `startFauxqs` does (fauxqs 2.4).
 */

type Stores = NonNullable<BuildAppOptions['stores']>;

interface SqlitePersistence {
  loadSqsAndSns(sqs: Stores['sqsStore'], sns: Stores['snsStore']): void;
  close(): void;
}

interface FilePersistence {
  loadS3(s3: Stores['s3Store']): void;
  close(): void;
}

interface StoreModules {
  SqsStore: new () => Stores['sqsStore'];
  SnsStore: new () => Stores['snsStore'];
  S3Store: new () => Stores['s3Store'];
  PersistenceManager: new (dir: string) => SqlitePersistence;
  FileS3Persistence: new (dir: string) => FilePersistence;
}

async function loadModules(): Promise<StoreModules> {
  const dist = dirname(fileURLToPath(import.meta.resolve('fauxqs')));
  const load = async (path: string) => (await import(pathToFileURL(join(dist, path)).href)) as Record<string, unknown>;
  const [sqs, sns, s3, persistence, files] = await Promise.all([
    load('sqs/sqsStore.js'),
    load('sns/snsStore.js'),
    load('s3/s3Store.js'),
    load('persistence.js'),
    load('s3/fileS3Persistence.js'),
  ]);
  const modules = {
    SqsStore: sqs.SqsStore,
    SnsStore: sns.SnsStore,
    S3Store: s3.S3Store,
    PersistenceManager: persistence.PersistenceManager,
    FileS3Persistence: files.FileS3Persistence,
  };
  for (const [name, value] of Object.entries(modules))
    if (typeof value !== 'function')
      throw new Error(`fauxqs no longer provides ${name}; update infra/local/fauxqs-stores.ts`);
  return modules as StoreModules;
}

export interface PersistentStores {
  readonly stores: Stores;
  close(): void;
}

/**
 * Stores that load what a previous run left in `queueDir` (SQLite) and `bucketDir` (files) and write
 * through to them.
 */
export async function persistentStores(queueDir: string, bucketDir: string): Promise<PersistentStores> {
  const modules = await loadModules();
  const stores: Stores = {
    sqsStore: new modules.SqsStore(),
    snsStore: new modules.SnsStore(),
    s3Store: new modules.S3Store(),
  };
  const sqlite = new modules.PersistenceManager(queueDir);
  const files = new modules.FileS3Persistence(bucketDir);
  // Loaded before persistence is attached, as startFauxqs does (a reload must not write back).
  sqlite.loadSqsAndSns(stores.sqsStore, stores.snsStore);
  files.loadS3(stores.s3Store);
  const attach = (store: object, persistence: object) => Object.assign(store, { persistence });
  attach(stores.sqsStore, sqlite);
  attach(stores.snsStore, sqlite);
  for (const queue of (stores.sqsStore as unknown as { allQueues(): object[] }).allQueues()) attach(queue, sqlite);
  attach(stores.s3Store, files);
  return {
    stores,
    close() {
      sqlite.close();
      files.close();
    },
  };
}
