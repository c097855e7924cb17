import { describe, expect, it } from 'vitest';
import {
  AwsServiceError,
  isRetryable,
  retryDelayMs,
  serviceErrorFrom,
} from '../../../shared/platform/aws/json-protocol-errors';
import { credentialsFrom } from '../../../shared/platform/aws/json-protocol';

describe('AWS JSON-protocol errors and retries (lean client)', () => {
  it('names the error as the SDK does, from __type or the error-type header', () => {
    const missing = serviceErrorFrom(
      400,
      {},
      '{"__type":"com.amazonaws.sqs#QueueDoesNotExist","message":"The specified queue does not exist."}',
    );
    expect(missing).toMatchObject({ code: 'QueueDoesNotExist', statusCode: 400 });
    expect(missing.message).toBe('The specified queue does not exist.');
    expect(serviceErrorFrom(400, { 'x-amzn-errortype': 'ThrottlingException:http://internal' }, '')).toMatchObject({
      code: 'ThrottlingException',
    });
    expect(serviceErrorFrom(502, {}, '<html>Bad gateway</html>')).toMatchObject({ code: 'Http502' });
  });

  it.each([
    [new AwsServiceError('ThrottlingException', 400, 'slow down'), 'throttling'],
    [new AwsServiceError('RequestThrottled', 400, 'slow down'), 'throttling'],
    [new AwsServiceError('Anything', 429, 'too many'), 'throttling'],
    [new AwsServiceError('InternalError', 500, 'oops'), 'transient'],
    [new AwsServiceError('ServiceUnavailable', 503, 'later'), 'transient'],
    [Object.assign(new Error('reset'), { code: 'ECONNRESET' }), 'transient'],
    [new AwsServiceError('QueueDoesNotExist', 400, 'no queue'), false],
    [new AwsServiceError('AccessDenied', 403, 'no'), false],
    [new Error('boom'), false],
  ])('classifies %s as %s', (error, expected) => {
    expect(isRetryable(error)).toBe(expected);
  });

  it('backs off with full jitter, longer when throttled, capped at 20 s', () => {
    expect(retryDelayMs(1, false, () => 1)).toBe(200);
    expect(retryDelayMs(2, false, () => 0.5)).toBe(200);
    expect(retryDelayMs(1, true, () => 1)).toBe(1_000);
    expect(retryDelayMs(1, true, () => 0)).toBe(0);
    expect(retryDelayMs(10, true, () => 1)).toBe(20_000);
  });
});

describe('AWS credentials of the lean client', () => {
  it('takes the Lambda environment, session token included', () => {
    const env = { AWS_ACCESS_KEY_ID: 'ASIAEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret', AWS_SESSION_TOKEN: 'token' };
    expect(credentialsFrom(env, 'SQS')).toEqual({
      accessKeyId: 'ASIAEXAMPLE',
      secretAccessKey: 'secret',
      sessionToken: 'token',
    });
  });

  it('uses the dummy credentials against an emulator, never a developer’s own', () => {
    const env = {
      AWS_ENDPOINT_URL_SQS: 'http://127.0.0.1:9324',
      AWS_ACCESS_KEY_ID: 'AKIAREAL',
      AWS_SECRET_ACCESS_KEY: 's',
    };
    expect(credentialsFrom(env, 'SQS')).toEqual({ accessKeyId: 'local', secretAccessKey: 'local' });
  });

  it('fails clearly when the environment has none', () => {
    expect(() => credentialsFrom({}, 'SQS')).toThrow(/AWS_ACCESS_KEY_ID/);
  });
});
