// Kubernetes label selectors, with the real API server's grammar and meaning: `k=v`, `k==v`, `k!=v`,
// `k in (a,b)`, `k notin (a,b)`, `k`, `!k`, `k>1`, `k<1`, joined by commas, whitespace anywhere between
// tokens. `!=` and `notin` also match objects without the label. The one parser of the project: the
// engine matches backend pods with it, the options builder validates with it, the sandbox's API server
// answers `?labelSelector=` with it. Pure; bad input throws LabelSelectorSyntaxError, whose `detail`
// is worded as the API server's "unable to parse requirement: …".

export type Labels = Record<string, string> | undefined;

export type LabelOperator = 'exists' | '!' | '=' | '!=' | 'in' | 'notin' | '>' | '<';

export interface LabelRequirement {
  key: string;
  operator: LabelOperator;
  values: string[];
}

export interface LabelSelector {
  readonly requirements: readonly LabelRequirement[];
  matches(labels: Labels): boolean;
}

export class LabelSelectorSyntaxError extends Error {
  constructor(
    readonly selector: string,
    readonly detail: string,
  ) {
    super(`invalid label selector "${selector}": ${detail}`);
    this.name = 'LabelSelectorSyntaxError';
  }
}

export const EVERYTHING: LabelSelector = { requirements: [], matches: () => true };

/** An empty (or blank) selector selects everything, as on the API server. */
export function parseLabelSelector(text: string | undefined | null): LabelSelector {
  if (!text || text.trim() === '') return EVERYTHING;
  const requirements = new Parser(text).parse();
  return { requirements, matches: (labels) => requirements.every((r) => requirementMatches(r, labels ?? {})) };
}

function requirementMatches(r: LabelRequirement, labels: Record<string, string>): boolean {
  const has = Object.hasOwn(labels, r.key);
  const value = labels[r.key];
  switch (r.operator) {
    case 'exists':
      return has;
    case '!':
      return !has;
    case '=':
    case 'in':
      return has && r.values.includes(value!);
    case '!=':
    case 'notin':
      return !has || !r.values.includes(value!);
    case '>':
    case '<': {
      const n = has ? int64(value!) : null;
      const bound = int64(r.values[0]!);
      if (n === null || bound === null) return false;
      return r.operator === '>' ? n > bound : n < bound;
    }
  }
}

/**
 * A decimal integer as Go's strconv.ParseInt(text, 10, 64) reads it, which the API server uses for
 * `>` and `<` on both sides: an optional sign, digits, within int64; null otherwise. As a bigint, so
 * values beyond 2^53 compare exactly.
 */
function int64(text: string): bigint | null {
  if (!/^[+-]?\d+$/.test(text)) return null;
  const n = BigInt(text);
  return n >= -(2n ** 63n) && n < 2n ** 63n ? n : null;
}

// Characters that end an identifier, as in the Go lexer.
const SPECIAL = new Set(['!', '=', ',', '(', ')', '<', '>']);

type Token = { kind: 'identifier'; text: string } | { kind: 'symbol'; text: string } | { kind: 'end'; text: '' };

class Parser {
  private readonly tokens: Token[];
  private position = 0;

  constructor(private readonly text: string) {
    this.tokens = tokenize(text);
  }

  parse(): LabelRequirement[] {
    const requirements: LabelRequirement[] = [];
    for (;;) {
      requirements.push(this.requirement());
      const next = this.take();
      if (next.kind === 'end') return requirements;
      if (next.text !== ',') this.fail(`found '${next.text}', expected: ',' or 'end of string'`);
    }
  }

