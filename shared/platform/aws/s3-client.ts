import type { S3ClientConfig } from '@aws-sdk/client-s3';
import { clientOptions } from './client-options';

/** S3 client options: path-style addressing locally, as the emulator on 127.0.0.1 has no `<bucket>.` host names. */
export function s3ClientOptions(env?: NodeJS.ProcessEnv): S3ClientConfig {
  const options = clientOptions('S3', env);
  return { ...options, ...(options.endpoint !== undefined && { forcePathStyle: true }) };
}
