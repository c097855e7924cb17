import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulators, type Emulators } from '../../infra/local/emulators';
import { createDocumentClient } from '../../shared/platform/aws/dynamodb-client';
import { createLeanDocuments, type LeanDocuments } from '../../shared/platform/aws/lean-dynamodb';
import { isConditionalCheckFailed } from '../../shared/platform/aws/pagination';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy';

/**
 * The lean GetItem/PutItem/UpdateItem of the ingest functions against the SDK's document client, both
 * on the DynamoDB emulator (dynalite): an item written by one reads back the same through the other,
 * a missing item, a failed condition, a missing table and throttling or a 500 come out alike.
 * Faults are injected by a loopback proxy in front of the emulator.
 */

const DYNAMODB_ERROR = 'com.amazonaws.dynamodb.v20120810#';

describe('Integration: lean DynamoDB client against the SDK document client on the emulator', () => {
  let emulators: Emulators;
  let proxy: FaultProxy;
  let sdk: DynamoDBDocumentClient;
  let table: string;

  beforeAll(async () => {
    emulators = await startEmulators({ memory: true });
    proxy = await startFaultProxy(emulators.dynamodbEndpoint, 'application/x-amz-json-1.0');
    sdk = createDocumentClient({ AWS_ENDPOINT_URL_DYNAMODB: emulators.dynamodbEndpoint, AWS_REGION: 'us-east-1' });
    table = emulators.tables.connections;
  });

  afterAll(async () => {
    await proxy?.close();
    await emulators?.stop();
  });

  const lean = (endpoint = emulators.dynamodbEndpoint): LeanDocuments =>
    createLeanDocuments({
      env: { AWS_ENDPOINT_URL_DYNAMODB: endpoint, AWS_REGION: 'us-east-1' },
      sleep: async () => {},
    });
  const sdkThrough = (endpoint: string) =>
    createDocumentClient({ AWS_ENDPOINT_URL_DYNAMODB: endpoint, AWS_REGION: 'us-east-1' });

  const item = (pk: string) => ({
    pk,
    sk: 'SOURCE',
    orgId: 'org_1',
    secrets: ['kms:v1:AAAA', 'local:v1:BBBB'],
    retiredSecrets: [{ secret: 'kms:v1:CCCC', until: '2026-12-07T00:00:00.000Z' }],
    expiresAt: 1_800_000_000,
    ratio: 0.25,
    active: true,
    removed: null,
    nested: { deep: { list: [1, 'two', false] } },
    tags: new Set(['a', 'b']),
  });

  it('reads back the same item through either client, whichever wrote it', async () => {
    await lean().put({ TableName: table, Item: { ...item('LEAN#1'), left: undefined } });
    await sdk.send(new PutCommand({ TableName: table, Item: item('SDK#1') }));
    const key = (pk: string) => ({ pk, sk: 'SOURCE' });
    const viaSdk = await sdk.send(new GetCommand({ TableName: table, Key: key('LEAN#1'), ConsistentRead: true }));
    const viaLean = await lean().get({ TableName: table, Key: key('SDK#1'), ConsistentRead: true });
    expect(viaSdk.Item).toEqual(item('LEAN#1'));
    expect(viaLean.Item).toEqual(item('SDK#1'));
    expect((await lean().get({ TableName: table, Key: key('LEAN#1') })).Item).toEqual(viaSdk.Item);
  });

  it('finds nothing for a missing item, as the SDK does', async () => {
    const key = { pk: 'NOPE#1', sk: 'SOURCE' };
    expect(await lean().get({ TableName: table, Key: key })).toEqual({});
    expect((await sdk.send(new GetCommand({ TableName: table, Key: key }))).Item).toBeUndefined();
  });

  it('applies an update expression as the SDK does', async () => {
    const update = {
      TableName: table,
      Key: { pk: 'COUNT#1', sk: 'SOURCE' },
      UpdateExpression: 'ADD receiveCount :one SET #status = :status',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':one': 1, ':status': 'applied' },
    };
    await lean().update(update);
    await sdk.send(new UpdateCommand(update));
    const { Item } = await lean().get({ TableName: table, Key: update.Key, ConsistentRead: true });
    expect(Item).toEqual({ pk: 'COUNT#1', sk: 'SOURCE', receiveCount: 2, status: 'applied' });
  });

  it('fails a condition with the error isConditionalCheckFailed recognises, as the SDK does', async () => {
    const put = { TableName: table, Item: item('COND#1'), ConditionExpression: 'attribute_not_exists(pk)' };
    await lean().put(put);
    const leanError = await lean()
      .put(put)
      .catch((error: unknown) => error);
    const sdkError = await sdk.send(new PutCommand(put)).catch((error: unknown) => error);
    expect(isConditionalCheckFailed(leanError)).toBe(true);
    expect(isConditionalCheckFailed(sdkError)).toBe(true);
    const update = {
      TableName: table,
      Key: { pk: 'COND#absent', sk: 'SOURCE' },
      UpdateExpression: 'SET tries = :one',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':one': 1 },
    };
    expect(
      isConditionalCheckFailed(
        await lean()
          .update(update)
          .catch((error: unknown) => error),
      ),
    ).toBe(true);
    expect(isConditionalCheckFailed(await sdk.send(new UpdateCommand(update)).catch((e: unknown) => e))).toBe(true);
  });

  it('surfaces a missing table with the same error code', async () => {
    const get = { TableName: 'no-such-table', Key: { pk: 'x', sk: 'y' } };
    const leanError = await lean()
      .get(get)
      .catch((error: unknown) => error);
    const sdkError = await sdk.send(new GetCommand(get)).catch((error: unknown) => error);
    expect(leanError).toMatchObject({ code: 'ResourceNotFoundException', statusCode: 400 });
    expect(sdkError).toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('retries throttling and a 500 like the SDK, then succeeds; gives up after three attempts', async () => {
    await lean().put({ TableName: table, Item: item('RETRY#1') });
    const key = { pk: 'RETRY#1', sk: 'SOURCE' };
    for (const client of ['lean', 'sdk'] as const) {
      proxy.targets.length = 0;
      proxy.faults.push(
        { status: 400, type: `${DYNAMODB_ERROR}ProvisionedThroughputExceededException`, message: 'slow down' },
        { status: 500, type: `${DYNAMODB_ERROR}InternalServerError`, message: 'oops' },
      );
      const read =
        client === 'lean'
          ? await lean(proxy.endpoint).get({ TableName: table, Key: key, ConsistentRead: true })
          : await sdkThrough(proxy.endpoint).send(new GetCommand({ TableName: table, Key: key, ConsistentRead: true }));
      expect(read.Item).toEqual(item('RETRY#1'));
      expect(proxy.targets).toEqual(Array(3).fill('DynamoDB_20120810.GetItem'));
    }
    proxy.faults.push(...Array(3).fill({ status: 500, type: `${DYNAMODB_ERROR}InternalServerError`, message: 'no' }));
    await expect(lean(proxy.endpoint).get({ TableName: table, Key: key })).rejects.toMatchObject({
      code: 'InternalServerError',
      statusCode: 500,
    });
    expect(proxy.faults).toHaveLength(0);
  });
});
