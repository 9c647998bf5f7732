// The probe starts at once: POST /configure leaves as soon as the cluster watches are established, never
// waiting for a log follow to answer (a real API server answers a follow only with its first line, and the
// sandbox does the same). Log follows that connect late still bring every line logged from t0 on, and
// none from before.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderJson } from '../../src/probe/report/json';
import { renderTextReport } from '../../src/probe/report/text';
import { deferred, type Monitor } from '../../src/probe/monitor';
import { startProbe } from '../../src/probe/runProbe';
import { DEFAULT_MONITORS } from '../../src/probe/sources';
import { BACKEND_CONTAINER } from '../../src/sandbox/cluster';
import { probeOptionsForProfile } from '../helpers/sandboxOptions';
import { profileByName } from '../../src/sandbox/profiles';
import { Sandbox } from '../../src/sandbox/sandbox';
import { assertReportContract } from '../helpers/reportContract';
import { waitFor } from '../helpers/waitFor';

/**
 * The follow of a quiet pod never answers; a probe that waited for it would send POST /configure only
 * after this request timeout. How fast the start is, is measured by the benchmark (`npm run bench`,
 * start delay); this test only tells "did not wait" from "waited", far apart on any machine.
 */
const FOLLOW_TIMEOUT_MS = 1_000;

test('a backend whose pods write no logs: POST /configure does not wait for their log follow, and the logs are quiet, not unreachable', async (t) => {
  const sandbox = await Sandbox.start();
  t.after(() => sandbox.stop());
  const options = probeOptionsForProfile(sandbox, profileByName('healthy')!);
  // The broker pod never logs: a backend selector that picks it picks a quiet backend.
  options.logs = { ...options.logs!, backend: { enabled: true, podNamePrefix: 'rabbitmq-panda' } };
  // Shorter than the run: a follow that had to answer within it would fail during the run.
  options.backend.requestTimeoutMs = FOLLOW_TIMEOUT_MS;
  sandbox.api.usage.reset();
  const report = await startProbe(options).report;
  assertReportContract(JSON.parse(renderJson(report)));
  assert.equal(report.scenario.id, 'healthy', report.scenario.summary);

  const apiRequests = sandbox.api.usage.snapshot().log;
  assert.ok(apiRequests.length > 0);
  const follow = apiRequests.find((r) => r.path.endsWith('/pods/rabbitmq-panda-0/log') && r.query.includes('follow=true'));
  assert.ok(follow, `the quiet pod's log was followed: ${apiRequests.map((r) => `${r.path}?${r.query}`).join('\n')}`);
  const configureReceivedAt = sandbox.job(report.jobId!)!.configureReceivedAt;
  const startDelay = configureReceivedAt - apiRequests[0]!.receivedAt;
  // The follow never answers (the pod is quiet) and may be asked for just before or just after t0: a
  // probe that waited for its answer would have sent POST /configure only after the 1 s request timeout.
  assert.ok(startDelay < FOLLOW_TIMEOUT_MS, `POST /configure arrived ${startDelay.toFixed(1)} ms after the probe's first API request`);
  assert.ok(report.probe.startDelayMs < FOLLOW_TIMEOUT_MS, `the report's own start delay: ${report.probe.startDelayMs} ms`);
  assert.equal(report.probe.apiRequests, apiRequests.length, 'the report counts every API request the server saw');
  assert.equal(report.probe.backendRequests, sandbox.backendUsage().requests, 'and every backend request');

  const backend = report.logs.backend!;
  assert.deepEqual(
    { pods: backend.pods, lines: backend.lines, error: backend.error },
    { pods: ['rabbitmq-panda-0'], lines: [], error: null },
  );
  const text = renderTextReport(report);
  assert.match(
    text,
    /Backend \(name\^=rabbitmq-panda; pods: rabbitmq-panda-0\):\n {2}nothing about the job, no errors or warnings since t0/,
  );
  assert.doesNotMatch(JSON.stringify(report), /ETIMEDOUT|cannot reach|cannot read the backend/);
});

test('a backend log follow that connects late: lines logged after t0 are all in the report, lines from before t0 are not', async (t) => {
  const sandbox = await Sandbox.start();
  t.after(() => sandbox.stop());
  const backendPod = sandbox.cluster.backendPod;
  // The kubelet answers no log request until released: every follow connects late.
  const releaseLogs = sandbox.api.holdLogRequests();
  t.after(releaseLogs);
  // A source that is ready only when the test says so decides when t0 comes.
  const t0Gate = deferred();
  const gate: Monitor = {
    name: 'test gate',
    start: () => ({
      ready: t0Gate.promise,
      onT0: () => undefined,
      onJobId: () => undefined,
      finalLook: async () => undefined,
      done: Promise.resolve(),
    }),
  };
  const run = startProbe(probeOptionsForProfile(sandbox, profileByName('healthy')!), {
    monitors: [...DEFAULT_MONITORS, gate],
    // The backend logged "configured job …" before it answered: only now may the follow connect.
    onObservation: (o) => o.kind === 'configure.answered' && releaseLogs(),
  });
  const followAsked = await waitFor(
    () => sandbox.api.usage.snapshot().log.find((r) => r.path.endsWith(`/pods/${backendPod}/log`) && r.query.includes('follow=true')),
    { what: "the probe to ask for the backend's log" },
  );
  sandbox.cluster.backendLog('ERROR focus.api: logged before t0, must not be reported');
  // Wall-clock times have 1 ms steps, and a line in t0's own millisecond is kept (never lose one from
  // after t0): let the clock step past the early line's millisecond before t0 comes.
  const earlyMs = sandbox.logs.readEntries(sandbox.namespace, backendPod, BACKEND_CONTAINER).at(-1)!.ms;
  while (Date.now() <= earlyMs) await new Promise((resolve) => setImmediate(resolve));
  t0Gate.resolve();
  const report = await run.report;

  const texts = report.logs.backend!.lines.map((l) => l.text);
  assert.ok(
    texts.some((x) => x.includes(`configured job ${report.jobId}`)),
    `the line logged after t0, before the follow connected, is kept:\n${texts.join('\n')}`,
  );
  assert.ok(!texts.some((x) => x.includes('logged before t0')), "a line from before t0 is not the run's");
  const lineObservations = run.timeline.observations.filter((o) => o.kind === 'log.line' && o.source === 'backend');
  assert.ok(
    lineObservations.length > 0 && lineObservations.every((o) => o.atMs >= 0),
    'the monitor itself drops what was logged before t0',
  );
  const written = sandbox.logs.readEntries(sandbox.namespace, backendPod, BACKEND_CONTAINER);
  const early = written.find((e) => e.text.includes('logged before t0'))!;
  const sinceTime = new URLSearchParams(followAsked.query).get('sinceTime');
  assert.ok(sinceTime && Date.parse(sinceTime) <= early.ms, `the follow asked from ${sinceTime}: the server sent the early line too`);

  assert.equal(report.logs.backend!.error, null);
});
