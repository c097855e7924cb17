import { describe, expect, it } from 'vitest';
import { capabilitiesOf, effectivePlan, PLAN_CATALOG, planOfSubscription } from '../../../shared/billing/plans';
import { PLAN_IDS } from '../../../shared/events/subscription-events';
import { subscriptionEvent } from '../../support/billing-events';

describe('Module: plans', () => {
  describe('Function: planOfSubscription', () => {
    it('prefers price.metadata.plan', () => {
      expect(
        planOfSubscription(
          subscriptionEvent({ created: 1, plan: 'growth', lookupKey: 'starter_monthly' }).subscription,
        ),
      ).toBe('growth');
    });

    it.each([
      ['growth_monthly', 'growth'],
      ['enterprise_yearly', 'enterprise'],
      ['Starter-annual', 'starter'],
      ['free', 'free'],
    ])('falls back to the lookup key %s → %s', (lookupKey, plan) => {
      expect(planOfSubscription(subscriptionEvent({ created: 1, lookupKey }).subscription)).toBe(plan);
    });

    it('is undefined when neither names a known plan', () => {
      expect(
        planOfSubscription(subscriptionEvent({ created: 1, lookupKey: 'platinum_monthly' }).subscription),
      ).toBeUndefined();
      expect(
        planOfSubscription(
          subscriptionEvent({ created: 1, plan: 'platinum', lookupKey: 'growth_monthly' }).subscription,
        ),
      ).toBeUndefined();
      expect(planOfSubscription(subscriptionEvent({ created: 1 }).subscription)).toBeUndefined();
    });
  });

  describe('Function: effectivePlan', () => {
    it.each(['active', 'trialing', 'past_due'])('keeps the plan while %s', (status) => {
      expect(effectivePlan('growth', status, false)).toBe('growth');
    });

    it.each(['canceled', 'unpaid', 'incomplete_expired', 'paused', 'incomplete'])(
      'falls back to free when %s',
      (status) => {
        expect(effectivePlan('growth', status, false)).toBe('free');
      },
    );

    it('falls back to free when the subscription is deleted, whatever its status says', () => {
      expect(effectivePlan('enterprise', 'active', true)).toBe('free');
    });
  });

  describe('Constant: PLAN_CATALOG', () => {
    it('grows monotonically: every plan has at least the features and limits of the one below', () => {
      for (let index = 1; index < PLAN_IDS.length; index++) {
        const lower = PLAN_CATALOG[PLAN_IDS[index - 1]!];
        const higher = PLAN_CATALOG[PLAN_IDS[index]!];
        expect(higher.features).toEqual(expect.arrayContaining([...lower.features]));
        for (const [limit, value] of Object.entries(lower.limits))
          expect(higher.limits[limit]).toBeGreaterThanOrEqual(value);
      }
    });

    it('hands out copies, so a caller cannot change the catalog', () => {
      const capabilities = capabilitiesOf('growth') as unknown as { features: string[] };
      capabilities.features.push('mutated');
      expect(PLAN_CATALOG.growth.features).not.toContain('mutated');
    });
  });
});
