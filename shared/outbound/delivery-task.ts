import * as z from 'zod';

/**
 * One delivery of one message to one endpoint, as it travels on the delivery queue. Attempt N of a
 * task is claimed once (see MessagesStore.claimAttempt), so a task delivered twice by SQS posts once.
 */
export const deliveryTaskSchema = z.object({
  messageId: z.string().min(1),
  orgId: z.string().min(1),
  /** Set on a merchant's (federation) deliveries: the owner is the merchant, `orgId` only a label. */
  merchantId: z.string().min(1).optional(),
  endpointId: z.string().min(1),
  /** 1-based; attempt 1 is the first delivery. */
  attempt: z.number().int().positive(),
  trigger: z.enum(['scheduled', 'manual']),
  /**
   * Manual tasks (resend, recovery) carry their own claim key instead of taking attempt numbers from
   * the scheduled series; a failed manual attempt is logged and schedules no retry.
   */
  manualId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/)
    .optional(),
  /** The recovery that queued this (manual) task: its progress counts the attempt. */
  recoveryId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/)
    .optional(),
  /** Not to be attempted before this instant: waits longer than SQS's 15-minute delay are chained. */
  notBefore: z.iso.datetime().optional(),
  correlationId: z.string().min(1),
  /** A rate-limit slot this task holds since it was deferred for the endpoint's rate limit (admission/). */
  rateSlot: z.number().int().nonnegative().optional(),
});

export type DeliveryTask = z.infer<typeof deliveryTaskSchema>;
