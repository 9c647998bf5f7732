// Reading log lines: level, traceback blocks, the job id as a whole token, kubelet timestamps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLineReader, jobIdPattern, keepReason, lineShapeKey, logLevelOf, splitTimestamp } from '../../src/probe/logs/logLines';
import { createProbeClock } from '../../src/probe/clock';
import { lineStamp, loggedBeforeT0, secondAtOrBefore, wallMsOf, wholeSeconds } from '../../src/probe/logs/podLogStream';
import { backendPodSelector } from '../../src/probe/logs/podSelector';

test('the level a line states first, in plain, uvicorn, klog and JSON logs', () => {
  const cases: [string, string | null][] = [
    ['ERROR focus.metadata: building metadata for job 3-1 failed', 'ERROR'],
    ['2024-05-01 10:00:00,123 WARNING focus.consumers: retrying', 'WARN'],
    ['INFO:     10.0.0.1 - "GET /metadata/3-1 HTTP/1.1" 404', 'INFO'],
    ['[main] DEBUG x: y', 'DEBUG'],
    ['INFO retry after an ERROR elsewhere', 'INFO'],
    ['E0501 10:00:00.123456       1 reflector.go:138] failed', 'ERROR'],
    ['{"level":"error","msg":"boom"}', 'ERROR'],
    ['{"severity":"WARNING","msg":"slow"}', 'WARN'],
    ['no level here, ERRORS or ERR_CONNECTION are not levels', null],
    ['CRITICAL focus: dead', 'ERROR'],
  ];
  for (const [line, level] of cases) assert.equal(logLevelOf(line), level, line);
});

test('a traceback is one block: its header, frames and the exception line that closes it', () => {
  const read = createLineReader();
  const lines = [
    'INFO before',
    'Traceback (most recent call last):',
    '  File "/app/x.py", line 88, in <module>',
    '    main()',
    "KeyError: 'stream_port'",
    'INFO after',
  ];
  const shapes = lines.map(read);
  assert.deepEqual(
    shapes.map((s) => s.traceback),
    [false, true, true, true, true, false],
  );
  assert.equal(shapes[4]!.level, 'ERROR', 'the exception line is an error');
  assert.equal(keepReason(shapes[0]!, false), null);
  assert.equal(keepReason(shapes[0]!, true), 'job-id');
  assert.equal(keepReason(shapes[2]!, false), 'traceback');
  assert.equal(keepReason({ level: 'WARN', traceback: false }, false), 'error');
});

test('chained exceptions and Java stack traces stay inside the block', () => {
  const read = createLineReader();
  const lines = [
    'Traceback (most recent call last):',
    '  File "a.py", line 1, in f',
    'ValueError: x',
    '',
    'During handling of the above exception, another exception occurred:',
  ];
  // After the exception line the block is closed; a new "Traceback" would open the next one.
  assert.deepEqual(
    lines.map(read).map((s) => s.traceback),
    [true, true, true, false, false],
  );
  const java = createLineReader();
  assert.deepEqual(
    [
      'Exception in thread "main" java.lang.IllegalStateException: no port',
      ' at com.x.Main.run(Main.java:12)',
      'Caused by: java.io.IOException',
      'next',
    ]
      .map(java)
      .map((s) => s.traceback),
    [true, true, true, true],
  );
});

test('the job id counts only as a whole token', () => {
  const re = jobIdPattern('19-5');
  for (const yes of ['job 19-5 failed', 'grpc-job-19-5', 'grpc-job-19-5-abcde', '/metadata/19-5 HTTP', '(19-5)'])
    assert.ok(re.test(yes), yes);
  for (const no of ['job 19-50', 'job 119-5', 'grpc-job-1-19-5', 'x19-5', '19-5a']) assert.ok(!re.test(no), no);
});

test('lines of the same shape differ only in numbers', () => {
  assert.equal(lineShapeKey('GET /metadata/3-41234 404 in 12 ms'), lineShapeKey('GET /metadata/3-41234 404 in 7 ms'));
  assert.notEqual(lineShapeKey('GET /metadata/3-1 404'), lineShapeKey('GET /metadata/3-1 200 OK'));
});

