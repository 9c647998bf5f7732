// Properties of reading log lines: any line is read without a throw; a Python traceback amid other lines
// is one block that its exception line closes, as an error; a line in a common log format has the level
// its format states, whatever its message says; a line as shown is bounded and single.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createLineReader, jobIdPattern, keepReason, lineShapeKey, logLevelOf, splitTimestamp } from '../../../src/probe/logs/logLines';
import { LOG_LINE_MAX_CHARS } from '../../../src/probe/logs/podLogStream';
import { oneLine } from '../../../src/probe/text';
import type { LogLevel } from '../../../src/probe/model';

const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((n) => String.fromCharCode(n));
/** Words and punctuation log lines are made of, level words and JSON level fields among them. */
const logWord = fc.oneof(
  fc.constantFrom(
    'ERROR',
    'WARN',
    'WARNING',
    'INFO',
    'DEBUG',
    'TRACE',
    'FATAL',
    'CRITICAL',
    'ERR',
    'error',
    'Error:',
    '[INFO]',
    '"level":"debug"',
    '{"severity":"INFO"}',
    'levelname=ERROR',
    'E0501',
    'Traceback',
    '(most recent call last):',
    'panic:',
    'job',
    '19-5',
    ':',
    '|',
    '"',
    ' ',
    '\t',
  ),
  fc.string({ maxLength: 8 }),
  fc.string({ unit: codeUnit, maxLength: 4 }),
);
const anyText = fc.oneof(
  fc.array(logWord, { maxLength: 12 }).map((w) => w.join(' ')),
  fc.string({ unit: 'binary', maxLength: 40 }),
);

test('any line is read without a throw, and every reading is of its kind', () => {
  fc.assert(
    fc.property(fc.array(anyText, { maxLength: 20 }), anyText, (lines, jobId) => {
      const read = createLineReader();
      const pattern = jobIdPattern(jobId);
      for (const text of lines) {
        const shape = read(text);
        assert.ok([null, 'ERROR', 'WARN', 'INFO', 'DEBUG'].includes(shape.level));
        assert.equal(typeof shape.traceback, 'boolean');
        assert.ok([null, 'traceback', 'error', 'job-id'].includes(keepReason(shape, pattern.test(text))));
        const split = splitTimestamp(text);
        assert.ok(split.text.length <= text.length && text.endsWith(split.text));
        assert.ok(lineShapeKey(text).length <= text.length);
      }
    }),
    { numRuns: 200 },
  );
});

test('the job id is found as a whole token, whatever it holds', () => {
  fc.assert(
    fc.property(anyText, fc.constantFrom(' ', ', ', '/', '=', '"', '(', ']'), (id, around) => {
      fc.pre(id.length > 0);
      assert.ok(jobIdPattern(id).test(`job${around}${id}${around}done`) || /^[A-Za-z0-9]|[A-Za-z0-9]$/.test(around));
      assert.ok(jobIdPattern(id).test(`${around}${id}`));
    }),
  );
});

// ---- Tracebacks --------------------------------------------------------------------------------------

const ident = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,10}$/);
const exceptionName = fc.oneof(
  fc.constantFrom(
    'KeyError',
    'ValueError',
    'RuntimeError',
    'grpc._channel._InactiveRpcError',
    'asyncio.exceptions.CancelledError',
    'KeyboardInterrupt',
  ),
  fc.tuple(fc.array(ident, { maxLength: 2 }), ident).map(([mods, name]) => [...mods, `${name}Error`].join('.')),
);
/**
 * The exception's message: anything on one line, level words and quotes included, except a traceback
 * header of its own (`KeyError: Traceback (most recent call last):` rightly starts the next block).
 */
const message = fc
  .array(logWord, { maxLength: 6 })
  .map((w) => w.join(' ').replace(/[\r\n]/g, ' '))
  .filter((m) => !m.includes('Traceback (most recent call last):'));
