// The sandbox's capacity model with plain HTTP and the API server's objects, without the probe: shared
// GPUs (Pending + FailedScheduling while they are all held), the backend's windows (503 beyond them),
// jobs that complete and free both, seeded jitter, and what the real kubectl shows of it.
import { describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { TIMING_KEYS } from '../../src/probe/model';
import type { CapacityOptions } from '../../src/sandbox/capacityPlan';
import { FAILED_SCHEDULING_MESSAGE } from '../../src/sandbox/clusterObjects';
import type { KubeObject } from '../../src/sandbox/kube/store';
import { BURST_PROFILE } from '../../src/sandbox/profiles';
import { Sandbox, type SandboxJobRecord } from '../../src/sandbox/sandbox';
import { runKubectl } from '../helpers/kubectl';
import { makeTempDir } from '../helpers/tmp';
import { waitFor } from '../helpers/waitFor';

const GPU = 'nvidia.com/gpu.shared';
const STAGES_IN_ORDER = TIMING_KEYS.filter((k) => k !== 'configureMs');

async function startSandbox(t: TestContext, capacity: CapacityOptions): Promise<Sandbox> {
  const sandbox = await Sandbox.start({ capacity });
  t.after(() => sandbox.stop());
  return sandbox;
}

async function configure(sandbox: Sandbox): Promise<{ status: number; body: string; jobId?: string }> {
  const res = await fetch(`${sandbox.backendUrlFor(BURST_PROFILE)}/configure`, { method: 'POST', body: '{}' });
  const body = await res.text();
  return { status: res.status, body, jobId: res.status === 200 ? String(JSON.parse(body).job_id) : undefined };
}

const configureAll = (sandbox: Sandbox, n: number) => Promise.all(Array.from({ length: n }, () => configure(sandbox)));

/** The analyzer pods of the jobs (not the cleanup Jobs' pods). */
const jobPods = (sandbox: Sandbox): KubeObject[] =>
  sandbox.store.list('pods', sandbox.namespace).items.filter((p) => /^grpc-job-\d+-\d+$/.test(p.metadata.labels?.['job-name'] ?? ''));
const holdsGpu = (pod: KubeObject) =>
  Boolean((pod.spec as { nodeName?: string }).nodeName) && (pod.status as { phase: string }).phase !== 'Succeeded';
const isUnschedulable = (pod: KubeObject) =>
  (pod.status as { conditions?: { type: string; status: string; reason?: string }[] }).conditions?.some(
    (c) => c.type === 'PodScheduled' && c.status === 'False' && c.reason === 'Unschedulable',
  ) ?? false;
const failedScheduling = (sandbox: Sandbox, pod: string) =>
  sandbox.store
    .list('events', sandbox.namespace)
    .items.filter((e) => e.reason === 'FailedScheduling' && (e.involvedObject as { name: string }).name === pod);
const at = (record: SandboxJobRecord, ms: number | undefined) => record.configureReceivedAt + (ms ?? NaN);

describe('the sandbox capacity model', { concurrency: 1 }, () => {
  test('10 jobs on 6 GPUs: 6 run at once, 4 wait Pending (FailedScheduling, retried) until running jobs complete', async (t) => {
    const sandbox = await startSandbox(t, { gpus: 6, jobLifetimeMs: 1_000, attachMsPerJobInFlight: 0, jitterMs: 100, seed: 3 });
    // Count GPU holders on every change the API server serves: never more than the GPUs.
    let most = 0;
    t.after(sandbox.store.subscribe(() => (most = Math.max(most, jobPods(sandbox).filter(holdsGpu).length))));

    const answers = await configureAll(sandbox, 10);
    assert.deepEqual(
      answers.map((a) => a.status),
      Array(10).fill(200),
      answers.map((a) => a.body.slice(0, 200)).join('\n'),
    );
    const windows = answers.map((a) => Number(a.jobId!.split('-')[0]));
    assert.deepEqual(
      [...windows].sort((a, b) => a - b),
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
      'job ids are <window>-<unique>',
    );

    const waiting = await waitFor(
      () => {
        const pods = jobPods(sandbox);
        const pending = pods.filter((p) => isUnschedulable(p) && failedScheduling(sandbox, p.metadata.name).length === 1);
        return pods.length === 10 && pods.filter(holdsGpu).length === 6 && pending.length === 4 && pending;
      },
      { what: '6 pods scheduled and 4 Pending with FailedScheduling', timeoutMs: 10_000 },
    );
    for (const pod of waiting) {
      assert.equal((pod.status as { phase: string }).phase, 'Pending');
      assert.equal((pod.spec as { nodeName?: string }).nodeName, undefined);
      const requests = (pod.spec as { containers: { resources: { requests: Record<string, string> } }[] }).containers[0]!.resources
        .requests;
      assert.equal(requests[GPU], '1', 'every job pod asks for one GPU');
      const [event] = failedScheduling(sandbox, pod.metadata.name);
      assert.equal(event!.message, FAILED_SCHEDULING_MESSAGE);
      assert.equal(event!.type, 'Warning');
      assert.deepEqual(event!.source, { component: 'default-scheduler' });
    }
    assert.deepEqual(
      sandbox.capacity.snapshot().waitingForGpu.sort(),
      waiting.map((p) => p.metadata.labels!['job-name']!.slice('grpc-job-'.length)).sort(),
    );

    // Every job ends: the first six complete and hand their GPUs to the four.
    const jobIds = answers.map((a) => a.jobId!);
    await waitFor(() => jobIds.every((id) => sandbox.job(id)?.capacity?.completedMs !== undefined), {
      what: 'all 10 jobs to complete',
      timeoutMs: 30_000,
    });
    assert.equal(most, 6, 'at most 6 pods held a GPU at any moment, and 6 did at once');
    const records = jobIds.map((id) => sandbox.job(id)!);
    const waited = records.filter((r) => r.capacity!.schedulingFailures > 0);
    assert.equal(waited.length, 4);
    const completions = records.map((r) => at(r, r.capacity!.completedMs)).sort((a, b) => a - b);
    for (const r of waited) {
      // Scheduled only once a running job had completed, and the scheduler had retried meanwhile.
      assert.ok(at(r, r.capacity!.gpuBoundMs) >= completions[0]!, `${r.jobId} was scheduled before any GPU was freed`);
      const [event] = failedScheduling(sandbox, sandbox.cluster.podNameOf(r.jobId)!);
      assert.equal(event!.count, r.capacity!.schedulingFailures);
      assert.ok(r.capacity!.schedulingFailures >= 2, `${r.jobId}: the scheduler retried (${r.capacity!.schedulingFailures} attempts)`);
    }
    for (const r of records) {
      assert.deepEqual(r.scriptErrors, []);
      let previous = r.truth.configureMs!;
      for (const key of STAGES_IN_ORDER) {
        const ms = r.truth[key];
        assert.ok(ms !== undefined && ms >= previous - 1, `${r.jobId} ${key}: ${ms} after ${previous}`);
        previous = Math.max(previous, ms);
      }
      assert.ok(Math.abs(r.truth.podScheduledMs! - r.capacity!.gpuBoundMs!) < 2, 'the truth of scheduling is the GPU binding');
      const job = sandbox.store.get('jobs', sandbox.namespace, `grpc-job-${r.jobId}`)!;
      assert.deepEqual(
        (job.status as { conditions: { type: string }[] }).conditions.map((c) => c.type),
        ['Complete'],
      );
    }
    assert.ok(jobPods(sandbox).every((p) => (p.status as { phase: string }).phase === 'Succeeded'));
    assert.deepEqual(sandbox.capacity.snapshot(), {
      gpus: 6,
      gpusInUse: 0,
      windows: 30,
      windowsInUse: 0,
      waitingForGpu: [],
      admitted: 10,
      refused: 0,
    });
  });

  test('32 jobs with GPUs to spare: 30 in flight, the 31st and 32nd refused with the windows error', async (t) => {
    const sandbox = await startSandbox(t, { gpus: 40, jitterMs: 50 });
    const answers = await configureAll(sandbox, 32);
    const refused = answers.filter((a) => a.status !== 200);
    assert.equal(refused.length, 2, answers.map((a) => `${a.status} ${a.body.slice(0, 80)}`).join('\n'));
    for (const r of refused) {
      assert.equal(r.status, 503);
      assert.deepEqual(JSON.parse(r.body), { detail: 'All 30 job windows are busy' });
    }
    const ids = answers.filter((a) => a.status === 200).map((a) => a.jobId!);
    assert.deepEqual(
      ids.map((id) => Number(id.split('-')[0])).sort((a, b) => a - b),
      Array.from({ length: 30 }, (_, i) => i),
    );
    assert.deepEqual(new Set(sandbox.jobs().map((r) => r.capacity?.index)).size, 30);
    assert.deepEqual(
      sandbox
        .jobs()
        .map((r) => r.capacity!.index)
        .filter((i) => i >= 30),
      [],
      'the two that arrived last were refused',
    );
    const snapshot = sandbox.capacity.snapshot();
    assert.equal(snapshot.windowsInUse, 30);
    assert.equal(snapshot.refused, 2);
    const backendLog = sandbox.logs.read(sandbox.namespace, sandbox.cluster.backendPod, 'focus-server').join('\n');
    assert.equal(backendLog.match(/ERROR focus\.api: POST \/configure refused: all 30 job windows are busy/g)?.length, 2);

    // With 30 jobs in flight, every consumer attaches 29 × 150 ms later than one alone would.
    await waitFor(() => ids.every((id) => sandbox.job(id)?.capacity?.attachLoadMs !== undefined), {
      what: 'every queue to appear',
      timeoutMs: 15_000,
    });
    for (const id of ids) {
      const c = sandbox.job(id)!.capacity!;
      assert.equal(c.inFlightAtQueue, 30);
      assert.equal(c.attachLoadMs, 29 * 150);
      assert.equal(c.schedulingFailures, 0, 'GPUs to spare: no pod waited');
    }
  });

  test('a job that completes frees its window and its GPU', async (t) => {
    const sandbox = await startSandbox(t, { gpus: 1, windows: 2, jobLifetimeMs: 300, jitterMs: 0 });
    const [first, second] = await configureAll(sandbox, 2);
    const third = await configure(sandbox);
    assert.equal(third.status, 503, 'both windows are in use');
    assert.deepEqual(JSON.parse(third.body), { detail: 'All 2 job windows are busy' });

    // One pod gets the GPU (whichever request arrived first); the other waits until that job completes.
    const b = await waitFor(() => sandbox.capacity.snapshot().waitingForGpu[0], { what: 'a pod to wait for the GPU' });
    const a = [first!.jobId!, second!.jobId!].find((id) => id !== b)!;
    assert.ok([first!.jobId, second!.jobId].includes(b));
    const done = (id: string) => sandbox.job(id)?.capacity?.completedMs !== undefined;
    await waitFor(() => done(a) && sandbox.job(b)?.truth.podScheduledMs !== undefined, {
      what: 'the first job to complete',
      timeoutMs: 15_000,
    });
    const [ra, rb] = [sandbox.job(a)!, sandbox.job(b)!];
    assert.ok(rb.capacity!.schedulingFailures >= 1, 'the second pod waited');
    assert.ok(at(rb, rb.truth.podScheduledMs) >= at(ra, ra.capacity!.completedMs), 'scheduled once the GPU was freed');
    const pod = sandbox.store.get('pods', sandbox.namespace, sandbox.cluster.podNameOf(a)!)!;
    assert.equal((pod.status as { phase: string }).phase, 'Succeeded');

    // Its window is free again: a new configure gets it, and gets the GPU once the second job completes.
    const fourth = await configure(sandbox);
    assert.equal(fourth.status, 200, fourth.body);
    assert.equal(fourth.jobId!.split('-')[0], a.split('-')[0], 'the freed window is reused');
    await waitFor(() => done(b) && done(fourth.jobId!), { what: 'the later jobs to complete', timeoutMs: 15_000 });
    assert.equal(sandbox.capacity.snapshot().gpusInUse, 0);
    assert.equal((await configure(sandbox)).status, 200);
  });

  test('the same seed gives every job the same jitter, and the stages wait for it', async (t) => {
    const jitterOf = async (seed: number) => {
      const sandbox = await startSandbox(t, { gpus: 3, jitterMs: 400, seed });
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) ids.push((await configure(sandbox)).jobId!);
      await waitFor(() => ids.every((id) => sandbox.job(id)?.truth.jobCreatedMs !== undefined), { what: 'the Jobs to be created' });
      const records = ids.map((id) => sandbox.job(id)!);
      await sandbox.stop();
      return records;
    };
    const [once, again, other] = [await jitterOf(11), await jitterOf(11), await jitterOf(12)];
    assert.deepEqual(
      once.map((r) => r.capacity!.jitter),
      again.map((r) => r.capacity!.jitter),
    );
    assert.notDeepEqual(
      once.map((r) => r.capacity!.jitter),
      other.map((r) => r.capacity!.jitter),
    );
    for (const r of once) {
      // The configure answer and the Job waited their jitter on top of their base delay (150 ms, 200 ms).
      assert.ok(r.truth.configureMs! >= 150 + r.capacity!.jitter.configure - 2, `configure ${r.truth.configureMs} ms`);
      assert.ok(r.truth.jobCreatedMs! >= 200 + r.capacity!.jitter.createJob - 2, `Job created at ${r.truth.jobCreatedMs} ms`);
    }
  });

  test('kubectl get pods / get events show the Pending pods and their FailedScheduling events', async (t) => {
    const sandbox = await startSandbox(t, { gpus: 1, jitterMs: 0 });
    const ids = (await configureAll(sandbox, 3)).map((a) => a.jobId!);
    await waitFor(() => jobPods(sandbox).filter(isUnschedulable).length === 2 && jobPods(sandbox).some(holdsGpu), {
      what: 'one pod with the GPU and two Pending',
      timeoutMs: 10_000,
    });
    const home = makeTempDir(t, 'kubectl-capacity-');
    const kubectl = (...args: string[]) => runKubectl(args, { kubeconfig: sandbox.kubeconfigPath, home }, t);

    const pods = await kubectl('get', 'pods');
    assert.equal(pods.code, 0, pods.stderr);
    const pendingLines = pods.stdout.split('\n').filter((l) => /^grpc-job-\S+\s+0\/1\s+Pending\s/.test(l));
    assert.equal(pendingLines.length, 2, pods.stdout);
    const waitingIds = sandbox.capacity.snapshot().waitingForGpu;
    for (const id of waitingIds)
      assert.ok(
        pendingLines.some((l) => l.startsWith(`grpc-job-${id}-`)),
        `${id} is Pending:\n${pods.stdout}`,
      );
    assert.equal(ids.filter((id) => !waitingIds.includes(id)).length, 1);

    const events = await kubectl('get', 'events', '--field-selector', 'reason=FailedScheduling');
    assert.equal(events.code, 0, events.stderr);
    for (const id of waitingIds) {
      const line = events.stdout.split('\n').find((l) => l.includes(`pod/grpc-job-${id}-`));
      assert.ok(line, `no FailedScheduling event for ${id}:\n${events.stdout}`);
      assert.match(line, /\sWarning\s+FailedScheduling\s/);
      assert.ok(line.includes(`3 Insufficient ${GPU}`), line);
    }
  });
});
