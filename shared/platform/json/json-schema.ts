import * as z from 'zod';

/** A JSON Schema (2020-12) document or subschema, as plain JSON. */
export type JsonSchema = { [key: string]: unknown };

export interface JsonSchemaOptions {
  /** `input` for what a handler accepts (defaults and coercions optional), `output` for what it answers. */
  readonly io: 'input' | 'output';
  /** Drops every `additionalProperties: false`, so receivers validating with it tolerate new fields. */
  readonly open?: boolean;
}

/**
 * JSON Schema 2020-12 (the dialect of OpenAPI 3.1) from a zod schema, without the `$schema` key so
 * it can sit inside a larger document. Transforms and refinements are not representable and are left
 * out: the schema describes the shape, the handler still enforces the rest.
 */
export function toJsonSchema(schema: z.ZodType, options: JsonSchemaOptions): JsonSchema {
  const generated = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io: options.io,
    unrepresentable: 'any',
  }) as JsonSchema;
  delete generated.$schema;
  return options.open ? openObjects(generated) : generated;
}

function openObjects(node: unknown): JsonSchema {
  return strip(node) as JsonSchema;
  function strip(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(strip);
    if (typeof value !== 'object' || value === null) return value;
    const result: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) {
      if (key === 'additionalProperties' && child === false) continue;
      // Examples are data, not schemas: leave them as they are.
      result[key] =
        key === 'examples' || key === 'example' || key === 'default' || key === 'const' || key === 'enum'
          ? child
          : strip(child);
    }
    return result;
  }
}
