import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { PlatformError } from '../../shared/platform/errors';

/**
 * A Lambda `Context` for one local invocation, and the invocation itself with the function's
 * timeout enforced the way Lambda reports it ("Task timed out after N seconds"). Locally the
 * timed-out handler keeps running in the background; its result is ignored.
 */

export const LOCAL_ACCOUNT_ID = '000000000000';

export interface LocalFunction {
  /** Used as the Lambda function name (the CDK construct id). */
  readonly name: string;
  readonly timeoutSeconds: number;
  readonly memoryMiB: number;
}

export function createLambdaContext(fn: LocalFunction, region: string, startedAt = Date.now()): Context {
  const deadline = startedAt + fn.timeoutSeconds * 1000;
  const day = new Date(startedAt).toISOString().slice(0, 10).replaceAll('-', '/');
  const unsupported = (what: string) => () => {
    throw new Error(`context.${what}() is not supported: return a value or a promise instead`);
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: fn.name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${region}:${LOCAL_ACCOUNT_ID}:function:${fn.name}`,
    memoryLimitInMB: String(fn.memoryMiB),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${fn.name}`,
    logStreamName: `${day}/[$LATEST]${randomUUID().replaceAll('-', '')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: unsupported('done'),
    fail: unsupported('fail'),
    succeed: unsupported('succeed'),
  };
}

export class LambdaTimeoutError extends PlatformError {
  override readonly name = 'LambdaTimeoutError';
  constructor(readonly timeoutSeconds: number) {
    super(`Task timed out after ${timeoutSeconds.toFixed(2)} seconds`);
  }
}

/** Any handler: the event type is the handler's business; the runtime only passes it through. */
export type LambdaHandler = (event: never, context: Context) => unknown;

export async function invokeHandler(
  handler: LambdaHandler,
  event: unknown,
  context: Context,
  timeoutSeconds: number,
): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new LambdaTimeoutError(timeoutSeconds)), timeoutSeconds * 1000);
  });
  try {
    const call = Promise.resolve().then(() =>
      (handler as (event: unknown, context: Context) => unknown)(event, context),
    );
    return await Promise.race([call, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
