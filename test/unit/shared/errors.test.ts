import { describe, expect, it } from 'vitest';
import { SquareApiError } from '../../../shared/catalog/square-catalog-client';
import { InvalidEventError } from '../../../shared/events/errors';
import { InvalidDurationListError } from '../../../shared/outbound/retry-schedule';
import { InvalidSigningSecretError } from '../../../shared/platform/crypto/standard-webhooks';
import {
  ConfigurationError,
  EnqueueError,
  InvalidPayloadError,
  PlatformError,
  RequestValidationError,
  SignatureVerificationError,
} from '../../../shared/platform/errors';

describe('Module: errors', () => {
  const cause = new Error('underlying');
  const errors = [
    new SignatureVerificationError('no_matching_signature', 'no match', { cause }),
    new InvalidPayloadError('bad', ['field'], { cause }),
    new ConfigurationError('missing', { cause }),
    new EnqueueError('queue down', { cause }),
    new RequestValidationError(422, 'invalid', [], { cause }),
    new InvalidEventError('bad event', [], { cause }),
    new SquareApiError(500, 'square down', [], { cause }),
    new InvalidDurationListError('bad list', { cause }),
    new InvalidSigningSecretError('bad secret', { cause }),
  ];

  it.each(errors.map((error) => [error.name, error] as const))(
    '%s is a PlatformError named after its class, keeping its cause',
    (name, error) => {
      expect(error).toBeInstanceOf(PlatformError);
      expect(error).toBeInstanceOf(Error);
      expect(name).toBe(error.constructor.name);
      expect(error.cause).toBe(cause);
    },
  );
});
