import * as z from 'zod';
import { decimalString, externalId, id, sku, timestamp, unitOfMeasure } from './fields';

/**
 * Order allocation: deciding which locations ship which lines of an order. A success lists every
 * line's allocation, split across locations when no single one can fill the order; a failure lists
 * the lines that could not be allocated and why, and whether the allocator will try again.
 */

export const ALLOCATION_FAILURE_REASONS = [
  'insufficient_stock',
  'no_eligible_location',
  'destination_unserviceable',
  'unknown_sku',
] as const;

const orderFields = {
  orderId: id,
  orderNumber: externalId.describe('The order number the merchant and shopper see, e.g. "#1042"'),
};

const allocatedLine = z.strictObject({ lineId: id, sku, quantity: decimalString, unitOfMeasure });

export const orderAllocationSucceeded = z.strictObject({
  ...orderFields,
  allocations: z
    .array(z.strictObject({ locationId: id, lines: z.array(allocatedLine).min(1) }))
    .min(1)
    .describe('One entry per fulfilling location'),
});

const unallocatedLine = z.strictObject({
  lineId: id,
  sku,
  requestedQuantity: decimalString,
  availableQuantity: decimalString.describe('Best quantity any eligible location could offer'),
  unitOfMeasure,
});

export const orderAllocationFailed = z.strictObject({
  ...orderFields,
  reason: z.enum(ALLOCATION_FAILURE_REASONS),
  unallocatedLines: z.array(unallocatedLine).min(1),
  attemptedLocationIds: z.array(id).describe('Locations considered, in the order tried'),
  nextAttemptAt: timestamp.nullable().describe('When allocation will be retried; null when it will not be'),
});
