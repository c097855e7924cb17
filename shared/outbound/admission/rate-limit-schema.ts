import * as z from 'zod';
import { MAX_RATE_LIMIT, MIN_RATE_LIMIT } from './policy';

/** `rateLimitPerSecond` as endpoints and merchant webhooks take it: requests per second at most, or null. */
export const rateLimitPerSecondSchema = z
  .number()
  .int()
  .min(MIN_RATE_LIMIT)
  .max(MAX_RATE_LIMIT)
  .nullable()
  .describe('Requests per second this endpoint receives at most (1–1,000); null or absent: no limit');
