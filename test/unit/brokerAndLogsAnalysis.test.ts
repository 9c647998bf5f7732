// The queue and the logs as the analysis reads them from the timeline, and what the diagnosis says with
// them: which source each queue figure came from, the backend's first error about the job, the last
// lines of a crashed container. Pure functions on recorded timelines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyse } from '../../src/probe/analysis';
import { buildReport } from '../../src/probe/buildReport';
import { diagnose } from '../../src/probe/diagnose';
import { analyseLogs, foldLines } from '../../src/probe/logs/logReport';
import type { LogLine, Scenario } from '../../src/probe/model';
import { DEFAULT_MATCH_RULES, DEFAULT_QUEUE_NAMES } from '../../src/probe/options';
import { renderJson } from '../../src/probe/report/json';
import { POD, TimelineBuilder, jobLabels, podReadyTimeline } from '../fixtures/timelines';
import { assertReportContract } from '../helpers/reportContract';

const ctx = { timeoutMs: 5000, slowThresholdMs: 4000, namespace: 'panda' };
const diagnoseOf = (b: TimelineBuilder): Scenario =>
  diagnose(analyse(b.observations, DEFAULT_MATCH_RULES, { queueNames: DEFAULT_QUEUE_NAMES }), ctx);
const has = (list: string[], re: RegExp) =>
  assert.ok(
    list.some((e) => re.test(e)),
    `${re} in:\n${list.join('\n')}`,
  );

const METADATA_TRACEBACK: [string, Partial<LogLine>][] = [
  ['ERROR focus.metadata: building metadata for job 4-2 failed', { level: 'ERROR', reason: 'error' }],
  ['Traceback (most recent call last):', { level: 'ERROR', reason: 'traceback', mentionsJob: false }],
  ['  File "/app/focus/metadata.py", line 57, in on_first_frame', { level: null, reason: 'traceback', mentionsJob: false }],
  ["KeyError: 'stream_port'", { level: 'ERROR', reason: 'traceback', mentionsJob: false }],
];

function notReady(b: TimelineBuilder): TimelineBuilder {
  return b.metadata(160, 4900, 404, 'Invalid job_id').end(5000, 'timeout');
}

test('queue: first seen by any source; the figures from AMQP when it was checked; every change in history', () => {
  const b = podReadyTimeline('4-2')
    .broker(-5, 'amqp', 'watching')
    .broker(150, 'management', 'watching')
    .queueVia('management', 1612, null)
    .queueVia('amqp', 1640, 0)
    .queueVia('amqp', 1720, 1)
    .queueVia('management', 1900, 0)
    .queueVia('management', 6700, 1);
  const a = analyse(b.observations, DEFAULT_MATCH_RULES);
  assert.equal(a.timings.queueCreatedMs, 1612);
  assert.equal(a.timings.consumerAttachedMs, 1720, 'the first source that saw a consumer sets the time');
  assert.deepEqual(a.queueSeenVia, { created: 'management', attached: 'amqp', otherNames: [] });
  assert.equal(a.queue?.consumers, 1);
  assert.match(
    a.queue!.source,
    /^AMQP passive declare every 50 ms \(real time\); consumer details: management API \(statistics lag ≈5 s\)$/,
  );
  assert.deepEqual(
    a.logs.queue!.history.map((h) => [h.atMs, h.source, h.consumers]),
    [
      [1612, 'management', null],
      [1640, 'amqp', 0],
      [1720, 'amqp', 1],
      [1900, 'management', 0],
      [6700, 'management', 1],
    ],
  );
});

test('queue: right after a declare the management API has no statistics: unknown is not 0 and attaches nothing', () => {
  const a = analyse(podReadyTimeline('4-2').queueVia('management', 1600, null).observations, DEFAULT_MATCH_RULES);
  assert.equal(a.queue?.consumers, null);
  assert.equal(a.queue?.messages, null);
  assert.equal(a.timings.consumerAttachedMs, null);
});

