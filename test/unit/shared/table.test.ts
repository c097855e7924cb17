import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { encodeCursor } from '../../../shared/platform/aws/pagination';
import {
  deleteItem,
  deleteItemReturningOld,
  getItem,
  putItem,
  putItemIfAbsent,
  putItemIfVersion,
  queryAll,
  queryPage,
  setFields,
  updateItem,
  type TableContext,
} from '../../../shared/platform/aws/table';
import { InvalidPayloadError } from '../../../shared/platform/errors';

type Sent = { readonly command: object; readonly input: Record<string, unknown> };

/** A document client that records each command and answers from a script, in order. */
function scriptedTable(...answers: (Record<string, unknown> | Error)[]): TableContext & { sent: Sent[] } {
  const sent: Sent[] = [];
  const documents = {
    send: (command: { input: Record<string, unknown> }) => {
      sent.push({ command, input: command.input });
      const answer = answers.shift() ?? {};
      return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
    },
  } as unknown as DynamoDBDocumentClient;
  return { documents, tableName: 'things', sent };
}

const conditionFailed = () => Object.assign(new Error('failed'), { name: 'ConditionalCheckFailedException' });

describe('Module: table', () => {
  describe('Function: getItem', () => {
    it('reads consistently and answers the item without its keys', async () => {
      const table = scriptedTable({ Item: { pk: 'ORG#a', sk: 'X', name: 'x' } });

      const item = await getItem<{ name: string }>(table, { pk: 'ORG#a', sk: 'X' });

      expect(item).toEqual({ name: 'x' });
      expect(table.sent[0]?.command).toBeInstanceOf(GetCommand);
      expect(table.sent[0]?.input).toEqual({
        TableName: 'things',
        Key: { pk: 'ORG#a', sk: 'X' },
        ConsistentRead: true,
      });
    });

    it('answers undefined when nothing is stored, and reads eventually consistent when asked', async () => {
      const table = scriptedTable({});

      expect(await getItem(table, { pk: 'p', sk: 's' }, { consistent: false })).toBeUndefined();
      expect(table.sent[0]?.input.ConsistentRead).toBe(false);
    });
  });

  describe('Function: putItem and its conditional forms', () => {
    it('writes unconditionally without a condition', async () => {
      const table = scriptedTable();

      expect(await putItem(table, { pk: 'p', sk: 's' })).toBe(true);
      expect(table.sent[0]?.command).toBeInstanceOf(PutCommand);
      expect(table.sent[0]?.input).toEqual({ TableName: 'things', Item: { pk: 'p', sk: 's' } });
    });

    it('answers false when the condition does not hold, and throws any other failure', async () => {
      const table = scriptedTable(conditionFailed(), new Error('throttled'));
      const condition = { expression: 'orgId = :org', values: { ':org': 'a' } };

      expect(await putItem(table, { pk: 'p', sk: 's' }, condition)).toBe(false);
      await expect(putItem(table, { pk: 'p', sk: 's' }, condition)).rejects.toThrow('throttled');
      expect(table.sent[0]?.input).toMatchObject({
        ConditionExpression: 'orgId = :org',
        ExpressionAttributeValues: { ':org': 'a' },
      });
    });

    it('putItemIfAbsent writes only where no item has the key', async () => {
      const table = scriptedTable({}, conditionFailed());

      expect(await putItemIfAbsent(table, { pk: 'p', sk: 's' })).toBe(true);
      expect(await putItemIfAbsent(table, { pk: 'p', sk: 's' })).toBe(false);
      expect(table.sent[0]?.input.ConditionExpression).toBe('attribute_not_exists(pk)');
    });

    it('putItemIfVersion checks the stored version, or absence when none is expected', async () => {
      const table = scriptedTable();

      await putItemIfVersion(table, { pk: 'p', sk: 's', revision: 3 }, 'revision', 2);
      await putItemIfVersion(table, { pk: 'p', sk: 's', revision: 1 }, 'revision', undefined);

      expect(table.sent[0]?.input).toMatchObject({
        ConditionExpression: '#version = :expected',
        ExpressionAttributeNames: { '#version': 'revision' },
        ExpressionAttributeValues: { ':expected': 2 },
      });
      expect(table.sent[1]?.input.ConditionExpression).toBe('attribute_not_exists(pk)');
      expect(table.sent[1]?.input).not.toHaveProperty('ExpressionAttributeValues');
    });
  });

  describe('Function: updateItem', () => {
    it('sets the defined fields and merges the condition placeholders with the update ones', async () => {
      const table = scriptedTable();
      const update = setFields({ syncJobId: 'job-1', lastSyncAt: undefined, state: 'active' });

      const updated = await updateItem(table, { pk: 'p', sk: 's' }, update, {
        expression: 'attribute_exists(pk) AND #owner = :owner',
        names: { '#owner': 'orgId' },
        values: { ':owner': 'a' },
      });

      expect(updated).toBe(true);
      expect(table.sent[0]?.command).toBeInstanceOf(UpdateCommand);
      expect(table.sent[0]?.input).toEqual({
        TableName: 'things',
        Key: { pk: 'p', sk: 's' },
        UpdateExpression: 'SET #f0 = :f0, #f1 = :f1',
        ConditionExpression: 'attribute_exists(pk) AND #owner = :owner',
        ExpressionAttributeNames: { '#f0': 'syncJobId', '#f1': 'state', '#owner': 'orgId' },
        ExpressionAttributeValues: { ':f0': 'job-1', ':f1': 'active', ':owner': 'a' },
      });
    });

    it('answers false when the condition does not hold', async () => {
      const table = scriptedTable(conditionFailed());

      const update = { expression: 'SET published = :true', values: { ':true': true } };
      expect(await updateItem(table, { pk: 'p', sk: 's' }, update, { expression: 'attribute_exists(pk)' })).toBe(false);
    });
  });

  describe('Function: deleteItem', () => {
    it('deletes under a condition, answering false when it does not hold', async () => {
      const table = scriptedTable({}, conditionFailed());
      const condition = { expression: 'orgId = :org', values: { ':org': 'a' } };

      expect(await deleteItem(table, { pk: 'p', sk: 's' }, condition)).toBe(true);
      expect(await deleteItem(table, { pk: 'p', sk: 's' }, condition)).toBe(false);
      expect(table.sent[0]?.command).toBeInstanceOf(DeleteCommand);
      expect(table.sent[0]?.input).toEqual({
        TableName: 'things',
        Key: { pk: 'p', sk: 's' },
        ConditionExpression: 'orgId = :org',
        ExpressionAttributeValues: { ':org': 'a' },
      });
    });

    it('deleteItemReturningOld answers what was stored, without its keys', async () => {
      const table = scriptedTable({ Attributes: { pk: 'p', sk: 's', account: 'shop' } }, {});

      expect(await deleteItemReturningOld(table, { pk: 'p', sk: 's' })).toEqual({ account: 'shop' });
      expect(await deleteItemReturningOld(table, { pk: 'p', sk: 's' })).toBeUndefined();
      expect(table.sent[0]?.input.ReturnValues).toBe('ALL_OLD');
    });
  });

  describe('Function: queryAll', () => {
    it('follows every page and keeps the keys', async () => {
      const table = scriptedTable(
        { Items: [{ pk: 'p', sk: '1' }], LastEvaluatedKey: { pk: 'p', sk: '1' } },
        { Items: [{ pk: 'p', sk: '2' }] },
      );

      const items = await queryAll(table, {
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'p' },
      });

      expect(items).toEqual([
        { pk: 'p', sk: '1' },
        { pk: 'p', sk: '2' },
      ]);
      expect(table.sent[1]?.input.ExclusiveStartKey).toEqual({ pk: 'p', sk: '1' });
    });
  });

  describe('Function: queryPage', () => {
    const query = {
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': 'ORG#a', ':prefix': 'ITEM#' },
    };

    it('fills a page over several queries when a filter drops items, and hands out a cursor', async () => {
      const table = scriptedTable(
        { Items: [{ pk: 'ORG#a', sk: 'ITEM#1', n: 1 }], LastEvaluatedKey: { pk: 'ORG#a', sk: 'ITEM#2' } },
        { Items: [{ pk: 'ORG#a', sk: 'ITEM#3', n: 3 }], LastEvaluatedKey: { pk: 'ORG#a', sk: 'ITEM#3' } },
      );

      const page = await queryPage<{ n: number }>(table, query, { limit: 2, partitionKey: 'ORG#a', maxQueries: 5 });

      expect(page.items).toEqual([{ n: 1 }, { n: 3 }]);
      expect(page.nextCursor).toBe(encodeCursor({ pk: 'ORG#a', sk: 'ITEM#3' }));
      expect(table.sent.map((sent) => sent.input.Limit)).toEqual([2, 1]);
      expect(table.sent[0]?.command).toBeInstanceOf(QueryCommand);
    });

    it('stops after one query by default and resumes from the cursor it handed out', async () => {
      const cursor = encodeCursor({ pk: 'ORG#a', sk: 'ITEM#2' }) ?? undefined;
      const table = scriptedTable({ Items: [], LastEvaluatedKey: { pk: 'ORG#a', sk: 'ITEM#9' } });

      const page = await queryPage(table, query, { limit: 2, cursor, partitionKey: 'ORG#a', sortKeyPrefix: 'ITEM#' });

      expect(table.sent).toHaveLength(1);
      expect(table.sent[0]?.input.ExclusiveStartKey).toEqual({ pk: 'ORG#a', sk: 'ITEM#2' });
      expect(page).toEqual({ items: [], nextCursor: encodeCursor({ pk: 'ORG#a', sk: 'ITEM#9' }) });
    });

    it.each([
      ['another partition', { pk: 'ORG#b', sk: 'ITEM#2' }],
      ['another sort-key range', { pk: 'ORG#a', sk: 'LEVEL#2' }],
      ['extra attributes', { pk: 'ORG#a', sk: 'ITEM#2', gsi1pk: 'x' }],
    ])('refuses a cursor from %s before querying', async (_case, key) => {
      const table = scriptedTable();
      const cursor = encodeCursor(key) ?? undefined;

      await expect(
        queryPage(table, query, { limit: 2, cursor, partitionKey: 'ORG#a', sortKeyPrefix: 'ITEM#' }),
      ).rejects.toBeInstanceOf(InvalidPayloadError);
      expect(table.sent).toHaveLength(0);
    });
  });
});
