// Properties of the terminal outputs (oneLine, the text report, the live log) under hostile strings in
// every place outside text reaches. What they promise: no control character reaches the terminal (C0,
// DEL, C1 with the 8-bit CSI U+009B), so no escape sequence can recolour, move the cursor, retitle the
// window or hide text; the only line breaks are the renderer's own "\n" (no "\r", U+2028 or U+2029);
// colour comes only from the report's own painter; no character is cut in half.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { oneLine, truncate } from '../../../src/probe/text';
import { renderTextReport } from '../../../src/probe/report/text';
import { wrap } from '../../../src/probe/report/format';
import { createLiveTextLog } from '../../../src/probe/report/liveText';
import { DEFAULT_MATCH_RULES } from '../../../src/probe/options';
import type { Observation, PodSnapshot } from '../../../src/probe/model';
import { fillReport, hostileString } from '../../helpers/hostile';
import { configureFailedReport, healthyReport, hostileReport, podFailedReport, podPendingReport } from '../../fixtures/reports';

/** Control characters and line breaks other than "\n". */
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029]/;
const wellFormed = (s: string) => !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s);
/** Exactly what the painter writes: bold, the four severity colours, reset. */
const PAINT = /\u001b\[(?:0|1|31|32|33|35)m/g;

test('oneLine: one line, no control characters, at most max characters, idempotent, no half characters', () => {
  fc.assert(
    fc.property(hostileString, fc.option(fc.integer({ min: 1, max: 30 }), { nil: undefined }), (s, max) => {
      const out = oneLine(s, max);
      assert.ok(!CONTROL.test(out) && !out.includes('\n'), JSON.stringify(out));
      if (max !== undefined) assert.ok(out.length <= max);
      assert.equal(oneLine(out, max), out);
      if (wellFormed(s)) assert.ok(wellFormed(out), `cut in half: ${JSON.stringify(out)}`);
      if (max === undefined) assert.equal(out, oneLine(s), 'nothing is cut without a max');
      assert.ok(truncate(s, max ?? Infinity).length <= (max ?? Infinity));
    }),
    { numRuns: 300 },
  );
});

test('wrap: lines within the width, nothing lost, no character cut in half', () => {
  const longWord = fc.tuple(fc.constantFrom('', 'a'), fc.constantFrom('😀', 'x', '中'), fc.nat(120)).map(([a, c, n]) => a + c.repeat(n));
  fc.assert(
    fc.property(
      fc.array(fc.oneof(hostileString, longWord), { maxLength: 6 }),
      fc.integer({ min: 0, max: 100 }),
      fc.constantFrom('', '  ', '    '),
      (words, width, indent) => {
        const text = words.join(' ');
        const lines = wrap(text, width, indent);
        const room = Math.max(10, width - indent.length);
        for (const l of lines) {
          assert.ok(l.startsWith(indent) && l.length - indent.length <= room, JSON.stringify(l));
          assert.ok(!CONTROL.test(l));
        }
        if (wellFormed(text)) assert.ok(lines.every(wellFormed), `cut in half: ${JSON.stringify(lines)}`);
        assert.equal(
          lines
            .map((l) => l.slice(indent.length))
            .join('')
            .replace(/ /g, ''),
          oneLine(text).replace(/ /g, ''),
          'nothing lost',
        );
      },
    ),
    { numRuns: 200 },
  );
});

const FIXTURES = { healthyReport, podPendingReport, podFailedReport, configureFailedReport, hostileReport };
const reports = fc.constantFrom(...(Object.keys(FIXTURES) as (keyof typeof FIXTURES)[]));

test('the text report: no control character, no line break but its own, colour only from its painter', () => {
  fc.assert(
    fc.property(reports, fc.array(hostileString, { minLength: 1, maxLength: 40 }), fc.boolean(), (name, strings, color) => {
      const text = renderTextReport(fillReport(FIXTURES[name](), strings), { color });
      const bare = color ? text.replace(PAINT, '') : text;
      const bad = CONTROL.exec(bare);
      assert.equal(
        bad,
        null,
        `U+${bad?.[0].charCodeAt(0).toString(16).padStart(4, '0')} in ${JSON.stringify(bare.slice(Math.max(0, (bad?.index ?? 0) - 30), (bad?.index ?? 0) + 10))}`,
      );
      if (!color) assert.ok(!text.includes('\u001b'));
      if (strings.every(wellFormed)) assert.ok(wellFormed(text), 'a character was cut in half');
    }),
    { numRuns: 60 },
  );
});

// ---- The live log -------------------------------------------------------------------------------------

const h = hostileString;
const pod: fc.Arbitrary<PodSnapshot> = fc.record({
  uid: h,
  name: h,
  namespace: h,
  phase: h,
  ready: fc.boolean(),
  restartCount: fc.nat(3),
  node: fc.option(h, { nil: null }),
  labels: fc.dictionary(h, h, { maxKeys: 3 }),
  conditions: fc.array(fc.record({ type: h, status: fc.constantFrom('True', 'False'), reason: h, message: h }), { maxLength: 2 }),
  containers: fc.array(
    fc.record({
      name: h,
      ready: fc.boolean(),
      restartCount: fc.nat(3),
      state: fc.constantFrom('waiting', 'running', 'terminated', 'unknown') as fc.Arbitrary<
        'waiting' | 'running' | 'terminated' | 'unknown'
      >,
      reason: fc.option(h, { nil: null }),
      message: fc.option(h, { nil: null }),
      exitCode: fc.option(fc.integer({ min: 0, max: 255 }), { nil: null }),
      lastTerminated: fc.constant(null),
    }),
    { maxLength: 2 },
  ),
  statusReason: fc.option(h, { nil: null }),
  statusMessage: fc.option(h, { nil: null }),
  deleted: fc.boolean(),
});
const lineData = fc.record({
  time: fc.option(h, { nil: null }),
  pod: h,
  container: h,
  instance: fc.constant(null),
  level: fc.constantFrom('ERROR', 'WARN', 'INFO', null) as fc.Arbitrary<'ERROR' | 'WARN' | 'INFO' | null>,
  reason: fc.constantFrom('error', 'traceback', 'job-id') as fc.Arbitrary<'error' | 'traceback' | 'job-id'>,
  mentionsJob: fc.boolean(),
  text: h,
});
const source = fc.constantFrom('backend', 'pod') as fc.Arbitrary<'backend' | 'pod'>;

/** Every kind of observation the live log words, with outside text in each of its strings. */
const observation: fc.Arbitrary<Observation> = fc
  .oneof(
    fc.record({ kind: fc.constant('probe.started'), wallClock: h, jobIdHint: h }),
    fc.record({
      kind: fc.constant('configure.sent'),
      url: fc.oneof(
        h,
        h.map((s) => `http://user:pw@backend.example/${s}`),
      ),
    }),
    fc.record({
      kind: fc.constant('configure.answered'),
      status: fc.option(fc.constantFrom(200, 500), { nil: null }),
      jobId: fc.option(h, { nil: null }),
      error: fc.option(h, { nil: null }),
    }),
    fc.record({
      kind: fc.constant('metadata.attempt'),
      status: fc.option(fc.constantFrom(200, 404), { nil: null }),
      error: fc.option(h, { nil: null }),
    }),
    fc.record({
      kind: fc.constant('cluster.access'),
      access: fc.oneof(
        fc.record({ state: fc.constant('watching'), server: h, namespace: h, context: fc.option(h, { nil: null }) }),
        fc.record({ state: fc.constant('unavailable'), reason: h, code: fc.constant('ERROR') }),
      ),
    }),
    fc.record({ kind: fc.constant('cluster.notice'), text: h }),
    fc.record({ kind: fc.constant('pod.changed'), pod }),
    fc.record({
      kind: fc.constant('job.changed'),
      job: fc.record({
        uid: h,
        name: h,
        namespace: h,
        active: fc.nat(2),
        succeeded: fc.nat(2),
        failed: fc.nat(2),
        conditions: fc.array(fc.record({ type: h, status: fc.constant('True'), reason: h }), { maxLength: 2 }),
      }),
    }),
    fc.record({
      kind: fc.constant('event.seen'),
      event: fc.record({
        type: fc.oneof(fc.constant('Warning'), h),
        reason: fc.oneof(fc.constant('Scheduled'), h),
        object: h,
        message: h,
        count: fc.nat(3),
      }),
    }),
    fc.record({
      kind: fc.constant('queue.changed'),
      queue: fc.record({
        name: h,
        firstSeenMs: fc.nat(1000),
        messages: fc.option(fc.nat(5), { nil: null }),
        consumers: fc.option(fc.nat(2), { nil: null }),
        source: h,
        via: fc.constantFrom('amqp', 'management') as fc.Arbitrary<'amqp' | 'management'>,
      }),
    }),
    fc.record({
      kind: fc.constant('broker.access'),
      access: fc.oneof(
        fc.record({ state: fc.constant('watching'), source: h }),
        fc.record({ state: fc.constant('unavailable'), reason: h }),
      ),
    }),
    fc.record({ kind: fc.constant('log.line'), source, line: lineData }),
    fc.record({
      kind: fc.constant('log.tail'),
      source,
      tail: fc.record({
        pod: h,
        container: h,
        instance: fc.nat(2),
        via: fc.constant('previous'),
        lines: fc.array(
          lineData.map((l) => ({ ...l, beforeMs: 1 })),
          { maxLength: 3 },
        ),
      }),
    }),
    fc.record({
      kind: fc.constant('log.access'),
      source,
      access: fc.oneof(
        fc.record({ state: fc.constant('following'), target: h, pods: fc.array(h, { maxLength: 3 }) }),
        fc.record({ state: fc.constant('unavailable'), target: h, reason: h }),
      ),
    }),
    fc.record({ kind: fc.constant('probe.ended'), reason: fc.constantFrom('consumer_ready', 'timeout', 'aborted', 'configure_failed') }),
  )
  .chain((fact) => fc.nat(60_000).map((atMs) => ({ ...fact, atMs }) as Observation));

/** Every string in a value, object keys included. */
const stringsOf = (v: unknown): string[] =>
  typeof v === 'string' ? [v] : v && typeof v === 'object' ? Object.entries(v).flatMap(([k, x]) => [k, ...stringsOf(x)]) : [];

test('the live log: each observation writes single lines, with no control character and no half character', () => {
  fc.assert(
    fc.property(fc.array(observation, { maxLength: 25 }), (observations) => {
      const lines: string[] = [];
      const sink = createLiveTextLog((l) => lines.push(l), { match: DEFAULT_MATCH_RULES });
      for (const o of observations) sink(o);
      for (const l of lines) {
        assert.ok(!CONTROL.test(l) && !l.includes('\n'), JSON.stringify(l));
        assert.ok(wellFormed(l) || !stringsOf(observations).every(wellFormed), `cut in half: ${JSON.stringify(l)}`);
      }
    }),
    { numRuns: 60 },
  );
});
