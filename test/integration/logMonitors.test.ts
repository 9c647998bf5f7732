// The backend-log and pod-log monitors against the sandbox, whose backend and pods write scripted lines
// (with kubelet-style timestamps) through the simulated API server: what is kept, with which times, and
// what a restart brings into the report.
import { describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { resolveKubeconfig } from '../../src/probe/kube/kubeconfig';
import { startBackendLogMonitor } from '../../src/probe/logs/backendLogMonitor';
import { createProbeClock } from '../../src/probe/clock';
import type { LogLine, Report, StampedObservation } from '../../src/probe/model';
import { newApiMeter } from '../../src/probe/kube/kubeHttp';
import { defaultLogOptions } from '../../src/probe/options';
import { renderJson } from '../../src/probe/report/json';
import { startProbe } from '../../src/probe/runProbe';
import { JOB_CONTAINER, BACKEND_CONTAINER } from '../../src/sandbox/cluster';
import { profileByName } from '../../src/sandbox/profiles';
import { Sandbox } from '../../src/sandbox/sandbox';
import type { LogEntry } from '../../src/sandbox/kube/podLogs';
import { assertReportContract } from '../helpers/reportContract';
import { probeOptionsForProfile } from '../helpers/sandboxOptions';
import { waitFor } from '../helpers/waitFor';

/**
 * The kubelet stamps a line when it is written; the probe's time for it is that instant since its t0,
 * which precedes the sandbox's receipt of the configure request by the request's way there. Clock
 * rounding (the wall clock has 1 ms steps) may put it a little early.
 */
const EARLY_MS = 2;
const LATE_MS = 30;

async function probe(t: { after(fn: () => unknown): void }, profile: string) {
  const sandbox = await Sandbox.start();
  t.after(() => sandbox.stop());
  const report = await startProbe(probeOptionsForProfile(sandbox, profileByName(profile)!)).report;
  assertReportContract(JSON.parse(renderJson(report)));
  return { sandbox, report };
}

/** Each kept line was written by the sandbox at (about) the time the report gives it. */
function assertTimesMatch(sandbox: Sandbox, report: Report, lines: readonly LogLine[], written: readonly LogEntry[]) {
  const configureReceivedAt = sandbox.job(report.jobId!)!.configureReceivedAt;
  assert.ok(lines.length > 0);
  for (const line of lines) {
    const entry = written.find((e) => e.time === line.time && e.text === line.text);
    assert.ok(entry, `the sandbox wrote "${line.text}" at ${line.time}`);
    const expected = entry.at - configureReceivedAt;
    assert.ok(
      line.atMs >= expected - EARLY_MS && line.atMs <= expected + LATE_MS,
      `"${line.text}": at ${line.atMs} ms, written at ${expected.toFixed(1)} ms after the configure request arrived`,
    );
  }
}

const backendEntries = (sandbox: Sandbox) => sandbox.logs.readEntries(sandbox.namespace, sandbox.cluster.backendPod, BACKEND_CONTAINER);

describe('log monitors against the sandbox', { concurrency: 2 }, () => {
  test('backend: lines naming the job (and only this job) from t0, with the times they were written', async (t) => {
    const { sandbox, report } = await probe(t, 'healthy');
    const backend = report.logs.backend!;
    assert.equal(backend.selector, 'name^=panda-panda-focus-server');
    assert.deepEqual(backend.pods, [sandbox.cluster.backendPod]);
    assert.equal(backend.error, null);
    const texts = backend.lines.map((l) => l.text);
    for (const expected of [
      `configured job ${report.jobId}`,
      `created Job grpc-job-${report.jobId}`,
      `consumer attached to grpc-job-${report.jobId}`,
      `job ${report.jobId} ready`,
    ]) {
      assert.ok(
        texts.some((x) => x.includes(expected)),
        `"${expected}" kept:\n${texts.join('\n')}`,
      );
    }
    assert.ok(
      backend.lines.every((l) => l.mentionsJob && l.reason === 'job-id' && l.level === 'INFO'),
      'healthy: only lines naming the job',
    );
    // Decoy jobs whose ids contain this one also log; none of their lines may pass.
    const decoyLines = backendEntries(sandbox).filter((e) => /job \S+ streaming to/.test(e.text));
    assert.equal(decoyLines.length, 2, 'the sandbox logged its two decoy jobs');
    assert.ok(!texts.some((x) => /streaming to/.test(x)), 'decoy lines were kept');
    // The access log names the job on every poll: one line with a count, not fifty.
    const polls = backend.lines.filter((l) => l.text.includes(`/metadata/${report.jobId}`));
    assert.ok(
      polls.some((l) => l.repeats > 5),
      `access-log lines folded: ${polls.map((l) => l.repeats).join(',')}`,
    );
    assertTimesMatch(sandbox, report, backend.lines, backendEntries(sandbox));
    assert.ok(
      backend.lines.every((l) => l.atMs >= 0),
      'from t0 on',
    );
  });

  test('backend: ERROR/WARN lines and the traceback, and the diagnosis cites the first error naming the job', async (t) => {
    const { sandbox, report } = await probe(t, 'metadata_never_ready');
    const lines = report.logs.backend!.lines;
    const error = lines.find((l) => l.text.startsWith('ERROR focus.metadata'));
    assert.ok(error && error.level === 'ERROR' && error.reason === 'error' && error.mentionsJob, JSON.stringify(error));
    const traceback = lines.filter((l) => l.reason === 'traceback');
    assert.deepEqual(
      traceback.map((l) => l.text.trim()).filter((x) => /^(Traceback|KeyError)/.test(x)),
      ['Traceback (most recent call last):', "KeyError: 'stream_port'"],
    );
    assert.ok(
      traceback.every((l) => l.atMs >= error.atMs),
      'the traceback follows its error line',
    );
    assertTimesMatch(sandbox, report, [error, ...traceback], backendEntries(sandbox));
    assert.ok(
      report.scenario.evidence.some((e) =>
        e.includes(
          `logged at ${(error.atMs / 1000).toFixed(3)}s: "ERROR focus.metadata: building metadata for job ${report.jobId} failed" → "KeyError: 'stream_port'"`,
        ),
      ),
      report.scenario.evidence.join('\n'),
    );

    const warned = await probe(t, 'consumer_never_ready');
    const warning = warned.report.logs.backend!.lines.find((l) => l.level === 'WARN');
    assert.ok(warning?.text.includes('not attached, retrying') && warning.reason === 'error', JSON.stringify(warning));
  });

  test("pod: startup lines of the job's container from its start; nothing ended", async (t) => {
    const { sandbox, report } = await probe(t, 'healthy');
    const pod = report.logs.pod!;
    const primary = report.pods.find((p) => p.role === 'primary')!;
    assert.equal(pod.pod, primary.name);
    assert.deepEqual(pod.containers, [JOB_CONTAINER]);
    assert.deepEqual(
      pod.lines.map((l) => [l.text.replace(report.jobId!, '{id}'), l.reason, l.instance]),
      [
        ['INFO baby_analyzer: Baby Analyzer 2.3.1 starting for job {id}', 'job-id', 0],
        ['INFO baby_analyzer: loading GPU model on nvidia.com/gpu.shared', 'startup', 0],
        ['INFO baby_analyzer: connecting to amqp://rabbitmq-panda.panda.svc:5672', 'startup', 0],
        ['INFO baby_analyzer: declared queue grpc-job-{id}, streaming', 'job-id', 0],
      ],
    );
    assertTimesMatch(sandbox, report, pod.lines, sandbox.logs.readEntries(sandbox.namespace, primary.name, JOB_CONTAINER));
    assert.deepEqual(pod.previous, []);
  });

  test("pod: a restart brings the previous container's last lines (read with previous=true) into the report", async (t) => {
    const { sandbox, report } = await probe(t, 'pod_failed');
    const pod = report.logs.pod!;
    const name = report.pods.find((p) => p.role === 'primary')!.name;
    assert.ok(
      sandbox.api.served.log.previous >= 2,
      `the probe asked for the previous container's log (${sandbox.api.served.log.previous}×)`,
    );
    assert.deepEqual(
      pod.previous.map((e) => [e.instance, e.via]),
      [
        [0, 'previous'],
        [1, 'previous'],
        [2, 'follow'],
      ],
      'runs 1 and 2 read after their restart; run 3 crashed for good and its live stream had the end',
    );
    for (const ended of pod.previous) {
      assert.equal(ended.lines[ended.lines.length - 1]!.text, "KeyError: 'stream_port'");
      assert.ok(
        ended.lines.some((l) => l.text.startsWith('INFO baby_analyzer: Baby Analyzer 2.3.1 starting')),
        "from the instance's start",
      );
      assert.ok(ended.lines.every((l) => l.instance === ended.instance && l.reason === 'last-lines'));
    }
    // The kubelet keeps two instances: run 2 is "previous", run 3 (crashed, not restarted) "current".
    assertTimesMatch(
      sandbox,
      report,
      pod.previous[1]!.lines,
      sandbox.logs.readEntries(sandbox.namespace, name, JOB_CONTAINER, { previous: true }),
    );
    assertTimesMatch(sandbox, report, pod.previous[2]!.lines, sandbox.logs.readEntries(sandbox.namespace, name, JOB_CONTAINER));
    assert.ok(
      report.scenario.evidence.some((e) => e.startsWith(`container ${JOB_CONTAINER} (run 3) ended with "KeyError: 'stream_port'"`)),
      report.scenario.evidence.join('\n'),
    );
    assert.match(report.scenario.suggestions[0]!, /ended with "KeyError: 'stream_port'" on every start/);
    await waitFor(() => sandbox.api.openFollows === 0, { what: 'the probe to close its log follows', timeoutMs: 2000 });
  });
});

test("a refused configure: the backend's error is evidence; a selector that picks no pod says so instead", async (t) => {
  const sandbox = await Sandbox.start();
  t.after(() => sandbox.stop());
  const refused = await startProbe(probeOptionsForProfile(sandbox, profileByName('configure_failed')!)).report;
  assert.equal(refused.scenario.id, 'configure_failed');
  assert.ok(
    refused.scenario.evidence.some((e) =>
      /logged at [\d.]+s \(not naming the job\): "ERROR focus\.api: POST \/configure refused: all 30 job windows are busy"$/.test(e),
    ),
    refused.scenario.evidence.join('\n'),
  );
  const options = probeOptionsForProfile(sandbox, profileByName('configure_failed')!);
  options.logs = { ...defaultLogOptions(), backend: { enabled: true, podNamePrefix: 'no-such-backend' } };
  const report = await startProbe(options).report;
  assert.deepEqual(
    { pods: report.logs.backend?.pods, lines: report.logs.backend?.lines, error: report.logs.backend?.error },
    { pods: [], lines: [], error: 'no running pod in namespace panda matches name^=no-such-backend' },
  );
  assert.ok(
    report.scenario.evidence.every((e) => !e.includes('ERROR focus.api')),
    'the real backend pod was not read',
  );
});

/** The backend-log monitor alone, through `kubeconfig`, collecting what it emits; stopped after the test. */
function backendLogMonitor(t: TestContext, sandbox: Sandbox, kubeconfig: string, logs = defaultLogOptions(), apiMeter = newApiMeter()) {
  const kube = resolveKubeconfig({ kubeconfig });
  assert.ok(kube.found);
  const controller = new AbortController();
  const seen: StampedObservation[] = [];
  const monitor = startBackendLogMonitor({
    kc: kube.kc,
    namespace: sandbox.namespace,
    logs,
    clock: createProbeClock(),
    emit: (o) => seen.push(o),
    signal: controller.signal,
    requestTimeoutMs: 2000,
    apiMeter,
  });
  const stop = async () => {
    controller.abort();
    await monitor.done;
  };
  t.after(stop);
  return { monitor, seen, stop };
}

test('logs the probe may not read: one clear line, no crash, nothing left open', async (t) => {
  const sandbox = await Sandbox.start();
  t.after(() => sandbox.stop());
  // RBAC that lets the probe find the backend's pods but not read their logs.
  const { seen, stop } = backendLogMonitor(t, sandbox, sandbox.noLogsKubeconfigPath);
  await waitFor(() => seen.some((o) => o.kind === 'log.access' && o.access.state === 'unavailable'), { what: 'the refusal' });
  const refusal = seen.find((o) => o.kind === 'log.access' && o.access.state === 'unavailable');
  assert.ok(refusal?.kind === 'log.access' && refusal.access.state === 'unavailable');
  assert.match(
    refusal.access.reason,
    /^cannot read the backend's logs: 403 Forbidden from \/api\/v1\/namespaces\/panda\/pods\/panda-panda-focus-server-[^/]+\/log: pods "[^"]+" is forbidden: User "system:serviceaccount:panda:consumer-probe" cannot get resource "pods\/log"/,
  );
  await stop();
  assert.equal(sandbox.api.openFollows, 0);
});

test("the backend's pods are found through the Deployment the name prefix names, never by listing the namespace", async (t) => {
  const sandbox = await Sandbox.start({ noise: { unrelatedPods: 300 } });
  t.after(() => sandbox.stop());
  sandbox.api.usage.reset();
  const meter = newApiMeter();
  const { monitor, seen } = backendLogMonitor(t, sandbox, sandbox.kubeconfigPath, defaultLogOptions(), meter);
  await monitor.ready;
  const following = seen.find((o) => o.kind === 'log.access' && o.access.state === 'following');
  assert.ok(following?.kind === 'log.access' && following.access.state === 'following');
  assert.deepEqual(following.access.pods, [sandbox.cluster.backendPod]);

  const asked = sandbox.api.usage.snapshot().log.map((r) => `${r.path}?${r.query}`);
  assert.ok(
    asked.some((r) => r.startsWith('/apis/apps/v1/namespaces/panda/deployments/panda-panda-focus-server?')),
    asked.join('\n'),
  );
  const podLists = sandbox.api.usage.snapshot().log.filter((r) => r.path === '/api/v1/namespaces/panda/pods');
  assert.ok(podLists.length > 0);
  for (const r of podLists) assert.ok(new URLSearchParams(r.query).has('labelSelector'), `an unselected pod list: ${r.query}`);
  assert.equal(meter.requests, sandbox.api.usage.snapshot().requests, 'the monitor counted every request it made');
  assert.ok(!seen.some((o) => o.kind === 'cluster.notice'), 'no fallback was needed');
});

test('a name prefix no workload carries falls back to one list of the namespace, and says so once', async (t) => {
  const sandbox = await Sandbox.start();
  t.after(() => sandbox.stop());
  const logs = defaultLogOptions();
  // The backend pod's name starts with this, but no Deployment or StatefulSet has it as its name.
  logs.backend = { enabled: true, podNamePrefix: 'panda-panda-focus' };
  const { monitor, seen } = backendLogMonitor(t, sandbox, sandbox.kubeconfigPath, logs);
  await monitor.ready;
  const notices = seen.filter((o) => o.kind === 'cluster.notice');
  assert.equal(notices.length, 1);
  assert.match(
    notices[0]!.kind === 'cluster.notice' ? notices[0]!.text : '',
    /no Deployment or StatefulSet named panda-panda-focus .* listing every pod of namespace panda once/,
  );
  const following = seen.find((o) => o.kind === 'log.access' && o.access.state === 'following');
  assert.ok(
    following?.kind === 'log.access' &&
      following.access.state === 'following' &&
      following.access.pods.includes(sandbox.cluster.backendPod),
  );
});
