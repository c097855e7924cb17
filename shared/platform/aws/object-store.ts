import type * as S3 from '@aws-sdk/client-s3';
import { s3ClientOptions } from './s3-client';

/**
 * One S3 bucket as a key → bytes store. The S3 client is loaded on first use: the functions that
 * may claim-check a large body rarely do, so their cold starts do not pay for evaluating it.
 */

export interface ObjectStore {
  put(key: string, body: Buffer): Promise<void>;
  get(key: string): Promise<Buffer>;
}

type S3Sdk = typeof S3;

export function lazyObjectStore(bucket: string, env: NodeJS.ProcessEnv = process.env): ObjectStore {
  let loaded: Promise<{ sdk: S3Sdk; client: InstanceType<S3Sdk['S3Client']> }> | undefined;
  const load = () =>
    (loaded ??= import('@aws-sdk/client-s3').then((sdk) => ({ sdk, client: new sdk.S3Client(s3ClientOptions(env)) })));
  return {
    async put(key, body) {
      const { sdk, client } = await load();
      await client.send(
        new sdk.PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: 'application/octet-stream' }),
      );
    },
    async get(key) {
      const { sdk, client } = await load();
      const object = await client.send(new sdk.GetObjectCommand({ Bucket: bucket, Key: key }));
      return Buffer.from((await object.Body?.transformToByteArray()) ?? []);
    },
  };
}
