import { SignatureVerificationError } from '../../shared/platform/errors';

/** Runs a verification expected to fail and returns its error, so tests can assert on the reason. */
export function signatureFailure(run: () => unknown): SignatureVerificationError {
  try {
    run();
  } catch (error) {
    if (error instanceof SignatureVerificationError) return error;
    throw error;
  }
  throw new Error('expected a SignatureVerificationError');
}
