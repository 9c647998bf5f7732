// Properties of label selectors: a selector written from generated requirements (any operator, any
// spacing) parses back to them and matches exactly the label maps an independent reading of the API
// server's rules accepts; any other text parses or fails with LabelSelectorSyntaxError, nothing else.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { LabelSelectorSyntaxError, parseLabelSelector } from '../../../src/probe/labelSelector';

type Op = '=' | '==' | '!=' | 'in' | 'notin' | 'exists' | '!' | '>' | '<';
interface Req {
  key: string;
  op: Op;
  values: string[];
}

const namePart = fc.oneof(
  fc.constantFrom('app', 'tier', 'job-name', 'a', 'b.c', 'x_y', 'A1'),
  fc.stringMatching(/^[A-Za-z0-9]([-A-Za-z0-9_.]{0,12}[A-Za-z0-9])?$/),
);
const key = fc.oneof(
  { weight: 3, arbitrary: namePart },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('example.com', 'k8s.io', 'a-b.c0'), namePart).map(([p, n]) => `${p}/${n}`) },
);
const value = fc.oneof(
  fc.constantFrom('v', 'prod', 'grpc-job-19-5', '1', '42', 'x'),
  fc.stringMatching(/^[A-Za-z0-9]([-A-Za-z0-9_.]{0,10}[A-Za-z0-9])?$/),
);
/** Integers for Gt/Lt: small, near 2^53 (where doubles stop being exact), near the ends of int64 and past them. */
const integer = fc.oneof(
  fc.integer({ min: -50, max: 50 }).map(String),
  fc
    .tuple(fc.constantFrom(2n ** 53n, -(2n ** 53n), 2n ** 63n - 1n, -(2n ** 63n)), fc.integer({ min: -1, max: 1 }))
    .map(([base, delta]) => String(base + BigInt(delta))),
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map(String),
  fc.constantFrom('007', '-0'),
);

const requirement: fc.Arbitrary<Req> = fc.oneof(
  fc.record({ key, op: fc.constantFrom<Op>('=', '==', '!='), values: fc.tuple(fc.oneof(value, fc.constant(''))).map((v) => [...v]) }),
  fc.record({ key, op: fc.constantFrom<Op>('in', 'notin'), values: fc.array(value, { minLength: 1, maxLength: 4 }) }),
  fc.record({ key, op: fc.constantFrom<Op>('exists', '!'), values: fc.constant<string[]>([]) }),
  fc.record({ key, op: fc.constantFrom<Op>('>', '<'), values: integer.map((n) => [n]) }),
);

const space = fc.constantFrom('', ' ', '  ', '\t', ' \n ');
const someSpace = fc.constantFrom(' ', '  ', '\t', '\r\n');

/** Writes a selector as a user might: spacing anywhere the grammar allows it. */
const written = fc.array(requirement, { minLength: 1, maxLength: 5 }).chain((reqs) =>
  fc.array(fc.tuple(space, space, space, someSpace, space), { minLength: reqs.length, maxLength: reqs.length }).map((spaces) => {
    const parts = reqs.map((r, i) => {
      const [a, b, c, must, d] = spaces[i]!;
      switch (r.op) {
        case 'exists':
          return `${a}${r.key}${b}`;
        case '!':
          return `${a}!${b}${r.key}${c}`;
        case 'in':
        case 'notin':
          return `${a}${r.key}${must}${r.op}${b}(${r.values.map((v) => `${c}${v}${d}`).join(',')})${c}`;
        default:
          return `${a}${r.key}${b}${r.op}${c}${r.values[0]}${d}`;
      }
    });
    return { reqs, text: parts.join(',') };
  }),
);

/** Go's strconv.ParseInt(s, 10, 64), which the API server uses for Gt and Lt. */
function int64(text: string): bigint | null {
  if (!/^[+-]?\d+$/.test(text)) return null;
  const n = BigInt(text);
  return n >= -(2n ** 63n) && n < 2n ** 63n ? n : null;
}

/** The API server's meaning of one requirement, written independently of the parser. */
function oracle(r: Req, labels: Record<string, string>): boolean {
  const present = Object.prototype.hasOwnProperty.call(labels, r.key);
  const v = present ? labels[r.key]! : undefined;
  switch (r.op) {
    case '=':
    case '==':
    case 'in':
      return v !== undefined && r.values.indexOf(v) !== -1;
    case '!=':
    case 'notin':
      return v === undefined || r.values.indexOf(v) === -1;
    case 'exists':
      return present;
    case '!':
      return !present;
    case '>':
    case '<': {
      const have = v === undefined ? null : int64(v);
      const bound = int64(r.values[0]!)!;
      return have !== null && (r.op === '>' ? have > bound : have < bound);
    }
  }
}

/** Label maps that touch the generated keys and values, and for Gt/Lt the integers next to their bounds. */
const labelsFor = (reqs: readonly Req[]) => {
  const near = reqs
    .filter((r) => r.op === '>' || r.op === '<')
    .flatMap((r) => [-1n, 0n, 1n].map((d) => String(BigInt(r.values[0]!) + d)).concat(`+${r.values[0]!.replace(/^[+-]/, '')}`));
  return fc.dictionary(
    fc.oneof(fc.constantFrom(...reqs.map((r) => r.key)), key),
    fc.oneof(fc.constantFrom(...reqs.flatMap((r) => r.values), ...near, ''), value, integer, fc.constantFrom('+5', '-0', ' 5')),
    { maxKeys: 6 },
  );
};

