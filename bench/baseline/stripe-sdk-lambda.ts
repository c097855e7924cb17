import * as AWS from '@aws-sdk/client-sqs';
import Stripe from 'stripe';
import { createBaselineHandler } from './stripe-sdk-handler';

/**
 * The baseline as a Lambda entry point, for the cold-start benchmark: clients built at module load,
 * the secret read from an environment variable, as tutorials do. Bundled the way a NodejsFunction
 * with default settings bundles (CommonJS output, so the SDK's and stripe's CommonJS builds are
 * used and nothing is tree-shaken).
 */
const stripe = new Stripe(process.env.STRIPE_API_KEY ?? 'sk_test_unused');

export const handler = createBaselineHandler({
  stripe,
  sqs: new AWS.SQSClient({}),
  queueUrl: process.env.BILLING_QUEUE_URL ?? '',
  webhookSecret: process.env.STRIPE_WEBHOOK_SECRET ?? '',
});
