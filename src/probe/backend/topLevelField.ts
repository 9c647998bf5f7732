// Finds one field of a JSON object in text that may stop anywhere: the first bytes of an answer too long
// to read whole. JSON.parse cannot read a cut document, and a plain search for `"job_id":` would also
// find the name inside a nested object or a string. This walks the top level of the object only,
// skipping each other member's value (strings, nesting) in one linear pass over what was read, so it
// costs no more than reading the bytes did.

export type TopLevelField =
  /** The field is there; its value if it is a string or a number, else null (an object, null, true…). */
  | { kind: 'found'; value: string | number | null }
  /** The object (as far as it was read) has no such member. `keys`: the members it does have, in order (at most 20). */
  | { kind: 'absent'; keys: string[]; complete: boolean }
  /** The text does not begin as a JSON object, or breaks the grammar before the field. */
  | { kind: 'not_object' };

const MAX_KEYS = 20;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const WHITESPACE = /[ \t\n\r]*/y;
/** What a nested value's end depends on: strings (which may hold brackets) and brackets. */
const STRUCTURE = /["{}[\]]/g;
const SCALAR_END = /[,}\]\s]/g;

/** Thrown inside the walk when the text ends before what it was reading did. */
class TextEnded extends Error {}
/** Thrown inside the walk when the text is not JSON where it stands. */
class NotJson extends Error {}

export function findTopLevelField(text: string, field: string): TopLevelField {
  let i = 0;
  const keys: string[] = [];

  const skipWhitespace = () => {
    WHITESPACE.lastIndex = i;
    WHITESPACE.test(text);
    i = WHITESPACE.lastIndex;
    if (i >= text.length) throw new TextEnded();
  };
  const expect = (char: string) => {
    skipWhitespace();
    if (text[i] !== char) throw new NotJson();
    i += 1;
  };
  /** The end (exclusive) of the string whose opening quote is at `i`. */
  const stringEnd = (): number => {
    let j = i + 1;
    for (;;) {
      const quote = text.indexOf('"', j);
      if (quote < 0) throw new TextEnded();
      // An odd number of backslashes before it escapes the quote.
      let backslashes = 0;
      while (text[quote - 1 - backslashes] === '\\') backslashes += 1;
      if (backslashes % 2 === 0) return quote + 1;
      j = quote + 1;
    }
  };
  const readString = (): string => {
    const end = stringEnd();
    const value = JSON.parse(text.slice(i, end)) as string;
    i = end;
    return value;
  };
  /** Skips any JSON value starting at `i` (after whitespace), nesting included; native scans between the structural characters. */
  const skipValue = () => {
    skipWhitespace();
    if (!'{["'.includes(text[i]!)) {
      // A scalar (number, true, false, null): up to the next delimiter.
      SCALAR_END.lastIndex = i;
      const end = SCALAR_END.exec(text);
      if (!end) throw new TextEnded();
      if (end.index === i) throw new NotJson();
      i = end.index;
      return;
    }
    let depth = 0;
    do {
      STRUCTURE.lastIndex = i;
      const next = STRUCTURE.exec(text);
      if (!next) throw new TextEnded();
      i = next.index;
      const c = text[i];
      if (c === '"') i = stringEnd();
      else {
        depth += c === '{' || c === '[' ? 1 : -1;
        i += 1;
      }
    } while (depth > 0);
  };
  const readFieldValue = (): string | number | null => {
    skipWhitespace();
    if (text[i] === '"') return readString();
    NUMBER.lastIndex = i;
    if (NUMBER.test(text)) {
      // A number that runs to the end of what was read may have more digits after it.
      if (NUMBER.lastIndex >= text.length) throw new TextEnded();
      return Number(text.slice(i, NUMBER.lastIndex));
    }
    return null;
  };

  try {
    expect('{');
    skipWhitespace();
    if (text[i] === '}') return { kind: 'absent', keys, complete: true };
    for (;;) {
      skipWhitespace();
      if (text[i] !== '"') throw new NotJson();
      const key = readString();
      expect(':');
      if (key === field) return { kind: 'found', value: readFieldValue() };
      if (keys.length < MAX_KEYS) keys.push(key);
      skipValue();
      skipWhitespace();
      if (text[i] === '}') return { kind: 'absent', keys, complete: true };
      if (text[i] !== ',') throw new NotJson();
      i += 1;
    }
  } catch (e) {
    if (e instanceof TextEnded) return ended(text, keys);
    if (e instanceof NotJson || e instanceof SyntaxError) return { kind: 'not_object' };
    throw e;
  }
}

/** The text ran out: an object cut short, unless it never began as one. */
function ended(text: string, keys: string[]): TopLevelField {
  return /^[ \t\n\r]*\{/.test(text) ? { kind: 'absent', keys, complete: false } : { kind: 'not_object' };
}
