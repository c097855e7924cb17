import * as z from 'zod';
import { ORG_EVENT_TYPES } from '../events/event-catalog';
import { pageQuerySchema } from '../platform/http/org-router';
import { MAX_ROTATION_GRACE_SECONDS } from './endpoint';
import { rateLimitPerSecondSchema } from './admission/rate-limit-schema';

/**
 * What the endpoints API accepts: the request schemas its handlers validate with and the OpenAPI
 * document describes, kept here so the document never reaches up into a function.
 */

const description = z.string().max(500);
const eventTypes = z.array(z.string().max(200)).min(1).max(100);

export const createEndpointSchema = z.strictObject({
  url: z.string().max(4_096),
  description: description.optional(),
  eventTypes,
  enabled: z.boolean().optional(),
  rateLimitPerSecond: rateLimitPerSecondSchema.optional(),
});

export const patchEndpointSchema = z
  .strictObject({
    url: z.string().max(4_096).optional(),
    description: description.optional(),
    eventTypes: eventTypes.optional(),
    enabled: z.boolean().optional(),
    rateLimitPerSecond: rateLimitPerSecondSchema.optional(),
  })
  .refine((patch) => Object.keys(patch).length > 0, 'Name at least one field to change');

export const attemptsQuerySchema = pageQuerySchema.extend({
  status: z.enum(['succeeded', 'failed']).optional(),
  eventType: z.string().max(200).optional(),
});

export const rotateSchema = z.strictObject({
  gracePeriodSeconds: z.number().int().min(0).max(MAX_ROTATION_GRACE_SECONDS).optional(),
});
export const testSchema = z.strictObject({ eventType: z.enum(ORG_EVENT_TYPES).optional() });
export const resendSchema = z.strictObject({ endpointId: z.string().min(1).max(100) });
export const recoverSchema = z
  .strictObject({
    since: z.iso.datetime({ offset: true }),
    until: z.iso.datetime({ offset: true }).optional(),
  })
  .refine((input) => input.until === undefined || Date.parse(input.since) < Date.parse(input.until), {
    message: 'since must be before until',
    path: ['until'],
  });
export const statsQuerySchema = z.object({ window: z.enum(['24h', '7d']).default('24h') });

/** A merchant's federation webhook subscribes to every federation type unless told otherwise. */
export const DEFAULT_MERCHANT_EVENT_TYPES = ['federation.*'] as const;

export const merchantWebhookSchema = z.strictObject({
  webhookUrl: z.string().max(4_096),
  eventTypes: z
    .array(z.string().max(200))
    .min(1)
    .max(100)
    .optional()
    .describe('Federation types or wildcards; `["federation.*"]` when absent'),
  rateLimitPerSecond: rateLimitPerSecondSchema.optional(),
});
