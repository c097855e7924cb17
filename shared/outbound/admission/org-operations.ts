import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { isConditionalCheckFailed } from '../../platform/aws/pagination';
import { ownerPartition, type Owner } from '../../events/owner';

/**
 * Per-owner limits on the operations that make us dial or queue on demand — test sends, resends and
 * recoveries — so one tenant cannot keep API Lambdas busy for everyone. A fixed one-minute window
 * per owner and operation, counted with one conditional ADD in the webhooks table
 * (`OPLIMIT#<owner>` / `<operation>#<window>`, expiring with TTL): any number of API instances
 * agree, and a refusal says when the window ends (`Retry-After`).
 */

export type LimitedOperation = 'test' | 'resend' | 'recover';

export type OperationVerdict =
  { readonly allowed: true } | { readonly allowed: false; readonly retryAfterSeconds: number };

export interface OperationLimiter {
  take(owner: Owner, operation: LimitedOperation): Promise<OperationVerdict>;
}

const WINDOW_MS = 60_000;

/** The window `nowMs` falls in, and the whole seconds until it ends (at least 1). */
export function operationWindow(nowMs: number): { readonly start: number; readonly retryAfterSeconds: number } {
  const start = Math.floor(nowMs / WINDOW_MS) * WINDOW_MS;
  return { start, retryAfterSeconds: Math.max(1, Math.ceil((start + WINDOW_MS - nowMs) / 1_000)) };
}

export function createOperationLimiter(
  documents: DynamoDBDocumentClient,
  tableName: string,
  perMinute: number,
  now: () => Date,
): OperationLimiter {
  return {
    async take(owner, operation) {
      const { start, retryAfterSeconds } = operationWindow(now().getTime());
      try {
        await documents.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { pk: `OPLIMIT#${ownerPartition(owner)}`, sk: `${operation}#${start}` },
            UpdateExpression: 'ADD used :one SET expiresAt = :expiresAt',
            ConditionExpression: 'attribute_not_exists(used) OR used < :limit',
            ExpressionAttributeValues: { ':one': 1, ':limit': perMinute, ':expiresAt': start / 1_000 + 120 },
          }),
        );
        return { allowed: true };
      } catch (error) {
        if (isConditionalCheckFailed(error)) return { allowed: false, retryAfterSeconds };
        throw error;
      }
    },
  };
}
