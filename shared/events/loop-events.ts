import * as z from 'zod';
import { decimalString, id, shortText } from './fields';

/**
 * Loops are Better Data's long-running workflows (a purchase, an order, a return, a quality case),
 * each a state machine. A transition event carries the loop, the state it left and the state it
 * entered; creation is not a transition, so `from` is always a real state. Each loop kind has its
 * own state list, so a receiver can switch on `to` exhaustively and a publisher cannot send a state
 * of another kind.
 */

export const LOOP_STATES = {
  procurement: ['draft', 'requested', 'approved', 'ordered', 'partially_received', 'received', 'closed', 'cancelled'],
  orders: ['created', 'allocated', 'picking', 'packed', 'shipped', 'delivered', 'closed', 'cancelled'],
  returns: [
    'requested',
    'authorized',
    'in_transit',
    'received',
    'inspected',
    'refunded',
    'restocked',
    'rejected',
    'closed',
  ],
  quality: ['opened', 'investigating', 'contained', 'corrective_action', 'verified', 'closed'],
} as const;

export type LoopKind = keyof typeof LOOP_STATES;

export const ACTOR_TYPES = ['user', 'system', 'integration'] as const;

const actor = z
  .strictObject({
    type: z.enum(ACTOR_TYPES),
    id: id.describe('User id, automation rule id, or integration id'),
  })
  .describe('Who or what moved the loop');

function loopTransitionedSchema<const States extends readonly [string, ...string[]]>(states: States) {
  const state = z.enum(states);
  return z
    .strictObject({
      loopId: id,
      from: state.describe('State the loop left'),
      to: state.describe('State the loop entered'),
      actor,
      reason: shortText.nullable().describe('Free-text reason given for the transition, if any'),
    })
    .refine((data) => data.from !== data.to, { message: 'A transition must change the state', path: ['to'] });
}

export const loopProcurementTransitioned = loopTransitionedSchema(LOOP_STATES.procurement);
export const loopOrdersTransitioned = loopTransitionedSchema(LOOP_STATES.orders);
export const loopReturnsTransitioned = loopTransitionedSchema(LOOP_STATES.returns);
export const loopQualityTransitioned = loopTransitionedSchema(LOOP_STATES.quality);

export const COMMITMENT_METRICS = [
  'committed_quantity',
  'committed_spend',
  'received_quantity',
  'fulfilled_percent',
] as const;

export const loopCommitmentThresholdReached = z.strictObject({
  loopId: id,
  commitmentId: id,
  metric: z.enum(COMMITMENT_METRICS).describe('What the commitment measures'),
  threshold: decimalString.describe('The configured threshold that was reached'),
  value: decimalString.describe('The metric value when the threshold was reached (at or above threshold)'),
  unit: z
    .string()
    .min(1)
    .max(20)
    .describe('Unit of threshold and value: a unit of measure, an ISO 4217 currency code, or "percent"'),
});