test('queue created, no consumer: evidence says so with the source; the suggestion points at the backend', () => {
  const sc = diagnoseOf(notReady(podReadyTimeline('4-2').broker(-5, 'amqp', 'watching').queueVia('amqp', 1640, 0)));
  assert.equal(sc.id, 'consumer_never_ready');
  has(
    sc.evidence,
    /^queue grpc-job-4-2 created at 1\.640s \(AMQP check, real time\), but no consumer attached by 5\.000s; last seen with 0 consumers, 0 messages \(source: AMQP/,
  );
  has(sc.suggestions, /exists but the backend never attached a consumer/);
});

test("queue never created: evidence names the sources watched; the suggestion and the pod's error point at the analyzer", () => {
  const b = notReady(
    podReadyTimeline('4-2')
      .broker(-5, 'amqp', 'watching')
      .broker(150, 'management', 'watching')
      .log(1600, 'pod', 'ERROR baby_analyzer: cannot connect to amqp://rabbitmq:5672: Connection refused', {
        level: 'ERROR',
        reason: 'error',
        mentionsJob: false,
      }),
  );
  const sc = diagnoseOf(b);
  has(sc.evidence, /^no queue for job 4-2 appeared on the broker \(watched through AMQP and the management API until 5\.000s\)$/);
  has(sc.evidence, /^pod grpc-job-4-2-x7k2p logged at 1\.600s: "ERROR baby_analyzer: cannot connect to amqp/);
  has(sc.suggestions, /never declared its queue grpc-job-4-2: check that it reaches RabbitMQ/);
});

test("consumer attached, metadata never ready: the backend's first error about the job, with its exception", () => {
  let b = podReadyTimeline('4-2').broker(-5, 'amqp', 'watching').queueVia('amqp', 1640, 0).queueVia('amqp', 2010, 1);
  b = b.log(900, 'backend', 'ERROR focus.api: unrelated failure of job 4-20', { level: 'ERROR', reason: 'error', mentionsJob: false });
  METADATA_TRACEBACK.forEach(([text, line], i) => (b = b.log(2100 + i * 0.01, 'backend', text, line)));
  const sc = diagnoseOf(notReady(b));
  has(sc.evidence, /a consumer attached at 2\.010s \(AMQP check, real time\)/);
  has(
    sc.evidence,
    /^backend panda-panda-focus-server-7d9f8c6b5d-x2x9k logged at 2\.100s: "ERROR focus\.metadata: building metadata for job 4-2 failed" → "KeyError: 'stream_port'"$/,
  );
  has(sc.suggestions, /A consumer is attached to grpc-job-4-2, yet metadata never became ready/);
  has(
    sc.suggestions,
    /^Fix the backend error "KeyError: 'stream_port'" \(kubectl -n panda logs panda-panda-focus-server-7d9f8c6b5d-x2x9k -c focus-server/,
  );
});

test('without an error naming the job, the first backend error is cited as such', () => {
  const b = podReadyTimeline('4-2').log(900, 'backend', 'ERROR focus.api: database is locked', {
    level: 'ERROR',
    reason: 'error',
    mentionsJob: false,
  });
  const sc = diagnoseOf(notReady(b));
  has(sc.evidence, /logged at 0\.900s \(not naming the job\): "ERROR focus\.api: database is locked"/);
});

test('a crashed container: its last line is evidence and the first suggestion', () => {
  const pod = POD('4-2');
  const b = new TimelineBuilder('4-2')
    .watching()
    .job(200)
    .pod(300, pod, {}, jobLabels('4-2'))
    .pod(1100, pod, { phase: 'Running', container: { state: 'running', reason: null } })
    .pod(1500, pod, {
      container: {
        state: 'waiting',
        reason: 'CrashLoopBackOff',
        restartCount: 1,
        lastTerminated: { reason: 'Error', exitCode: 1, message: null },
      },
    })
    .tail(1510, 0, 'follow', ['INFO baby_analyzer: starting', 'Traceback (most recent call last):', "KeyError: 'stream_port'"])
    .tail(1950, 0, 'previous', [
      'INFO baby_analyzer: starting',
      'Traceback (most recent call last):',
      '  File "x.py", line 1',
      "KeyError: 'stream_port'",
    ]);
  const a = analyse(notReady(b).observations, DEFAULT_MATCH_RULES);
  const ended = a.logs.pod!.previous;
  assert.equal(ended.length, 1, 'one instance ended; the read with previous=true replaces the live tail');
  assert.equal(ended[0]!.via, 'previous');
  assert.equal(ended[0]!.endedMs, 1510, 'it ended when the live stream said so');
  const sc = diagnose(a, ctx);
  assert.equal(sc.id, 'pod_failed');
  has(sc.evidence, /^container baby-analyzer \(run 1\) ended with "KeyError: 'stream_port'" \(its last lines, read with --previous/);
  assert.match(sc.suggestions[0]!, /^The container ended with "KeyError: 'stream_port'" on every start/);
});

test('logs: backend lines from t0 only, folded runs of same-shaped lines, capped with a count', () => {
  let b = new TimelineBuilder('4-2').log(-3, 'backend', 'INFO opened before t0');
  for (let i = 0; i < 30; i++) b = b.log(200 + i * 100, 'backend', `INFO: 10.0.0.1 - "GET /metadata/4-2 HTTP/1.1" 404 in ${i} ms`);
  b = b.log(3300, 'backend', 'INFO focus.consumers: consumer attached to grpc-job-4-2');
  const logs = analyseLogs(b.observations, 200);
  const lines = logs.backend!.lines;
  assert.equal(lines[0]!.atMs, 200, 'nothing before t0');
  assert.equal(lines[0]!.repeats, 29);
  assert.equal(lines.length, 2);
  const capped = analyseLogs(b.log(3400, 'backend', 'INFO another').log(3500, 'backend', 'WARN a third').observations, 2);
  assert.equal(capped.backend!.lines.length, 2);
  assert.equal(capped.backend!.omitted, 2);
  assert.equal(logs.pod, null, "the pod's logs were not watched");
});

test('tracebacks never fold, even when frames look alike', () => {
  const frame = (atMs: number, text: string): LogLine => ({
    atMs,
    time: null,
    pod: 'p',
    container: 'c',
    instance: 0,
    level: null,
    reason: 'traceback',
    mentionsJob: false,
    text,
    repeats: 0,
  });
  assert.equal(foldLines([frame(1, '  File "a.py", line 1, in f'), frame(2, '  File "a.py", line 2, in f')]).length, 2);
});

test('the report carries queue and logs in the contract shape', () => {
  let b = podReadyTimeline('4-2')
    .broker(-5, 'amqp', 'watching')
    .queueVia('amqp', 1640, 0)
    .log(150, 'backend', 'INFO focus.jobs: configured job 4-2')
    .tail(1500, 0, 'follow', ['boom']);
  b.observations.push({
    kind: 'log.access',
    atMs: -8,
    source: 'backend',
    access: { state: 'following', target: 'name^=panda-panda-focus-server', pods: ['b-1'] },
  });
  b.observations.push({
    kind: 'log.access',
    atMs: 2000,
    source: 'pod',
    access: { state: 'unavailable', target: 'pod/x', reason: 'cannot read: 403 Forbidden' },
  });
  b = notReady(b);
  const report = buildReport(b.observations, DEFAULT_MATCH_RULES, ctx);
  const json = JSON.parse(renderJson(report));
  assertReportContract(json);
  assert.deepEqual(json.logs.backend.pods, ['b-1']);
  assert.equal(json.logs.backend.selector, 'name^=panda-panda-focus-server');
  assert.equal(json.logs.pod.error, 'cannot read: 403 Forbidden');
  assert.deepEqual(
    Object.keys(json.queue),
    ['name', 'firstSeenMs', 'messages', 'consumers', 'source'],
    "queue keeps exactly the contract's keys",
  );
  assert.deepEqual(json.logs.queue.history, [{ atMs: 1640, source: 'amqp', messages: 0, consumers: 0 }]);
  assert.deepEqual(json.logs.queue.consumers, []);
});

test('a broker source that failed is evidence even when the other one worked', () => {
  const b = podReadyTimeline('4-2')
    .broker(-5, 'amqp', 'cannot connect to amqp://mq:5672: ACCESS_REFUSED: the broker refused the credentials')
    .broker(150, 'management', 'watching')
    .queueVia('management', 1700, null);
  const sc = diagnoseOf(notReady(b));
  has(sc.evidence, /^AMQP check unavailable: cannot connect to amqp:\/\/mq:5672: ACCESS_REFUSED/);
  has(sc.evidence, /^queue grpc-job-4-2 created at 1\.700s \(management API, statistics may lag\)/);
});
