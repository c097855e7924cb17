/**
 * Plain values to DynamoDB's typed JSON (`{"S": "…"}`, `{"N": "12"}`, …) and back, as the document
 * client (`@aws-sdk/lib-dynamodb`, `removeUndefinedValues`) converts them, for the lean DynamoDB client
 * of the ingest functions (lean-dynamodb.ts). Pure functions; test/unit/shared/dynamodb-json.test.ts
 * checks them against the SDK's own `marshall`/`unmarshall`.
 */

export type AttributeValue =
  | { S: string }
  | { N: string }
  | { B: string }
  | { BOOL: boolean }
  | { NULL: true }
  | { L: AttributeValue[] }
  | { M: Record<string, AttributeValue> }
  | { SS: string[] }
  | { NS: string[] }
  | { BS: string[] };

export type AttributeMap = Record<string, AttributeValue>;

function numberText(value: number | bigint): string {
  if (typeof value === 'number' && !Number.isFinite(value))
    throw new TypeError(`${value} cannot be stored in DynamoDB`);
  return String(value);
}

const isBytes = (value: unknown): value is Uint8Array => value instanceof Uint8Array;
const base64 = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');

function setToAttribute(set: Set<unknown>): AttributeValue {
  const members = [...set];
  if (members.length === 0) throw new TypeError('An empty set cannot be stored in DynamoDB');
  if (members.every((member) => typeof member === 'string')) return { SS: members };
  if (members.every((member) => typeof member === 'number' || typeof member === 'bigint'))
    return { NS: members.map(numberText) };
  if (members.every(isBytes)) return { BS: members.map(base64) };
  throw new TypeError('A set must hold only strings, only numbers or only binary values');
}

/** One value; undefined for `undefined` (left out of maps and lists, as with `removeUndefinedValues`). */
export function toAttribute(value: unknown): AttributeValue | undefined {
  if (value === undefined) return undefined;
  if (value === null) return { NULL: true };
  switch (typeof value) {
    case 'string':
      return { S: value };
    case 'number':
    case 'bigint':
      return { N: numberText(value) };
    case 'boolean':
      return { BOOL: value };
    case 'object':
      break;
    default:
      throw new TypeError(`A ${typeof value} cannot be stored in DynamoDB`);
  }
  if (isBytes(value)) return { B: base64(value) };
  if (value instanceof Set) return setToAttribute(value);
  if (Array.isArray(value))
    return { L: value.map(toAttribute).filter((item): item is AttributeValue => item !== undefined) };
  return { M: toAttributeMap(value as Record<string, unknown>) };
}

export function toAttributeMap(item: Readonly<Record<string, unknown>>): AttributeMap {
  const map: AttributeMap = {};
  for (const [name, value] of Object.entries(item)) {
    const attribute = toAttribute(value);
    if (attribute !== undefined) map[name] = attribute;
  }
  return map;
}

/** As the document client reads numbers: a JS number, refused when it would lose precision. */
function fromNumber(text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || (Number.isInteger(value) && !Number.isSafeInteger(value) && !/[.eE]/.test(text)))
    throw new RangeError(`The stored number ${text} cannot be read as a JS number without losing precision`);
  return value;
}

export function fromAttribute(attribute: AttributeValue): unknown {
  if ('S' in attribute) return attribute.S;
  if ('N' in attribute) return fromNumber(attribute.N);
  if ('BOOL' in attribute) return attribute.BOOL;
  if ('NULL' in attribute) return null;
  if ('M' in attribute) return fromAttributeMap(attribute.M);
  if ('L' in attribute) return attribute.L.map(fromAttribute);
  if ('B' in attribute) return new Uint8Array(Buffer.from(attribute.B, 'base64'));
  if ('SS' in attribute) return new Set(attribute.SS);
  if ('NS' in attribute) return new Set(attribute.NS.map(fromNumber));
  if ('BS' in attribute) return new Set(attribute.BS.map((item) => new Uint8Array(Buffer.from(item, 'base64'))));
  throw new TypeError(`Unknown DynamoDB attribute type ${Object.keys(attribute).join(',')}`);
}

export function fromAttributeMap(map: Readonly<AttributeMap>): Record<string, unknown> {
  const item: Record<string, unknown> = {};
  for (const [name, attribute] of Object.entries(map)) item[name] = fromAttribute(attribute);
  return item;
}