const frame = fc.oneof(
  fc.tuple(fc.stringMatching(/^\/[a-z/_]{1,20}\.py$/), fc.nat(9999), ident).map(([f, n, fn]) => `  File "${f}", line ${n}, in ${fn}`),
  message.map((m) => `    ${m}`),
  fc.constantFrom('    ^^^^^^^^', '    ~~~~^^^^'),
);
const block = fc.record({
  frames: fc.array(frame, { minLength: 1, maxLength: 6 }),
  exception: fc.tuple(exceptionName, fc.option(message, { nil: undefined })).map(([n, m]) => (m === undefined ? n : `${n}: ${m}`)),
});
/** A line outside a traceback: not its start, and (after the block) not indented, empty or a chain link. */
const otherLine = anyText
  .map((t) => t.replace(/[\r\n]/g, ' ').trimStart())
  .filter(
    (t) =>
      t !== '' &&
      !/Traceback \(most recent call last\):|^Exception in thread |^panic: |^During handling|^The above exception|^Caused by: |^goroutine \d+ \[/.test(
        t,
      ),
  );

test('a Python traceback amid other lines is one block: header, frames, and the exception line that closes it as an error', () => {
  fc.assert(
    fc.property(fc.array(otherLine, { maxLength: 5 }), block, fc.array(otherLine, { maxLength: 5 }), (before, tb, after) => {
      const lines = [...before, 'Traceback (most recent call last):', ...tb.frames, tb.exception, ...after];
      const read = createLineReader();
      const shapes = lines.map(read);
      const inBlock = (i: number) => i >= before.length && i <= before.length + tb.frames.length + 1;
      shapes.forEach((s, i) => assert.equal(s.traceback, inBlock(i), `line ${i}: ${JSON.stringify(lines[i])}`));
      assert.equal(shapes[before.length + tb.frames.length + 1]!.level, 'ERROR', `the exception line ${JSON.stringify(tb.exception)}`);
      for (const s of shapes.filter((_, i) => inBlock(i))) assert.equal(keepReason(s, false), 'traceback');
    }),
  );
});

// ---- Levels in common formats --------------------------------------------------------------------------

const LEVEL_WORDS: [string, LogLevel][] = [
  ['CRITICAL', 'ERROR'],
  ['FATAL', 'ERROR'],
  ['ERROR', 'ERROR'],
  ['WARNING', 'WARN'],
  ['WARN', 'WARN'],
  ['INFO', 'INFO'],
  ['DEBUG', 'DEBUG'],
];
const KLOG: [string, LogLevel][] = [
  ['E', 'ERROR'],
  ['W', 'WARN'],
  ['I', 'INFO'],
  ['F', 'ERROR'],
];
const JSON_LEVELS: [string, LogLevel][] = [
  ['error', 'ERROR'],
  ['warning', 'WARN'],
  ['warn', 'WARN'],
  ['info', 'INFO'],
  ['debug', 'DEBUG'],
  ['CRITICAL', 'ERROR'],
];
/** A message on one line that does not start with anything a format could take for its own. */
const msg = message.map((m) => `msg ${m}`);
const logger = fc.stringMatching(/^[a-z][a-z.]{0,12}$/);

/** A line in a format the probe meets, with the level it states. */
const formatted: fc.Arbitrary<{ line: string; level: LogLevel }> = fc.oneof(
  // Python logging: `2024-05-01 10:00:00,123 WARNING focus.consumers: retrying`
  fc
    .tuple(fc.constantFrom(...LEVEL_WORDS), logger, msg)
    .map(([[w, level], lg, m]) => ({ line: `2024-05-01 10:00:00,123 ${w} ${lg}: ${m}`, level })),
  // `LEVEL logger: msg`, `[LEVEL] msg`, uvicorn's `LEVEL:     msg`
  fc.tuple(fc.constantFrom(...LEVEL_WORDS), logger, msg).map(([[w, level], lg, m]) => ({ line: `${w} ${lg}: ${m}`, level })),
  fc.tuple(fc.constantFrom(...LEVEL_WORDS), msg).map(([[w, level], m]) => ({ line: `[${w}] ${m}`, level })),
  fc.tuple(fc.constantFrom(...LEVEL_WORDS), msg).map(([[w, level], m]) => ({ line: `${w}:     ${m}`, level })),
  // klog: `E0501 10:00:00.123456       1 reflector.go:138] msg`
  fc
    .tuple(fc.constantFrom(...KLOG), msg)
    .map(([[c, level], m]) => ({ line: `${c}0501 10:00:00.123456       1 reflector.go:138] ${m}`, level })),
  // JSON logs: the level field, wherever it stands among the others
  fc
    .tuple(fc.constantFrom(...JSON_LEVELS), fc.constantFrom('level', 'severity', 'levelname', 'lvl'), msg, fc.boolean())
    .map(([[w, level], field, m, first]) => {
      const entries: [string, string][] = [
        [field, w],
        ['msg', m],
      ];
      return { line: JSON.stringify(Object.fromEntries(first ? entries : entries.reverse())), level };
    }),
);

test('a line in a common format has the level its format states, whatever its message says', () => {
  fc.assert(
    fc.property(formatted, ({ line, level }) => {
      assert.equal(logLevelOf(line), level, line);
    }),
  );
});

/** No half of a surrogate pair alone (what `String.prototype.isWellFormed` checks). */
const wellFormed = (s: string) => !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s);

test('a log line as shown is one line of at most 2000 characters with its timestamp, no control characters, no half characters', () => {
  fc.assert(
    fc.property(
      anyText,
      fc.nat(2 * LOG_LINE_MAX_CHARS),
      fc.constantFrom('x', '\r\n', '\u001b[31m', '\u009b', '😀'),
      anyText,
      (head, n, fill, tail) => {
        const raw = `2024-05-01T10:00:00.123456789Z ${head}${fill.repeat(n)}${tail}`;
        const shown = oneLine(raw, LOG_LINE_MAX_CHARS);
        assert.ok(shown.length <= LOG_LINE_MAX_CHARS);
        assert.ok(!/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(shown));
        assert.ok(!wellFormed(raw) || wellFormed(shown), 'a character was cut in half');
        assert.equal(splitTimestamp(shown).time, '2024-05-01T10:00:00.123456789Z');
      },
    ),
    { numRuns: 50 },
  );
});
