/**
 * Where an AWS client talks to, and as whom. In AWS the SDK's defaults apply. Locally an endpoint
 * variable (`AWS_ENDPOINT_URL_SQS`, `AWS_ENDPOINT_URL_DYNAMODB`, … or `AWS_ENDPOINT_URL`) points a
 * client at an emulator on loopback, and it gets a region and dummy credentials so nothing reaches
 * for a real account. One module per client (sqs-client.ts, dynamodb-client.ts, …) builds on this,
 * so a function bundles only the clients it uses.
 */

export type Service = 'SQS' | 'DYNAMODB' | 'SECRETS_MANAGER' | 'SNS' | 'KMS' | 'S3';

export interface ClientOptions {
  endpoint?: string;
  region?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  maxAttempts: number;
}

export function clientOptions(service: Service, env: NodeJS.ProcessEnv = process.env): ClientOptions {
  const endpoint = env[`AWS_ENDPOINT_URL_${service}`] ?? env.AWS_ENDPOINT_URL;
  if (!endpoint) return { maxAttempts: 3 };
  return {
    endpoint,
    region: env.AWS_REGION ?? 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 3,
  };
}
