// Label selectors with the real apiserver's grammar and meaning (`!=` and `notin` also match objects
// without the label). Bad input throws a 400 BadRequest ApiError, as the real server answers.
// Field selectors live in fieldSelectors.ts and are re-exported here: import both from this module.
import { badRequest } from './apiStatus';

export { parseFieldSelector, type FieldSelector } from './fieldSelectors';

export type Labels = Record<string, string> | undefined;

type LabelOperator = 'exists' | '!' | '=' | '!=' | 'in' | 'notin' | '>' | '<';

interface Requirement {
  key: string;
  operator: LabelOperator;
  values: string[];
}

export interface LabelSelector {
  matches(labels: Labels): boolean;
}

export const EVERYTHING: LabelSelector = { matches: () => true };

export function parseLabelSelector(text: string | undefined | null): LabelSelector {
  if (!text || text.trim() === '') return EVERYTHING;
  const requirements = new LabelSelectorParser(text).parse();
  return { matches: (labels) => requirements.every((r) => requirementMatches(r, labels ?? {})) };
}

function requirementMatches(r: Requirement, labels: Record<string, string>): boolean {
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
      if (!has || !/^-?\d+$/.test(value!)) return false;
      const n = Number(value);
      const bound = Number(r.values[0]);
      return r.operator === '>' ? n > bound : n < bound;
    }
  }
}

// Characters that end an identifier, as in the Go lexer.
const SPECIAL = new Set(['!', '=', ',', '(', ')', '<', '>', ' ', '\t', '\n', '\r']);

type Token = { kind: 'identifier'; text: string } | { kind: 'symbol'; text: string } | { kind: 'end'; text: '' };

class LabelSelectorParser {
  private readonly tokens: Token[];
  private position = 0;

  constructor(text: string) {
    this.tokens = tokenize(text);
  }

  parse(): Requirement[] {
    const requirements: Requirement[] = [];
    for (;;) {
      requirements.push(this.requirement());
      const next = this.take();
      if (next.kind === 'end') return requirements;
      if (next.text !== ',') fail(`found '${next.text}', expected: ',' or 'end of string'`);
    }
  }

  private requirement(): Requirement {
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
        if (bound.kind !== 'identifier' || !/^-?\d+$/.test(bound.text)) {
          fail(`for 'Gt', 'Lt' operators, the value must be an integer, found '${bound.text}'`);
        }
        return { key, operator: op.text, values: [bound.text] };
      }
      default:
        return fail(`found '${op.text}', expected: '=', '!=', '==', 'in', notin'`);
    }
  }

  private key(token: Token): string {
    if (token.kind !== 'identifier') fail(`found '${token.text}', expected: identifier`);
    validateLabelKey(token.text);
    return token.text;
  }

  /** After `=`: one value, or the empty value when the requirement ends right there. */
  private singleValue(): string {
    const next = this.peek();
    if (next.kind === 'end' || next.text === ',') return '';
    const value = this.take();
    if (value.kind !== 'identifier') fail(`found '${value.text}', expected: identifier`);
    validateLabelValue(value.text);
    return value.text;
  }

  private valueSet(operator: string): string[] {
    if (this.take().text !== '(') fail(`found '${this.tokens[this.position - 1]!.text}', expected: '('`);
    const values: string[] = [];
    for (;;) {
      const token = this.take();
      if (token.text === ')' && values.length === 0) fail(`for '${operator}' operator, values set can't be empty`);
      if (token.kind !== 'identifier') fail(`found '${token.text}', expected: identifier`);
      validateLabelValue(token.text);
      values.push(token.text);
      const separator = this.take();
      if (separator.text === ')') return values;
      if (separator.text !== ',') fail(`found '${separator.text}', expected: ',' or ')'`);
    }
  }

  private peek(): Token {
    return this.tokens[this.position]!;
  }

  private take(): Token {
    const token = this.tokens[this.position]!;
    if (token.kind !== 'end') this.position++;
    return token;
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
      const word = text.slice(i, j);
      // `in` and `notin` are keywords only where an operator may stand; the parser decides by position.
      tokens.push({ kind: 'identifier', text: word });
      i = j;
    }
  }
  tokens.push({ kind: 'end', text: '' });
  return tokens;
}

const NAME_PART = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function validateLabelKey(key: string): void {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  const prefixOk = prefix === undefined || (prefix.length <= 253 && DNS_SUBDOMAIN.test(prefix));
  if (!prefixOk || name.length > 63 || !NAME_PART.test(name)) {
    fail(
      `key: Invalid value: "${key}": name part must consist of alphanumeric characters, '-', '_' or '.', ` +
        `and must start and end with an alphanumeric character`,
    );
  }
}

function validateLabelValue(value: string): void {
  if (value === '' || (value.length <= 63 && NAME_PART.test(value))) return;
  fail(
    `values[0]: Invalid value: "${value}": a valid label must be an empty string or consist of alphanumeric ` +
      `characters, '-', '_' or '.', and must start and end with an alphanumeric character`,
  );
}

function fail(detail: string): never {
  throw badRequest(`unable to parse requirement: ${detail}`);
}