test('kubelet timestamps: split, parsed to the microsecond, whole seconds for sinceTime', () => {
  assert.deepEqual(splitTimestamp('2024-05-01T10:00:00.123456789Z INFO x y'), { time: '2024-05-01T10:00:00.123456789Z', text: 'INFO x y' });
  assert.deepEqual(splitTimestamp('2024-05-01T10:00:00Z '), { time: '2024-05-01T10:00:00Z', text: '' });
  assert.deepEqual(splitTimestamp('INFO no time'), { time: null, text: 'INFO no time' });
  assert.ok(Math.abs(wallMsOf('2024-05-01T10:00:00.1234Z') - Date.parse('2024-05-01T10:00:00Z') - 123.4) < 0.01);
  assert.equal(wallMsOf('2024-05-01T12:00:00.5+02:00'), Date.parse('2024-05-01T10:00:00.500Z'));
  assert.ok(Number.isNaN(wallMsOf('yesterday')));
  assert.equal(wholeSeconds('2024-05-01T10:00:07.999Z'), '2024-05-01T10:00:07Z');
});

test("a line's stamp: its kubelet time through the clock's wall ↔ monotonic relation at t0, never in the future", () => {
  let mono = 1000;
  let wall = Date.parse('2026-12-05T10:00:00.000Z');
  const clock = createProbeClock(
    () => mono,
    () => wall,
  );
  mono = 5000;
  wall += 7; // the wall clock and the monotonic one drift apart before t0: t0's relation is the one that counts
  clock.markT0();
  const t0Wall = wall;
  mono = 5400;
  wall += 400;
  const iso = (ms: number) =>
    new Date(Math.floor(ms)).toISOString().replace('Z', `${String(Math.round((ms % 1) * 1000)).padStart(3, '0')}Z`);
  const a = lineStamp(clock, iso(t0Wall + 100));
  const b = lineStamp(clock, iso(t0Wall + 100.25));
  assert.equal(clock.sinceT0(a), 100);
  assert.equal(clock.sinceT0(b), 100.25, 'sub-millisecond digits kept, order kept');
  assert.equal(lineStamp(clock, iso(wall + 60_000)), 5400, 'a line from the future (clock skew) counts as now');
  assert.equal(lineStamp(clock, null), 5400, 'no timestamp: the arrival');
  assert.equal(loggedBeforeT0(clock, iso(t0Wall - 0.5)), true);
  assert.equal(loggedBeforeT0(clock, iso(t0Wall)), false);
  assert.equal(loggedBeforeT0(clock, null), false, "without a timestamp a line arriving after t0 counts as the run's");
  assert.equal(secondAtOrBefore(Date.parse('2024-05-01T10:00:07.999Z')), '2024-05-01T10:00:07Z');
});

test('backend pods by name prefix and/or label selector', () => {
  const byName = backendPodSelector({ enabled: true, podNamePrefix: 'panda-panda-focus-server' });
  assert.equal(byName.text, 'name^=panda-panda-focus-server');
  assert.ok(byName.matches({ name: 'panda-panda-focus-server-7d9f-x2x9k', labels: {} }));
  assert.ok(!byName.matches({ name: 'grpc-job-1-3-abcde', labels: {} }));
  const byLabel = backendPodSelector({ enabled: true, labelSelector: 'app.kubernetes.io/name=focus-server,tier!=canary,!debug' });
  assert.ok(byLabel.matches({ name: 'x', labels: { 'app.kubernetes.io/name': 'focus-server' } }));
  assert.ok(!byLabel.matches({ name: 'x', labels: { 'app.kubernetes.io/name': 'focus-server', tier: 'canary' } }));
  assert.ok(!byLabel.matches({ name: 'x', labels: { 'app.kubernetes.io/name': 'focus-server', debug: '1' } }));
  assert.ok(!byLabel.matches({ name: 'x', labels: {} }));
});

test('backend pods by a set-based label selector: app in (focus,api) selects both, and nothing else', () => {
  const selector = backendPodSelector({ enabled: true, labelSelector: 'app in (focus,api), tier notin (canary)' });
  assert.equal(selector.text, 'app in (focus,api), tier notin (canary)');
  assert.ok(selector.matches({ name: 'a', labels: { app: 'focus' } }));
  assert.ok(selector.matches({ name: 'b', labels: { app: 'api', tier: 'web' } }));
  assert.ok(!selector.matches({ name: 'c', labels: { app: 'api', tier: 'canary' } }));
  assert.ok(!selector.matches({ name: 'd', labels: { app: 'broker' } }));
  assert.ok(!selector.matches({ name: 'e', labels: {} }));
});
