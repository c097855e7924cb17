import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';

/**
 * The one place that builds AWS clients. In AWS the SDK's defaults apply. Locally an endpoint
 * variable (`AWS_ENDPOINT_URL_SQS`, `AWS_ENDPOINT_URL_DYNAMODB`, … or `AWS_ENDPOINT_URL`) points a
 * client at an emulator on loopback, and it gets a region and dummy credentials so nothing reaches
 * for a real account.
 */

type Service = 'SQS' | 'DYNAMODB' | 'SECRETS_MANAGER' | 'SNS' | 'KMS' | 'S3';

interface ClientOptions {
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

export function createSqsClient(env?: NodeJS.ProcessEnv): SQSClient {
  return new SQSClient(clientOptions('SQS', env));
}

export function createSnsClient(env?: NodeJS.ProcessEnv): SNSClient {
  return new SNSClient(clientOptions('SNS', env));
}

export function createSecretsManagerClient(env?: NodeJS.ProcessEnv): SecretsManagerClient {
  return new SecretsManagerClient(clientOptions('SECRETS_MANAGER', env));
}

export function createKmsClient(env?: NodeJS.ProcessEnv): KMSClient {
  return new KMSClient(clientOptions('KMS', env));
}

/** S3 client options: path-style addressing locally, as the emulator on 127.0.0.1 has no `<bucket>.` host names. */
export function s3ClientOptions(env: NodeJS.ProcessEnv = process.env): ClientOptions & { forcePathStyle?: boolean } {
  const options = clientOptions('S3', env);
  return { ...options, ...(options.endpoint !== undefined && { forcePathStyle: true }) };
}

export function createDocumentClient(env?: NodeJS.ProcessEnv): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(new DynamoDBClient(clientOptions('DYNAMODB', env)), {
    marshallOptions: { removeUndefinedValues: true },
  });
}
