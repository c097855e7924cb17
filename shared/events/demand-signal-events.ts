import * as z from 'zod';
import { decimalString, id, sku, timestamp, unitOfMeasure } from './fields';

/**
 * Demand signals: forecasting's alerts about a SKU, at one location or network-wide
 * (`locationId: null`). Quantities are exact decimal strings; the statistics behind the signal
 * (change, confidence, days of cover) are numbers.
 */

export const STOCKOUT_RISK_LEVELS = ['medium', 'high', 'critical'] as const;

const signalFields = {
  signalId: id,
  sku,
  locationId: id.nullable().describe('Location the signal is about; null for the whole network'),
  unitOfMeasure,
};

export const demandSignalSpikeDetected = z
  .strictObject({
    ...signalFields,
    windowStart: timestamp,
    windowEnd: timestamp,
    baselineQuantity: decimalString.describe('Expected demand over the window'),
    observedQuantity: decimalString.describe('Actual demand over the window'),
    changePercent: z.number().describe('(observed - baseline) / baseline × 100'),
    confidence: z.number().min(0).max(1),
  })
  .refine((data) => Date.parse(data.windowStart) < Date.parse(data.windowEnd), {
    message: 'windowEnd must be after windowStart',
    path: ['windowEnd'],
  });

export const demandSignalStockoutRisk = z.strictObject({
  ...signalFields,
  onHandQuantity: decimalString,
  inboundQuantity: decimalString.describe('Quantity on open purchase orders and transfers'),
  forecastDailyDemand: decimalString,
  daysOfCover: z.number().nonnegative().describe('How long on-hand plus inbound lasts at the forecast rate'),
  projectedStockoutAt: timestamp,
  leadTimeDays: z.number().nonnegative().nullable().describe('Replenishment lead time, when known'),
  risk: z.enum(STOCKOUT_RISK_LEVELS),
});