const int64Ok = (r: Req) => (r.op !== '>' && r.op !== '<') || int64(r.values[0]!) !== null;

test('a written selector parses back to its requirements and matches exactly what they accept', () => {
  fc.assert(
    fc.property(
      written.filter(({ reqs }) => reqs.every(int64Ok)),
      (sel) => {
        const parsed = parseLabelSelector(sel.text);
        assert.deepEqual(
          parsed.requirements.map((r) => ({ key: r.key, op: r.operator, values: [...new Set(r.values)].sort() })),
          sel.reqs.map((r) => ({ key: r.key, op: r.op === '==' ? '=' : r.op, values: [...new Set(r.values)].sort() })),
        );
        fc.assert(
          fc.property(labelsFor(sel.reqs), (labels) => {
            assert.equal(
              parsed.matches(labels),
              sel.reqs.every((r) => oracle(r, labels)),
            );
          }),
          { numRuns: 20 },
        );
      },
    ),
    { numRuns: 60 },
  );
});

test('Gt and Lt compare as int64, exactly, also next to their bounds and past 2^53', () => {
  fc.assert(
    fc.property(
      integer.filter((b) => int64(b) !== null),
      fc.oneof(fc.integer({ min: -2, max: 2 }).map(BigInt), fc.bigInt()),
      fc.constantFrom<Op>('>', '<'),
      (bound, delta, op) => {
        const have = String(BigInt(bound) + delta);
        const r: Req = { key: 'n', op, values: [bound] };
        assert.equal(parseLabelSelector(`n${op}${bound}`).matches({ n: have }), oracle(r, { n: have }), `n=${have}`);
      },
    ),
  );
});

test('a Gt/Lt bound that is not an int64 is a syntax error', () => {
  fc.assert(
    fc.property(written, (sel) => {
      const bad = !sel.reqs.every(int64Ok);
      const outcome = (() => {
        try {
          parseLabelSelector(sel.text);
          return 'parsed';
        } catch (e) {
          assert.ok(e instanceof LabelSelectorSyntaxError, String(e));
          return 'syntax error';
        }
      })();
      assert.equal(outcome, bad ? 'syntax error' : 'parsed');
    }),
  );
});

/** Text made of the grammar's own tokens, so the parser's deeper states are reached. */
const tokenSoup = fc
  .array(
    fc.constantFrom('a', 'b.c', 'x/y', '-a', 'in', 'notin', '(', ')', ',', '=', '==', '!=', '!', '>', '<', ' ', '1', '-1', '\t', 'é', '/'),
    {
      maxLength: 14,
    },
  )
  .map((t) => t.join(''));

test('any text parses, or fails with LabelSelectorSyntaxError and nothing else; a parsed selector matches any labels without throwing', () => {
  fc.assert(
    fc.property(
      fc.oneof(tokenSoup, fc.string({ unit: 'binary', maxLength: 30 })),
      fc.dictionary(
        fc.oneof(fc.string(), fc.constantFrom('a', 'b.c', 'x/y', '__proto__', 'constructor')),
        fc.oneof(fc.string(), fc.constantFrom('1', '-1')),
      ),
      (text, labels) => {
        let selector;
        try {
          selector = parseLabelSelector(text);
        } catch (e) {
          assert.ok(e instanceof LabelSelectorSyntaxError, `${String(e)} for ${JSON.stringify(text)}`);
          assert.equal(e.selector, text);
          return;
        }
        assert.equal(typeof selector.matches(labels), 'boolean');
        assert.equal(typeof selector.matches(undefined), 'boolean');
      },
    ),
    { numRuns: 300 },
  );
});

test('a requirement with a key the API server refuses makes the whole selector a syntax error', () => {
  const badKey = fc.oneof(
    fc.tuple(namePart, fc.constantFrom('@', '%', '$', 'é', '*', ':', '+', '"', "'")).map(([k, c]) => `${k}${c}`),
    fc.tuple(fc.constantFrom('-', '.', '_'), namePart).map(([c, k]) => `${c}${k}`),
    fc.constant('a'.repeat(64)),
    fc.constant(`${'a'.repeat(254)}/x`),
    fc.constant('UPPER.case/x'),
  );
  fc.assert(
    fc.property(written, badKey, fc.nat(), (sel, bad, at) => {
      const i = at % sel.reqs.length;
      const reqs = sel.reqs.map((r, j) => (j === i ? { ...r, key: bad } : r));
      const text = reqs
        .map((r) =>
          r.op === 'exists'
            ? r.key
            : r.op === '!'
              ? `!${r.key}`
              : r.op === 'in' || r.op === 'notin'
                ? `${r.key} ${r.op} (${r.values.join(',')})`
                : `${r.key}${r.op}${r.values[0]}`,
        )
        .join(',');
      assert.throws(() => parseLabelSelector(text), LabelSelectorSyntaxError);
    }),
  );
});