  private requirement(): LabelRequirement {
    const first = this.take();
    if (first.kind === 'symbol' && first.text === '!') {
      return { key: this.key(this.take()), operator: '!', values: [] };
    }
    const key = this.key(first);
    const op = this.peek();
    if (op.kind === 'end' || op.text === ',') return { key, operator: 'exists', values: [] };
    this.take();
    switch (op.text) {
      case '=':
      case '==':
      case '!=':
        return { key, operator: op.text === '!=' ? '!=' : '=', values: [this.singleValue()] };
      case 'in':
      case 'notin':
        return { key, operator: op.text, values: this.valueSet(op.text) };
      case '>':
      case '<': {
        const bound = this.take();
        if (bound.kind !== 'identifier' || int64(bound.text) === null) {
          this.fail(`for 'Gt', 'Lt' operators, the value must be an integer, found '${bound.text}'`);
        }
        return { key, operator: op.text, values: [bound.text] };
      }
      default:
        return this.fail(`found '${op.text}', expected: '=', '!=', '==', 'in', notin'`);
    }
  }

  private key(token: Token): string {
    if (token.kind !== 'identifier') this.fail(`found '${token.text}', expected: identifier`);
    if (!validLabelKey(token.text)) {
      this.fail(
        `key: Invalid value: "${token.text}": name part must consist of alphanumeric characters, '-', '_' or '.', ` +
          `and must start and end with an alphanumeric character`,
      );
    }
    return token.text;
  }

  /** After `=`: one value, or the empty value when the requirement ends right there. */
  private singleValue(): string {
    const next = this.peek();
    if (next.kind === 'end' || next.text === ',') return '';
    const value = this.take();
    if (value.kind !== 'identifier') this.fail(`found '${value.text}', expected: identifier`);
    return this.value(value.text);
  }

  private valueSet(operator: string): string[] {
    const open = this.take();
    if (open.text !== '(') this.fail(`found '${open.text}', expected: '('`);
    const values: string[] = [];
    for (;;) {
      const token = this.take();
      if (token.text === ')' && values.length === 0) this.fail(`for '${operator}' operator, values set can't be empty`);
      if (token.kind !== 'identifier') this.fail(`found '${token.text}', expected: identifier`);
      values.push(this.value(token.text));
      const separator = this.take();
      if (separator.text === ')') return values;
      if (separator.text !== ',') this.fail(`found '${separator.text}', expected: ',' or ')'`);
    }
  }

  private value(text: string): string {
    if (validLabelValue(text)) return text;
    return this.fail(
      `values[0]: Invalid value: "${text}": a valid label must be an empty string or consist of alphanumeric ` +
        `characters, '-', '_' or '.', and must start and end with an alphanumeric character`,
    );
  }

  private peek(): Token {
    return this.tokens[this.position]!;
  }

  private take(): Token {
    const token = this.tokens[this.position]!;
    if (token.kind !== 'end') this.position++;
    return token;
  }

  private fail(detail: string): never {
    throw new LabelSelectorSyntaxError(this.text, detail);
  }
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '=' || c === '!') {
      const two = text.slice(i, i + 2);
      const symbol = two === '==' || two === '!=' ? two : c;
      tokens.push({ kind: 'symbol', text: symbol });
      i += symbol.length;
    } else if (SPECIAL.has(c)) {
      tokens.push({ kind: 'symbol', text: c });
      i++;
    } else {
      let j = i;
      while (j < text.length && !SPECIAL.has(text[j]!) && !/\s/.test(text[j]!)) j++;
      // `in` and `notin` are keywords only where an operator may stand; the parser decides by position.
      tokens.push({ kind: 'identifier', text: text.slice(i, j) });
      i = j;
    }
  }
  tokens.push({ kind: 'end', text: '' });
  return tokens;
}

const NAME_PART = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** `name` or `prefix/name`: a DNS subdomain prefix (≤ 253) and a name part (≤ 63). */
export function validLabelKey(key: string): boolean {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  const prefixOk = prefix === undefined || (prefix.length <= 253 && DNS_SUBDOMAIN.test(prefix));
  return prefixOk && name.length <= 63 && NAME_PART.test(name);
}

/** Empty, or ≤ 63 alphanumerics, `-`, `_`, `.`, starting and ending alphanumeric. */
export function validLabelValue(value: string): boolean {
  return value === '' || (value.length <= 63 && NAME_PART.test(value));
}
