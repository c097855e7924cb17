/**
 * Edits primitive values of a JSON text in place, leaving every other byte as it was: formatting,
 * key order, and numbers `JSON.parse` would round (64-bit ids) all survive, which a parse-and-
 * stringify round trip would not. Used to build provider events from fixtures for local testing.
 */

/** Keys and array indices from the root to a value: `['variants', 0, 'price']`. */
export type JsonPath = readonly (string | number)[];

/**
 * Called for every string, number, boolean and null with its path and exact source text; returns
 * the replacement's JSON text (`JSON.stringify(value)`), or undefined to keep it.
 */
export type JsonValueEdit = (path: JsonPath, raw: string) => string | undefined;

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);
const VALUE_END = new Set([' ', '\t', '\n', '\r', ',', ']', '}']);

export function editJsonText(text: string, edit: JsonValueEdit): string {
  // Only valid JSON is walked, so the walk below can trust the grammar.
  JSON.parse(text);
  let out = '';
  let copiedUpTo = 0;
  let index = 0;

  const skipWhitespace = () => {
    while (index < text.length && WHITESPACE.has(text[index] as string)) index += 1;
  };
  const endOfString = (start: number) => {
    let cursor = start + 1;
    while (text[cursor] !== '"') cursor += text[cursor] === '\\' ? 2 : 1;
    return cursor + 1;
  };

  function value(path: JsonPath): void {
    skipWhitespace();
    const char = text[index];
    if (char === '{' || char === '[') {
      const close = char === '{' ? '}' : ']';
      index += 1;
      skipWhitespace();
      if (text[index] === close) {
        index += 1;
        return;
      }
      for (let position = 0; ; position += 1) {
        if (char === '{') {
          skipWhitespace();
          const keyStart = index;
          index = endOfString(index);
          const key = JSON.parse(text.slice(keyStart, index)) as string;
          skipWhitespace();
          index += 1; // ':'
          value([...path, key]);
        } else {
          value([...path, position]);
        }
        skipWhitespace();
        const separator = text[index];
        index += 1;
        if (separator !== ',') return;
      }
    }
    const start = index;
    if (char === '"') index = endOfString(index);
    else while (index < text.length && !VALUE_END.has(text[index] as string)) index += 1;
    const replacement = edit(path, text.slice(start, index));
    if (replacement !== undefined) {
      out += text.slice(copiedUpTo, start) + replacement;
      copiedUpTo = index;
    }
  }

  value([]);
  return out + text.slice(copiedUpTo);
}

/** Whether `path` is `pattern`, where `'*'` in the pattern matches any key or index. */
export function pathMatches(path: JsonPath, ...pattern: readonly (string | number)[]): boolean {
  return path.length === pattern.length && pattern.every((part, position) => part === '*' || part === path[position]);
}
