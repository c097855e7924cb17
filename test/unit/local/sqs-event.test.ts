import { describe, expect, it } from 'vitest';
import { succeededMessageIds, toSqsEvent } from '../../../infra/local/sqs-event';

const ARN = 'arn:aws:sqs:us-east-1:000000000000:billing-events';

describe('toSqsEvent', () => {
  it('builds records shaped like the Lambda SQS event source mapping delivers them', () => {
    const event = toSqsEvent(
      [
        {
          MessageId: 'm-1',
          ReceiptHandle: 'rh-1',
          Body: '{"a":1}',
          MD5OfBody: 'md5',
          MD5OfMessageAttributes: 'md5attrs',
          Attributes: {
            ApproximateReceiveCount: '2',
            SentTimestamp: '1700000000000',
            SenderId: '000000000000',
            ApproximateFirstReceiveTimestamp: '1700000000100',
          },
          MessageAttributes: {
            kind: { DataType: 'String', StringValue: 'stripe' },
            blob: { DataType: 'Binary', BinaryValue: new Uint8Array([1, 2, 3]) },
          },
        },
      ],
      ARN,
      'us-east-1',
    );
    expect(event).toEqual({
      Records: [
        {
          messageId: 'm-1',
          receiptHandle: 'rh-1',
          body: '{"a":1}',
          attributes: {
            ApproximateReceiveCount: '2',
            SentTimestamp: '1700000000000',
            SenderId: '000000000000',
            ApproximateFirstReceiveTimestamp: '1700000000100',
          },
          messageAttributes: {
            kind: { stringValue: 'stripe', stringListValues: [], binaryListValues: [], dataType: 'String' },
            blob: { binaryValue: 'AQID', stringListValues: [], binaryListValues: [], dataType: 'Binary' },
          },
          md5OfBody: 'md5',
          md5OfMessageAttributes: 'md5attrs',
          eventSource: 'aws:sqs',
          eventSourceARN: ARN,
          awsRegion: 'us-east-1',
        },
      ],
    });
  });
});

describe('succeededMessageIds (ReportBatchItemFailures)', () => {
  const ids = ['a', 'b', 'c'];

  it('treats no response, null, {} and empty or null batchItemFailures as full success', () => {
    for (const result of [undefined, null, {}, { batchItemFailures: [] }, { batchItemFailures: null }]) {
      expect(succeededMessageIds(result, ids)).toEqual({ ok: true, succeeded: ids, failed: [] });
    }
  });

  it('keeps the reported failures and deletes the rest', () => {
    expect(succeededMessageIds({ batchItemFailures: [{ itemIdentifier: 'b' }] }, ids)).toEqual({
      ok: true,
      succeeded: ['a', 'c'],
      failed: ['b'],
    });
  });

  it('fails the whole batch on an invalid response', () => {
    for (const result of [
      'nope',
      [],
      { batchItemFailures: 'b' },
      { batchItemFailures: [{ itemIdentifier: '' }] },
      { batchItemFailures: [{ itemIdentifier: null }] },
      { batchItemFailures: [{ id: 'b' }] },
      { batchItemFailures: [{ itemIdentifier: 'not-in-batch' }] },
    ]) {
      expect(succeededMessageIds(result, ids).ok, JSON.stringify(result)).toBe(false);
    }
  });
});
