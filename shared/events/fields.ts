import * as z from 'zod';

/**
 * Field types shared by the event data schemas. Conventions every event follows:
 * - Exact quantities and money are decimal strings (`"12.5"`), so fractional units of measure
 *   (kg, m) and large counts survive any receiver's JSON parser without float rounding; the unit
 *   travels beside them. Statistical measures (ratios, confidence, days of cover) are numbers.
 * - Counts (rows, attempts) are non-negative integers.
 * - Timestamps are ISO 8601 in UTC with a `Z` suffix, so receivers never have to handle offsets.
 * - Ids we mint use a key-safe alphabet (no `#`, `/`, whitespace); ids from merchants' systems
 *   (SKUs, order numbers) may hold any printable text.
 * Every object is strict: an unknown key fails the publish, which catches a publisher's typo or a
 * field added without a catalog change. Receivers should still ignore fields they do not know.
 */

export const ID_PATTERN = /^[A-Za-z0-9_.:-]+$/;
export const MAX_ID_CHARS = 200;

export const id = z.string().min(1).max(MAX_ID_CHARS).regex(ID_PATTERN, 'Must use only A-Z a-z 0-9 _ . : -');

// Printable text from merchants' systems: any characters but control characters.
export const externalId = z
  .string()
  .min(1)
  .max(MAX_ID_CHARS)
  .regex(/^\P{Cc}+$/u, 'Must not contain control characters');

export const sku = externalId.max(100).describe('Stock-keeping unit as the merchant spells it');

export const timestamp = z.iso.datetime({ error: 'Must be an ISO 8601 UTC timestamp ending in Z' });

/** Non-negative decimal: up to 15 integer digits and 6 fractional digits, no exponent, no sign. */
export const decimalString = z
  .string()
  .regex(/^(0|[1-9]\d{0,14})(\.\d{1,6})?$/, 'Must be a non-negative decimal string such as "12.5"');

export const count = z.number().int().nonnegative();

export const unitOfMeasure = z
  .string()
  .min(1)
  .max(20)
  .regex(/^[a-z][a-z0-9_]*$/, 'Must be a lower-case unit code such as "each" or "kg"')
  .describe('Unit of measure of the quantities, e.g. "each", "case", "kg"');

export const shortText = z.string().min(1).max(500);
