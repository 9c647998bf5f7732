// A burst against the sandbox: its Kubernetes API requests do not grow with N (one set of watches, one
// reader of the backend's logs; only each job's own pod log follow is per job), every job's report
// still gets its backend log lines, and a burst beyond the GPU capacity reports censored percentiles
// and the GPU verdict.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test, type TestContext } from 'node:test';
import { buildBurstReport } from '../../src/probe/burst/buildBurstReport';
import { runBurst } from '../../src/probe/burst/runBurst';
import { ClusterObserver } from '../../src/probe/kube/clusterObserver';
import { profileByName, BURST_PROFILE } from '../../src/sandbox/profiles';
import { Sandbox, type SandboxOptions } from '../../src/sandbox/sandbox';
import { probeOptionsForProfile } from '../helpers/sandboxOptions';
import { waitFor } from '../helpers/waitFor';

async function sandbox(t: TestContext, opts: SandboxOptions = {}): Promise<Sandbox> {
  const s = await Sandbox.start(opts);
  t.after(() => s.stop());
  return s;
}

/** Requests other than the per-job pod log follows (which are allowed to grow with N). */
function sharedRequests(s: Sandbox): { count: number; paths: string[] } {
  const usage = s.apiUsage();
  const perJob = Object.entries(usage.byPath).filter(([path]) => /^follow .*\/pods\/grpc-job-/.test(path));
  const paths = Object.entries(usage.byPath)
    .filter(([path]) => !/^follow .*\/pods\/grpc-job-/.test(path))
    .map(([path, u]) => `${path} ×${u.requests}`);
  return { count: usage.requests - perJob.reduce((n, [, u]) => n + u.requests, 0), paths };
}

test('the Kubernetes API requests of a burst do not grow with N (N=1 vs N=10, then C=1 with a ramp)', async (t) => {
  const s = await sandbox(t);
  const options = probeOptionsForProfile(s, profileByName('healthy')!);

  s.resetUsage();
  const one = await runBurst(options, { jobs: 1 });
  const single = sharedRequests(s);
  assert.equal(one.runs[0]!.scenario.id, 'healthy');

  s.resetUsage();
  const ten = await runBurst(options, { jobs: 10 });
  const burst = sharedRequests(s);
  assert.deepEqual(
    ten.runs.map((r) => r.scenario.id),
    Array(10).fill('healthy'),
  );
  assert.ok(
    burst.count <= single.count + 2,
    `N=1: ${single.count} requests (${single.paths.join(', ')}); N=10: ${burst.count} (${burst.paths.join(', ')})`,
  );
  assert.equal(ClusterObserver.openCount(), 0, 'the burst leaves no watches behind');

  // Every job still reads its own lines of the shared backend log reader.
  for (const r of ten.runs) {
    const lines = r.logs.backend?.lines ?? [];
    assert.ok(
      lines.some((l) => l.mentionsJob && l.text.includes(r.jobId!)),
      `job ${r.index} (${r.jobId}) has its backend line: ${JSON.stringify(lines.map((l) => l.text))}`,
    );
    assert.ok(!lines.some((l) => l.reason === 'job-id' && !l.text.includes(r.jobId!)), `job ${r.index} got another job's line`);
  }

  // Jobs one after the other (C=1) keep the same watches open between them.
  s.resetUsage();
  const serial = await runBurst(options, { jobs: 3, concurrency: 1, rampMs: 200 });
  const sequential = sharedRequests(s);
  assert.equal(serial.runs.length, 3);
  assert.ok(serial.runs[1]!.sentAtMs >= serial.runs[0]!.sentAtMs + 1000, 'C=1: job 2 waits for job 1');
  assert.ok(sequential.count <= single.count + 2, `C=1: ${sequential.count} requests (${sequential.paths.join(', ')})`);
});

