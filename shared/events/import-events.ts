import * as z from 'zod';
import { count, id, shortText, timestamp } from './fields';

/**
 * Catalog imports: a merchant's products, inventory or locations arriving from a file or another
 * platform. `completed` means every row was applied, `partial` that some rows failed and the rest
 * were applied, `failed` that the import as a whole stopped (unreadable file, lost credentials).
 * Error samples are capped so the payload stays well under the 20 KB the spec recommends; the full
 * report is fetched through the API by `importId`.
 */

export const IMPORT_SOURCES = ['csv_upload', 'sftp', 'api', 'shopify', 'square'] as const;
export const IMPORT_RESOURCES = ['products', 'inventory', 'locations', 'suppliers', 'purchase_orders'] as const;
export const MAX_ERROR_SAMPLES = 20;

const rowCounts = z
  .strictObject({
    total: count,
    created: count,
    updated: count,
    skipped: count.describe('Rows identical to what was already stored'),
    failed: count,
  })
  .refine((rows) => rows.created + rows.updated + rows.skipped + rows.failed === rows.total, {
    message: 'created + updated + skipped + failed must equal total',
    path: ['total'],
  });

const errorSample = z.strictObject({
  row: z.number().int().positive().nullable().describe('1-based row (line) number in the source, when known'),
  field: z.string().min(1).max(100).nullable().describe('Source column or attribute, when the error is about one'),
  code: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,63}$/)
    .describe('Stable error code, e.g. "invalid_sku"'),
  message: shortText,
});

const errorSamples = z.array(errorSample).max(MAX_ERROR_SAMPLES).describe(`At most ${MAX_ERROR_SAMPLES} sample errors`);

const importFields = {
  importId: id,
  source: z.enum(IMPORT_SOURCES),
  resource: z.enum(IMPORT_RESOURCES),
  fileName: z.string().min(1).max(255).nullable().describe('Name of the uploaded file, for file-based sources'),
  startedAt: timestamp,
};

export const importCompleted = z
  .strictObject({ ...importFields, completedAt: timestamp, rows: rowCounts })
  .refine((data) => data.rows.failed === 0, {
    message: 'A completed import has no failed rows',
    path: ['rows', 'failed'],
  });

export const importPartial = z
  .strictObject({ ...importFields, completedAt: timestamp, rows: rowCounts, errorSamples: errorSamples.min(1) })
  .refine((data) => data.rows.failed > 0, {
    message: 'A partial import has at least one failed row',
    path: ['rows', 'failed'],
  });

export const importFailed = z.strictObject({
  ...importFields,
  failedAt: timestamp,
  error: z.strictObject({ code: errorSample.shape.code, message: shortText }).describe('Why the import stopped'),
  rows: rowCounts
    .nullable()
    .describe('Rows processed before the import stopped; null when it stopped before reading any'),
  errorSamples,
});
