import * as AWS from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type Stripe from 'stripe';

/**
 * The benchmark's baseline: the Stripe webhook ingest written the common way — the full `stripe`
 * SDK's `webhooks.constructEvent(body, header, secret)` (HMAC and JSON.parse inside), then an SQS
 * SendMessage through an `SQSClient`, imported as a namespace the way SDK examples do. Not
 * production code; only the benchmarks use it.
 */
export interface BaselineOptions {
  readonly stripe: Stripe;
  readonly sqs: AWS.SQSClient;
  readonly queueUrl: string;
  readonly webhookSecret: string;
}

export function createBaselineHandler(options: BaselineOptions) {
  return async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    const body = event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString('utf8') : (event.body ?? '');
    let stripeEvent: Stripe.Event;
    try {
      stripeEvent = options.stripe.webhooks.constructEvent(
        body,
        event.headers['stripe-signature'] ?? '',
        options.webhookSecret,
      );
    } catch (error) {
      return { statusCode: 400, body: JSON.stringify({ error: (error as Error).message }) };
    }
    await options.sqs.send(
      new AWS.SendMessageCommand({
        QueueUrl: options.queueUrl,
        MessageBody: body,
        MessageAttributes: { eventType: { DataType: 'String', StringValue: stripeEvent.type } },
      }),
    );
    return { statusCode: 200, body: JSON.stringify({ received: true }) };
  };
}
