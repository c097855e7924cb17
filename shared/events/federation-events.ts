import * as z from 'zod';
import { decimalString, externalId, id, sku, timestamp, unitOfMeasure } from './fields';

/**
 * Federation events: what the Commerce Gateway tells a merchant about orders and stock it holds on
 * the merchant's behalf. They are keyed by `merchantId` (scope `merchant`), not by an organisation,
 * and are delivered only to the merchant's federation webhook.
 */

export const FEDERATION_ORDER_STATUSES = ['pending', 'confirmed', 'fulfilled', 'cancelled', 'refunded'] as const;

const orderLine = z.strictObject({ lineId: id, sku, quantity: decimalString, unitOfMeasure });

const orderFields = {
  orderId: id,
  externalOrderId: externalId.nullable().describe("The order's id in the channel it came from, when it has one"),
  channel: id.describe('The federated channel the order came through, e.g. "gateway_marketplace"'),
  status: z.enum(FEDERATION_ORDER_STATUSES),
  currency: z.string().regex(/^[A-Z]{3}$/, 'Must be an ISO 4217 currency code such as "USD"'),
  total: decimalString.describe('Order total in `currency`'),
  lines: z.array(orderLine).min(1).max(500),
};

export const federationOrderCreated = z.strictObject({ ...orderFields, createdAt: timestamp });

export const federationOrderUpdated = z.strictObject({
  ...orderFields,
  previousStatus: z.enum(FEDERATION_ORDER_STATUSES),
  updatedAt: timestamp,
});

export const federationInventoryUpdated = z.strictObject({
  sku,
  locationId: id.nullable().describe('The location, or null for the merchant-wide total'),
  unitOfMeasure,
  availableQuantity: decimalString,
  previousAvailableQuantity: decimalString.nullable(),
  updatedAt: timestamp,
});
