/**
 * Exact decimal strings for quantities and prices: parsed, compared and converted as text, never
 * through floating point, so `"0.1"`, `"-3"` and `"12345678901234567890"` stay exactly what the
 * provider sent.
 */

const DECIMAL = /^([+-])?(\d+)(?:\.(\d+))?$/;

interface ParsedDecimal {
  readonly negative: boolean;
  /** Integer digits without leading zeros ('' for zero). */
  readonly integer: string;
  /** Fraction digits without trailing zeros. */
  readonly fraction: string;
}

function parse(text: string): ParsedDecimal | undefined {
  const match = DECIMAL.exec(text.trim());
  if (!match) return undefined;
  const integer = (match[2] ?? '').replace(/^0+/, '');
  const fraction = (match[3] ?? '').replace(/0+$/, '');
  const zero = integer === '' && fraction === '';
  return { negative: match[1] === '-' && !zero, integer, fraction };
}

export function isDecimal(text: string): boolean {
  return parse(text) !== undefined;
}

/** `"007.50"` → `"7.5"`, `"-0"` → `"0"`; undefined when the text is not a decimal. */
export function canonicalDecimal(text: string): string | undefined {
  const parsed = parse(text);
  if (!parsed) return undefined;
  return `${parsed.negative ? '-' : ''}${parsed.integer || '0'}${parsed.fraction ? `.${parsed.fraction}` : ''}`;
}

function compareMagnitude(a: ParsedDecimal, b: ParsedDecimal): number {
  if (a.integer.length !== b.integer.length) return a.integer.length < b.integer.length ? -1 : 1;
  if (a.integer !== b.integer) return a.integer < b.integer ? -1 : 1;
  const width = Math.max(a.fraction.length, b.fraction.length);
  const fa = a.fraction.padEnd(width, '0');
  const fb = b.fraction.padEnd(width, '0');
  return fa === fb ? 0 : fa < fb ? -1 : 1;
}

/** -1, 0 or 1 as `a` is less than, equal to or greater than `b`. Throws on a non-decimal. */
export function compareDecimals(a: string, b: string): number {
  const pa = parse(a);
  const pb = parse(b);
  if (!pa || !pb) throw new TypeError(`Not a decimal: ${pa ? b : a}`);
  if (pa.negative !== pb.negative) return pa.negative ? -1 : 1;
  const magnitude = compareMagnitude(pa, pb);
  return pa.negative ? -magnitude : magnitude;
}

/**
 * A non-negative decimal with at most `maxFractionDigits` digits after the point: negatives become
 * `"0"` and extra fraction digits are cut (never rounded up). For event fields that must not be negative.
 */
export function nonNegativeDecimal(text: string, maxFractionDigits = 6): string {
  const parsed = parse(text);
  if (!parsed || parsed.negative) return '0';
  const fraction = parsed.fraction.slice(0, maxFractionDigits).replace(/0+$/, '');
  return `${parsed.integer || '0'}${fraction ? `.${fraction}` : ''}`;
}

// ISO 4217 currencies whose minor unit is not 1/100 (everything else has two decimals).
const MINOR_UNIT_DIGITS: Record<string, number> = {
  BIF: 0,
  CLP: 0,
  DJF: 0,
  GNF: 0,
  ISK: 0,
  JPY: 0,
  KMF: 0,
  KRW: 0,
  PYG: 0,
  RWF: 0,
  UGX: 0,
  UYI: 0,
  VND: 0,
  VUV: 0,
  XAF: 0,
  XOF: 0,
  XPF: 0,
  BHD: 3,
  IQD: 3,
  JOD: 3,
  KWD: 3,
  LYD: 3,
  OMR: 3,
  TND: 3,
  CLF: 4,
  UYW: 4,
};

/**
 * Square's `price_money.amount` (an integer in the currency's smallest unit) as a decimal in major
 * units, with the currency's own number of decimals: 1999 USD → "19.99", 450 USD → "4.50", 500 JPY → "500".
 */
export function minorUnitsToDecimal(amount: string, currency: string): string | undefined {
  const match = /^(-)?(\d+)$/.exec(amount.trim());
  if (!match) return undefined;
  const digits = MINOR_UNIT_DIGITS[currency.toUpperCase()] ?? 2;
  const padded = (match[2] ?? '0').padStart(digits + 1, '0');
  const integer = padded.slice(0, padded.length - digits).replace(/^0+(?=\d)/, '');
  const fraction = padded.slice(padded.length - digits);
  const negative = match[1] === '-' && /[1-9]/.test(padded);
  return `${negative ? '-' : ''}${integer}${digits > 0 ? `.${fraction}` : ''}`;
}