test('a burst beyond the GPU capacity: censored percentiles and the GPU verdict', async (t) => {
  const s = await sandbox(t, { capacity: { gpus: 3, jitterMs: 50 } });
  const profile = profileByName(BURST_PROFILE)!;
  const options = { ...probeOptionsForProfile(s, profile), timeoutMs: 6_000 };
  const events: string[] = [];
  s.resetUsage();
  const outcome = await runBurst(options, { jobs: 5, onJobEvent: (e) => events.push(`${e.index} ${e.state.kind}`) });
  const report = buildBurstReport(outcome);

  const pending = report.runs.filter((r) => r.scenario.cause === 'unschedulable_gpu');
  assert.equal(pending.length, 2, report.runs.map((r) => `${r.index} ${r.scenario.id}/${r.scenario.cause}`).join(', '));
  const ready = report.stages.consumerReadyMs;
  assert.deepEqual([ready.reached, ready.censored], [3, 2]);
  assert.notEqual(ready.p50, null);
  assert.deepEqual([ready.p90, ready.p95, ready.p99, ready.max, ready.mean], [null, null, null, null, null]);
  assert.match(report.verdict.title, /GPU capacity ended at ≈ 3 concurrent jobs/);
  assert.ok(
    report.verdict.evidence.some(
      (e) => e.startsWith('3 of 5 jobs became ready; the other 2 stayed Pending: ') && e.includes('Insufficient nvidia.com/gpu.shared'),
    ),
    report.verdict.evidence.join('\n'),
  );
  // The jobs that waited for a GPU end together: one list of the running pods tells all of them who holds the GPUs.
  const holderLists = s.apiUsage().log.filter((r) => r.path.endsWith('/pods') && r.query.includes('status.phase'));
  assert.equal(holderLists.length, 1, `lists of running pods: ${holderLists.map((r) => r.query).join(' | ')}`);
  for (const r of pending)
    assert.ok(
      r.scenario.evidence.some((e) => /^pod \S+ holds 1 nvidia\.com\/gpu\.shared/.test(e)),
      r.scenario.evidence.join('\n'),
    );
  for (let i = 1; i <= 5; i++) {
    assert.ok(events.includes(`${i} sent`) && events.includes(`${i} finished`), `job ${i}'s states: ${events.join(', ')}`);
  }
});

test('one management API poller for the whole burst: queue listings do not grow with N', async (t) => {
  const s = await sandbox(t);
  // A counting proxy in front of the simulated management API.
  const counts = { list: 0, detail: 0 };
  const proxy = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://proxy.invalid').pathname;
    if (/^\/api\/queues\/[^/]+$/.test(path)) counts.list += 1;
    else if (/^\/api\/queues\/[^/]+\/[^/]+$/.test(path)) counts.detail += 1;
    fetch(`${s.brokerUrl}${req.url}`, { headers: { authorization: req.headers.authorization ?? '' } }).then(
      async (answer) => {
        res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
        res.end(Buffer.from(await answer.arrayBuffer()));
      },
      () => res.destroy(),
    );
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => proxy.close(() => resolve())));
  const base = probeOptionsForProfile(s, profileByName('healthy')!);
  const options = { ...base, broker: { ...base.broker, managementUrl: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}` } };

  const one = await runBurst(options, { jobs: 1 });
  const single = { ...counts, ms: Math.max(...one.runs.map((r) => r.sentAtMs + (r.timings.consumerReadyMs ?? 0))) };
  counts.list = 0;
  counts.detail = 0;
  const ten = await runBurst(options, { jobs: 10 });
  const burstMs = Math.max(...ten.runs.map((r) => r.sentAtMs + (r.timings.consumerReadyMs ?? 0)));

  for (const r of ten.runs) {
    assert.equal(r.queue?.name, `grpc-job-${r.jobId}`, `job ${r.index} found its own queue`);
    assert.notEqual(r.timings.consumerAttachedMs, null, `job ${r.index} saw its consumer attach`);
  }
  // Listings follow time (one per poll interval), not N: allow for the burst lasting a little longer.
  const perSecond = (n: number, ms: number) => n / (ms / 1000);
  assert.ok(
    perSecond(counts.list, burstMs) <= perSecond(single.list, single.ms) * 1.5 + 1,
    `listings: N=1 ${single.list} in ${single.ms} ms, N=10 ${counts.list} in ${burstMs} ms`,
  );
  // A job's queue is read in detail only when its row changes (appeared, consumer attached, …).
  assert.ok(counts.detail <= 10 * 4, `detail reads: ${counts.detail}`);
});

test('stopping a burst: jobs in flight end as stopped, the rest are never sent, nothing is left open', async (t) => {
  const s = await sandbox(t);
  const options = probeOptionsForProfile(s, profileByName('healthy')!);
  const stop = new AbortController();
  s.resetUsage();
  const outcome = await runBurst(options, {
    jobs: 6,
    concurrency: 2,
    signal: stop.signal,
    onJobEvent: (e) => {
      if (e.state.kind === 'pod') stop.abort(new Error('interrupted'));
    },
  });
  assert.deepEqual(
    outcome.runs.map((r) => [r.index, r.scenario.id]),
    [
      [1, 'stopped'],
      [2, 'stopped'],
    ],
  );
  assert.equal(s.jobs().length, 2, 'jobs 3–6 were never sent');
  const report = buildBurstReport(outcome);
  assert.ok(report.verdict.evidence.includes('4 jobs not sent: the burst was stopped'), report.verdict.evidence.join('\n'));
  assert.equal(ClusterObserver.openCount(), 0);
  await waitFor(() => s.apiUsage().log.every((r) => !r.open), { what: 'every watch and log follow closed' });
});
