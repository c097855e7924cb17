import * as z from 'zod';

/**
 * JSON parsing that keeps 64-bit ids exact. `JSON.parse` turns Shopify's `788032119674292922` into
 * `788032119674292900`; `parseLosslessJson` returns every integer literal whose value is beyond
 * Number.MAX_SAFE_INTEGER (either sign) as a **string of its digits** instead, and everything else
 * exactly as `JSON.parse` does (every other number stays a JS number).
 *
 * Strings rather than bigint: ids are identifiers, not quantities, and strings survive
 * `JSON.stringify`, DynamoDB and zod without special cases. Read an id with `jsonIdSchema`, which
 * accepts both forms (small ids stay numbers) and always yields a string.
 *
 * How: a small tokenizer walks the text once, skipping over strings (so digits and escaped quotes
 * inside them are never mistaken for numbers), and notes each integer literal that is too large and
 * stands where a value stands (after `:`, `[`, the start, or a `,` inside an array). If there are
 * none, the text goes to `JSON.parse` untouched; otherwise those literals are wrapped in quotes and
 * the result goes to `JSON.parse`. The native parser therefore still does all validation, string
 * decoding, `__proto__` handling and duplicate keys; a number is only ever quoted in a value
 * position, where a string is equally valid, so the rewrite can neither make invalid JSON valid nor
 * valid JSON invalid. Numbers with a fraction or an exponent are not integers lexically and stay
 * (possibly imprecise) JS numbers, as with `JSON.parse`.
 */

/** `-? (0 | [1-9][0-9]*) (.[0-9]+)? ([eE][+-]?[0-9]+)?`, RFC 8259 §6, anchored at `lastIndex`. */
const NUMBER = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;
/** What may follow a number in valid JSON: whitespace, `,`, `]`, `}`, or the end. */
const AFTER_VALUE = new Set([' ', '\t', '\n', '\r', ',', ']', '}']);

type Container = 'object' | 'array';

/** Start offsets and ends of integer literals that `JSON.parse` would round. */
function unsafeIntegerSpans(text: string): [number, number][] {
  const spans: [number, number][] = [];
  const stack: Container[] = [];
  // The previous significant character outside strings; '' at the start.
  let previous = '';
  let index = 0;
  while (index < text.length) {
    const char = text[index] as string;
    if (char === ' ' || char === '\t' || char === '\n' || char === '\r') {
      index += 1;
      continue;
    }
    if (char === '"') {
      index += 1;
      while (index < text.length && text[index] !== '"') index += text[index] === '\\' ? 2 : 1;
      index += 1;
      previous = '"';
      continue;
    }
    if (char === '-' || (char >= '0' && char <= '9')) {
      NUMBER.lastIndex = index;
      const match = NUMBER.exec(text);
      if (!match) {
        // Not a number (a lone "-"): JSON.parse reports it.
        previous = char;
        index += 1;
        continue;
      }
      const end = index + match[0].length;
      const isInteger = match[1] === undefined && match[2] === undefined;
      const inValuePosition =
        previous === '' || previous === ':' || previous === '[' || (previous === ',' && stack.at(-1) === 'array');
      const delimited = end === text.length || AFTER_VALUE.has(text[end] as string);
      if (isInteger && inValuePosition && delimited && !Number.isSafeInteger(Number(match[0])))
        spans.push([index, end]);
      previous = '0';
      index = end;
      continue;
    }
    if (char === '{') stack.push('object');
    else if (char === '[') stack.push('array');
    else if (char === '}' || char === ']') stack.pop();
    previous = char;
    index += 1;
  }
  return spans;
}

/** Parses JSON text (or UTF-8 bytes); integers beyond ±(2^53 − 1) come back as digit strings. */
export function parseLosslessJson(input: string | Uint8Array): unknown {
  const text =
    typeof input === 'string' ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString('utf8');
  const spans = unsafeIntegerSpans(text);
  if (spans.length === 0) return JSON.parse(text);
  let rewritten = '';
  let from = 0;
  for (const [start, end] of spans) {
    rewritten += `${text.slice(from, start)}"${text.slice(start, end)}"`;
    from = end;
  }
  return JSON.parse(rewritten + text.slice(from));
}

/** Whether `JSON.parse` would lose precision on this text (an integer beyond the safe range in a value position). */
export function hasUnsafeIntegers(text: string): boolean {
  return unsafeIntegerSpans(text).length > 0;
}

/**
 * A numeric id as `parseLosslessJson` returns it: a safe integer (number) or a big one (digit
 * string). Always yields the decimal string, so ids compare and store the same whatever their size.
 */
// A pure call, so bundles that only parse (the sources ingest) leave zod out.
export const jsonIdSchema = /* @__PURE__ */ (() =>
  z.union([z.number().int(), z.string().regex(/^-?\d+$/, 'must be an integer')]).transform((value) => String(value)))();
