import type { Message, MessageAttributeValue } from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSMessageAttribute, SQSRecord } from 'aws-lambda';

/**
 * Turns messages from ReceiveMessage into the `SQSEvent` Lambda's event source mapping delivers:
 * lower-camel record fields, system attributes as strings, message attributes in Lambda's shape
 * (`stringValue`/`binaryValue` base64, empty `stringListValues`/`binaryListValues`).
 */

function toLambdaAttribute(value: MessageAttributeValue): SQSMessageAttribute {
  return {
    ...(value.StringValue !== undefined ? { stringValue: value.StringValue } : {}),
    ...(value.BinaryValue !== undefined ? { binaryValue: Buffer.from(value.BinaryValue).toString('base64') } : {}),
    stringListValues: [],
    binaryListValues: [],
    dataType: value.DataType ?? 'String',
  };
}

export function toSqsRecord(message: Message, queueArn: string, region: string): SQSRecord {
  const attributes = message.Attributes ?? {};
  const messageAttributes: SQSRecord['messageAttributes'] = {};
  for (const [name, value] of Object.entries(message.MessageAttributes ?? {})) {
    messageAttributes[name] = toLambdaAttribute(value);
  }
  const optional = [
    'AWSTraceHeader',
    'SequenceNumber',
    'MessageGroupId',
    'MessageDeduplicationId',
    'DeadLetterQueueSourceArn',
  ] as const;
  return {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body: message.Body ?? '',
    attributes: {
      ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? '1',
      SentTimestamp: attributes.SentTimestamp ?? '',
      SenderId: attributes.SenderId ?? '',
      ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? '',
      ...Object.fromEntries(
        optional.filter((name) => attributes[name] !== undefined).map((name) => [name, attributes[name]]),
      ),
    },
    messageAttributes,
    md5OfBody: message.MD5OfBody ?? '',
    ...(message.MD5OfMessageAttributes ? { md5OfMessageAttributes: message.MD5OfMessageAttributes } : {}),
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: region,
  };
}

export function toSqsEvent(messages: readonly Message[], queueArn: string, region: string): SQSEvent {
  return { Records: messages.map((message) => toSqsRecord(message, queueArn, region)) };
}

/**
 * Which records to delete after the handler returned, per Lambda's ReportBatchItemFailures rules:
 * nothing returned, null, `{}` or an empty/null `batchItemFailures` is full success; an
 * `itemIdentifier` that is empty, not a string, or not a message of the batch fails the whole batch.
 */
export function succeededMessageIds(
  result: unknown,
  batchIds: readonly string[],
): { ok: true; succeeded: string[]; failed: string[] } | { ok: false; reason: string } {
  if (result === undefined || result === null) return { ok: true, succeeded: [...batchIds], failed: [] };
  if (typeof result !== 'object' || Array.isArray(result)) return { ok: false, reason: 'response is not an object' };
  const failures = (result as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === undefined || failures === null) return { ok: true, succeeded: [...batchIds], failed: [] };
  if (!Array.isArray(failures)) return { ok: false, reason: 'batchItemFailures is not an array' };
  const failed = new Set<string>();
  for (const failure of failures as unknown[]) {
    const id = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id !== 'string' || id === '' || !batchIds.includes(id)) {
      return { ok: false, reason: `invalid itemIdentifier ${JSON.stringify(id)}` };
    }
    failed.add(id);
  }
  return { ok: true, succeeded: batchIds.filter((id) => !failed.has(id)), failed: [...failed] };
}
