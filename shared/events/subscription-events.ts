import * as z from 'zod';

/**
 * `subscription.updated`, published by the billing consumer when an organisation's effective plan or
 * subscription status changes. `status` is Stripe's subscription status, or `none` before the first
 * subscription: kept an open lower-case string so a status Stripe adds later cannot make the
 * billing consumer's publish fail.
 */

/** Better Data's plans, named here because events sit below billing (billing/plans.ts gives each its capabilities). */
export const PLAN_IDS = ['free', 'starter', 'growth', 'enterprise'] as const;

const subscriptionStatus = z
  .string()
  .regex(/^[a-z][a-z_]{0,39}$/)
  .describe('none, incomplete, incomplete_expired, trialing, active, past_due, canceled, unpaid, paused');

export const subscriptionUpdated = z.strictObject({
  plan: z.enum(PLAN_IDS).describe('The plan whose capabilities apply now'),
  previousPlan: z.enum(PLAN_IDS),
  status: subscriptionStatus,
  previousStatus: subscriptionStatus,
  capabilities: z.strictObject({
    features: z.array(z.string().min(1)),
    limits: z.record(z.string().min(1), z.number().int().nonnegative()),
  }),
});
