import * as z from 'zod';
import { pageQuerySchema } from '../platform/http/org-router';
import { canonicalDecimal } from './decimal';

/**
 * What the catalog API accepts and answers. The handler validates with the request schemas and the
 * OpenAPI document is generated from the same ones, so the two cannot drift.
 */

const providerId = z.string().trim().min(1).max(200);
export const itemsQuerySchema = pageQuerySchema.extend({ source: z.enum(['square', 'shopify']).optional() });
export const inventoryQuerySchema = pageQuerySchema.extend({
  itemId: providerId.optional(),
  locationId: providerId.optional(),
});

/** Non-negative, at most 15 integer and 6 fraction digits (the event catalog's decimal fields). */
const THRESHOLD = /^(0|[1-9]\d{0,14})(\.\d{1,6})?$/;
export const settingsSchema = z.strictObject({
  stockoutThreshold: z
    .union([z.number().finite().nonnegative(), z.string()])
    .transform((value) => canonicalDecimal(typeof value === 'number' ? String(value) : value) ?? '')
    .refine(
      (value) => THRESHOLD.test(value),
      'Must be a non-negative number with at most 15 integer and 6 fraction digits',
    ),
});

const source = z.enum(['square', 'shopify']);
const money = z.object({ amount: z.string(), currency: z.string().nullable() });

export const catalogItemViewSchema = z.object({
  source,
  id: z.string(),
  title: z.string().nullable(),
  status: z.string().nullable(),
  vendor: z.string().nullable(),
  productType: z.string().nullable(),
  variants: z.array(
    z.object({
      id: z.string(),
      title: z.string().nullable(),
      sku: z.string().nullable(),
      price: money.nullable(),
      inventoryItemId: z.string().nullable(),
    }),
  ),
  sourceUpdatedAt: z.string(),
  updatedAt: z.string(),
});

export const stockLevelViewSchema = z.object({
  source,
  itemId: z.string(),
  locationId: z.string(),
  state: z.string(),
  quantity: z.string().nullable().describe('Exact decimal string; null when the provider sent none'),
  sourceUpdatedAt: z.string(),
  updatedAt: z.string(),
});

export const inventorySettingsViewSchema = z.object({ stockoutThreshold: z.number(), updatedAt: z.string() });
