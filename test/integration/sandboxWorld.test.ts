// The sandbox's simulated world on its own: the backend, the cluster objects, the broker's management
// API and the ground truth each scenario profile records, without the probe.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { SCENARIO_IDS, TIMING_KEYS } from '../../src/probe/model';
import { DEFAULT_CONFIGURE_BODY } from '../../src/probe/options';
import { SimulatedBroker } from '../../src/sandbox/broker';
import { SimulatedCluster, decoyJobIds } from '../../src/sandbox/cluster';
import { PodLogStore } from '../../src/sandbox/kube/podLogs';
import { ObjectStore, type KubeObject } from '../../src/sandbox/kube/store';
import { PROFILES, isClusterStep, orderedSteps } from '../../src/sandbox/profiles';
import { Sandbox } from '../../src/sandbox/sandbox';
import { waitFor, withDeadline } from '../helpers/waitFor';

const CONFIGURE_FIELDS = [
  'status',
  'job_id',
  'stream_url',
  'stream_port',
  'stream_amount',
  'channel_amount',
  'channel_to_stream_index',
  'frequencies_amount',
  'frequencies_list',
  'lines_dt',
  'view_type',
];

async function startSandbox(t: { after(fn: () => unknown): void }): Promise<Sandbox> {
  const sandbox = await Sandbox.start();
  t.after(() => sandbox.stop());
  return sandbox;
}

async function configure(baseUrl: string, body: string = JSON.stringify(DEFAULT_CONFIGURE_BODY)) {
  const res = await fetch(`${baseUrl}/configure`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json' },
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function configureJob(sandbox: Sandbox, profile: string): Promise<string> {
  const answer = await configure(sandbox.backendUrlFor(profile));
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  return String(answer.body.job_id);
}

async function metadata(baseUrl: string, jobId: string) {
  const res = await fetch(`${baseUrl}/metadata/${encodeURIComponent(jobId)}`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const podsOf = (sandbox: Sandbox, prefix: string): KubeObject[] =>
  sandbox.store.list('pods', sandbox.namespace).items.filter((p) => p.metadata.name.startsWith(prefix));
const primaryPod = (sandbox: Sandbox, jobId: string): KubeObject | undefined =>
  podsOf(sandbox, `grpc-job-${jobId}-`).find((p) => new RegExp(`^grpc-job-${jobId}-[a-z0-9]{5}$`).test(p.metadata.name));
const statusOf = (pod: KubeObject | undefined) => pod?.status as Record<string, any> | undefined;
const condition = (pod: KubeObject | undefined, type: string) =>
  (statusOf(pod)?.conditions as { type: string; status: string; reason?: string }[] | undefined)?.find((c) => c.type === type);

describe('scenario profiles', () => {
  test('every scenario id has at least one profile that expects it', () => {
    // `stopped` is the user's doing (Stop Probe, Ctrl-C), not a cluster's: no profile can script it.
    for (const id of SCENARIO_IDS.filter((s) => s !== 'stopped')) {
      assert.ok(
        PROFILES.some((p) => p.expectedScenario === id),
        `no profile expects ${id}`,
      );
    }
    assert.equal(new Set(PROFILES.map((p) => p.name)).size, PROFILES.length, 'profile names are unique');
  });

  test('every profile script applies cleanly to a fresh cluster', () => {
    for (const profile of PROFILES) {
      const cluster = new SimulatedCluster({ store: new ObjectStore(), logs: new PodLogStore() });
      for (const step of orderedSteps(profile)) {
        assert.doesNotThrow(() => {
          if (isClusterStep(step)) cluster.apply('3-41234', step.do);
          else if (step.do === 'log' && step.source === 'container') for (const l of step.lines) cluster.containerLog('3-41234', l);
        }, `${profile.name}: ${step.do} at ${step.atMs} ms`);
      }
    }
  });
});

describe('the sandbox world', { concurrency: true }, () => {
  test('healthy: job, pod, decoys, metadata 404 → 200 and an increasing ground truth', async (t) => {
    const sandbox = await startSandbox(t);
    const answer = await configure(sandbox.backendUrl);
    assert.equal(answer.status, 200);
    assert.deepEqual(Object.keys(answer.body).sort(), [...CONFIGURE_FIELDS].sort());
    const jobId = String(answer.body.job_id);
    assert.match(jobId, /^([0-9]|[12][0-9])-\d+$/);
    assert.deepEqual(await metadata(sandbox.backendUrl, jobId), { status: 404, body: { detail: 'Invalid job_id' } });
    assert.equal((await metadata(sandbox.backendUrl, '29-1')).status, 400, 'an id never issued is a 400');

    // Decoys exist as soon as the id is out: their names contain the id but are other jobs' pods.
    // (The job's own pod may already exist by now, depending on load: it is not a decoy.)
    const decoys = podsOf(sandbox, '').filter(
      (p) =>
        p.metadata.name.includes(jobId) &&
        !p.metadata.name.startsWith('cleanup-') &&
        p.metadata.labels?.['job-name'] !== `grpc-job-${jobId}`,
    );
    assert.equal(decoys.length, 2, decoys.map((p) => p.metadata.name).join(', '));
    for (const decoy of decoys) {
      assert.doesNotMatch(decoy.metadata.name, new RegExp(`^grpc-job-${jobId}-[a-z0-9]{5}$`));
      const others = decoyJobIds(jobId).map((id) => `grpc-job-${id}`);
      assert.ok(others.includes(decoy.metadata.labels?.['job-name'] ?? ''), `${decoy.metadata.name} belongs to ${others.join(' or ')}`);
      assert.equal(statusOf(decoy)?.phase, 'Running');
    }
    for (const name of ['rabbitmq-panda-0', 'panda-panda-focus-server-']) {
      assert.equal(statusOf(podsOf(sandbox, name)[0])?.phase, 'Running', `background pod ${name}`);
    }

    const ready = await waitFor(
      () => {
        const pod = primaryPod(sandbox, jobId);
        return condition(pod, 'Ready')?.status === 'True' ? pod : undefined;
      },
      { what: 'the primary pod to be Ready' },
    );
    assert.equal(statusOf(ready)?.phase, 'Running');
    assert.ok(statusOf(ready)?.podIP, 'a running pod has an IP');
    assert.equal((ready.spec as Record<string, unknown>).nodeName, 'node-3');
    const job = sandbox.store.get('jobs', sandbox.namespace, `grpc-job-${jobId}`)!;
    const jobSpec = job.spec as Record<string, any>;
    assert.equal(jobSpec.backoffLimit, 0);
    assert.equal(jobSpec.ttlSecondsAfterFinished, 120);
    assert.equal(jobSpec.template.metadata.labels.app, `grpc-job-${jobId}`);
    assert.equal(ready.metadata.labels?.['job-name'], `grpc-job-${jobId}`);
    assert.equal(ready.metadata.labels?.['batch.kubernetes.io/job-name'], `grpc-job-${jobId}`);
    assert.equal(ready.metadata.labels?.['controller-uid'], job.metadata.uid);
    assert.equal(ready.metadata.labels?.job_id, undefined, 'production has no job_id label');
    assert.equal(ready.metadata.generateName, `grpc-job-${jobId}-`);
    assert.deepEqual(
      ready.metadata.ownerReferences?.map((o) => [o.kind, o.name, o.uid]),
      [['Job', job.metadata.name, job.metadata.uid]],
    );
    const container = (ready.spec as Record<string, any>).containers[0];
    assert.equal(container.image, 'registry.local/baby-analyzer:2.3.1');
    assert.equal(container.resources.requests['nvidia.com/gpu.shared'], '1');

    await withDeadline(sandbox.whenScriptDone(jobId), { what: 'the healthy script', timeoutMs: 6000 });
    const done = await metadata(sandbox.backendUrl, jobId);
    assert.equal(done.status, 200);
    assert.deepEqual(done.body, answer.body, 'metadata has the configure shape');

    const record = sandbox.job(jobId)!;
    assert.equal(record.profile, 'healthy');
    assert.deepEqual(record.scriptErrors, []);
    let previous = -1;
    for (const key of TIMING_KEYS) {
      const at = record.truth[key];
      assert.ok(at !== undefined && at > previous, `${key} = ${at} comes after ${previous}`);
      previous = at;
    }
    // Timers may fire late on a busy machine (other sandboxes generate RSA keys), never early.
    const readyMs = record.truth.podReadyMs!;
    assert.ok(readyMs >= 1400 - 2 && readyMs < 1400 + 1000, `pod ready at ${readyMs} ms, scripted for 1400`);

    const cleanup = podsOf(sandbox, `cleanup-job-${jobId}-`);
    assert.equal(cleanup.length, 1);
    assert.equal(statusOf(cleanup[0])?.phase, 'Succeeded');
    const logs = sandbox.logs.read(sandbox.namespace, ready.metadata.name, 'baby-analyzer');
    assert.ok(
      logs.some((l) => l.includes(`grpc-job-${jobId}`)),
      logs.join('\n'),
    );
  });

  test('pod_pending: FailedScheduling repeats on one event and the pod never gets a node', async (t) => {
    const sandbox = await startSandbox(t);
    const jobId = await configureJob(sandbox, 'pod_pending');
    const event = await waitFor(
      () => sandbox.store.list('events', sandbox.namespace).items.find((e) => e.reason === 'FailedScheduling' && (e.count as number) > 1),
      { what: 'a FailedScheduling event seen twice', timeoutMs: 5000 },
    );
    assert.equal(event.type, 'Warning');
    assert.match(String(event.message), /0\/3 nodes are available: 3 Insufficient nvidia\.com\/gpu\.shared/);
    assert.equal((event.involvedObject as { name: string }).name, primaryPod(sandbox, jobId)?.metadata.name);
    assert.notEqual(event.firstTimestamp, undefined);
    await withDeadline(sandbox.whenScriptDone(jobId), { what: 'the pod_pending script', timeoutMs: 6000 });
    const pod = primaryPod(sandbox, jobId);
    assert.equal(statusOf(pod)?.phase, 'Pending');
    assert.equal((pod?.spec as Record<string, unknown>).nodeName, undefined);
    assert.equal(condition(pod, 'PodScheduled')?.reason, 'Unschedulable');
    assert.equal((await metadata(sandbox.backendUrl, jobId)).status, 404);
    const truth = sandbox.job(jobId)!.truth;
    assert.equal(truth.podScheduledMs, undefined);
    assert.ok(truth.podCreatedMs! > truth.jobCreatedMs!);
  });

  test('pod_failed: restarts into CrashLoopBackOff, logs end with the traceback', async (t) => {
    const sandbox = await startSandbox(t);
    const jobId = await configureJob(sandbox, 'pod_failed');
    await withDeadline(sandbox.whenScriptDone(jobId), { what: 'the pod_failed script', timeoutMs: 6000 });
    const pod = primaryPod(sandbox, jobId)!;
    const container = statusOf(pod)?.containerStatuses[0];
    assert.ok(container.restartCount >= 1);
    assert.equal(container.state.waiting.reason, 'CrashLoopBackOff');
    assert.equal(container.lastState.terminated.exitCode, 1);
    assert.equal(container.lastState.terminated.reason, 'Error');
    const backOff = sandbox.store.list('events', sandbox.namespace).items.find((e) => e.reason === 'BackOff');
    assert.match(String(backOff?.message), /^Back-off restarting failed container baby-analyzer in pod /);
    const logs = sandbox.logs.read(sandbox.namespace, pod.metadata.name, 'baby-analyzer');
    assert.equal(logs.at(-1), "KeyError: 'stream_port'");
    assert.ok(sandbox.logs.hasPrevious(sandbox.namespace, pod.metadata.name, 'baby-analyzer'));
    assert.deepEqual(sandbox.job(jobId)!.scriptErrors, []);
  });

  test('pod_failed_image_pull: ErrImagePull, then ImagePullBackOff; never Running', async (t) => {
    const sandbox = await startSandbox(t);
    // Every state the pod passes through, from the change stream: ErrImagePull lasts only 400 ms.
    const waitingReasons: string[] = [];
    const unsubscribe = sandbox.store.subscribe(({ resource, object }) => {
      const reason = (object.status as Record<string, any> | undefined)?.containerStatuses?.[0]?.state.waiting?.reason;
      if (resource === 'pods' && object.metadata.name.startsWith('grpc-job-') && reason) waitingReasons.push(reason);
    });
    t.after(unsubscribe);
    const jobId = await configureJob(sandbox, 'pod_failed_image_pull');
    await withDeadline(sandbox.whenScriptDone(jobId), { what: 'the image pull script', timeoutMs: 6000 });
    const status = statusOf(primaryPod(sandbox, jobId))!;
    assert.equal(status.phase, 'Pending');
    assert.equal(status.containerStatuses[0].state.waiting.reason, 'ImagePullBackOff');
    assert.deepEqual([...new Set(waitingReasons)], ['ContainerCreating', 'ErrImagePull', 'ImagePullBackOff']);
    const failed = sandbox.store.list('events', sandbox.namespace).items.find((e) => String(e.message).startsWith('Failed to pull image'));
    assert.match(String(failed?.message), /"registry\.local\/baby-analyzer:2\.3\.1": .*not found/);
    assert.ok((failed?.count as number) > 1, 'retries bump the same event');
  });

  test('pod_never_created: FailedCreate on the Job, no primary pod', async (t) => {
    const sandbox = await startSandbox(t);
    const jobId = await configureJob(sandbox, 'pod_never_created');
    const failed = await waitFor(() => sandbox.store.list('events', sandbox.namespace).items.find((e) => e.reason === 'FailedCreate'), {
      what: 'FailedCreate',
    });
    assert.match(String(failed.message), new RegExp(`^Error creating: pods "grpc-job-${jobId}-" is forbidden: exceeded quota: gpu-quota`));
    assert.equal((failed.involvedObject as { kind: string }).kind, 'Job');
    assert.equal(primaryPod(sandbox, jobId), undefined);
  });

  test('configure failures: 503, 200 without job_id, 400 on non-JSON, 401 without the token', async (t) => {
    const sandbox = await startSandbox(t);
    assert.deepEqual(await configure(sandbox.backendUrlFor('configure_failed')), {
      status: 503,
      body: { detail: 'All 30 job windows are busy' },
    });
    const noId = await configure(sandbox.backendUrlFor('configure_failed_no_job_id'));
    assert.equal(noId.status, 200);
    assert.equal('job_id' in noId.body, false);
    assert.equal((await configure(sandbox.backendUrl, 'not json')).status, 400);
    assert.equal((await configure(`${sandbox.backendUrl}/scenario/no_such_profile`)).status, 404);
    assert.deepEqual(sandbox.jobs(), []);

    const guarded = await Sandbox.start({ backendToken: 's3cret-token' });
    t.after(() => guarded.stop());
    assert.deepEqual(await configure(guarded.backendUrl), { status: 401, body: { detail: 'Not authenticated' } });
    const allowed = await fetch(`${guarded.backendUrl}/configure`, {
      method: 'POST',
      body: JSON.stringify(DEFAULT_CONFIGURE_BODY),
      headers: { authorization: 'Bearer s3cret-token' },
    });
    assert.equal(allowed.status, 200);
    await allowed.body?.cancel();
  });

  test('cluster access: the forbidden kubeconfig is answered 403, the normal one 200', async (t) => {
    const sandbox = await startSandbox(t);
    assert.equal(sandbox.kubeconfigFor('cluster_unavailable'), sandbox.forbiddenKubeconfigPath);
    assert.equal(sandbox.kubeconfigFor('healthy'), sandbox.kubeconfigPath);
    const listPods = (kubeconfig: string) => {
      const token = JSON.parse(readFileSync(kubeconfig, 'utf8')).users[0].user.token as string;
      return new Promise<number>((resolve, reject) => {
        const req = request(`${sandbox.api.url}/api/v1/namespaces/panda/pods`, {
          ca: sandbox.api.caPem,
          headers: { authorization: `Bearer ${token}` },
          agent: false,
        });
        req.on('response', (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      });
    };
    assert.equal(await listPods(sandbox.kubeconfigPath), 200);
    assert.equal(await listPods(sandbox.forbiddenKubeconfigPath), 403);
  });
});

describe('simulated broker management API', () => {
  test('basic auth, 404 before the queue, stats absent until the first tick, consumers after the lag', async (t) => {
    let now = 1000;
    const broker = new SimulatedBroker({ statsLagMs: 500, now: () => now });
    await broker.start();
    t.after(() => broker.stop());
    const get = async (path: string, auth = 'guest:guest') => {
      const res = await fetch(`${broker.url}${path}`, {
        headers: { authorization: `Basic ${Buffer.from(auth).toString('base64')}` },
      });
      return { status: res.status, body: (await res.json()) as any };
    };
    assert.equal((await get('/api/overview', 'guest:wrong')).status, 401);
    assert.equal(await fetch(`${broker.url}/api/overview`).then(async (r) => (await r.body?.cancel(), r.status)), 401);
    assert.equal((await get('/api/overview')).body.rabbitmq_version, '3.10.8');

    const path = '/api/queues/%2F/grpc-job-3-41234';
    assert.deepEqual(await get(path), { status: 404, body: { error: 'Object Not Found', reason: 'Not Found' } });
    broker.createQueue('grpc-job-3-41234');
    const fresh = await get(path);
    assert.equal(fresh.status, 200);
    assert.equal(fresh.body.name, 'grpc-job-3-41234');
    for (const field of ['consumers', 'messages', 'messages_ready']) {
      assert.equal(field in fresh.body, false, `${field} is absent before the first stats tick`);
    }
    assert.deepEqual(fresh.body.consumer_details, [], 'and no consumer is listed yet (as RabbitMQ 3.10 answers)');
    now += 500;
    const ticked = (await get(path)).body;
    assert.equal(ticked.consumers, 0);
    assert.equal(ticked.messages, 0);
    assert.deepEqual(ticked.consumer_details, []);

    broker.attachConsumer('grpc-job-3-41234');
    assert.equal((await get(path)).body.consumers, 0, 'a new consumer shows only after the stats lag');
    now += 500;
    const attached = (await get(path)).body;
    assert.equal(attached.consumers, 1);
    assert.equal(attached.consumer_details.length, 1);
    assert.equal(attached.consumer_details[0].queue.name, 'grpc-job-3-41234');
    const listed = (await get('/api/queues')).body as { name: string }[];
    assert.deepEqual(
      listed.map((q) => q.name),
      ['grpc-job-3-41234'],
    );
    // The paginated, filtered listing the probe asks for (RabbitMQ ≥ 3.6).
    broker.createQueue('grpc-job-3-412340');
    const page = (await get(`/api/queues/%2F?page=1&page_size=100&use_regex=true&name=${encodeURIComponent('^(?:grpc-job-3-41234)$')}`))
      .body;
    assert.deepEqual(
      {
        names: page.items.map((q: { name: string }) => q.name),
        filtered: page.filtered_count,
        total: page.total_count,
        pages: page.page_count,
      },
      { names: ['grpc-job-3-41234'], filtered: 1, total: 2, pages: 1 },
    );
    assert.equal((await get('/api/queues/%2F?page=0')).status, 400);
  });

  test('in the sandbox the healthy job gets its queue and, later, its consumer', async (t) => {
    const sandbox = await startSandbox(t);
    const jobId = await configureJob(sandbox, 'healthy');
    const auth = { authorization: `Basic ${Buffer.from('guest:guest').toString('base64')}` };
    const queue = await waitFor(
      async () => {
        const res = await fetch(`${sandbox.brokerUrl}/api/queues/%2F/grpc-job-${jobId}`, { headers: auth });
        const body = (await res.json()) as { consumers?: number };
        return res.status === 200 && body.consumers === 1 ? body : undefined;
      },
      { what: 'the queue to show one consumer', timeoutMs: 6000, intervalMs: 50 },
    );
    assert.equal(queue.consumers, 1);
    assert.ok(sandbox.job(jobId)!.truth.consumerAttachedMs! >= 1700 - 5);
  });
});

describe('stopping', () => {
  test('stop() is idempotent, ends scripts early and removes the state dir', async () => {
    const sandbox = await Sandbox.start();
    const jobId = await configureJob(sandbox, 'slow_consumer');
    const stateDir = join(sandbox.kubeconfigPath, '..');
    assert.ok(existsSync(sandbox.kubeconfigPath));
    await Promise.all([sandbox.stop(), sandbox.stop()]);
    await withDeadline(sandbox.whenScriptDone(jobId), { what: 'the stopped script to resolve', timeoutMs: 1000 });
    assert.equal(existsSync(stateDir), false);
    await assert.rejects(fetch(`${sandbox.backendUrl}/metadata/${jobId}`));
  });

  test('a process that starts, uses and stops a sandbox exits on its own', async () => {
    const sandboxModule = join(__dirname, '../../src/sandbox/sandbox.ts');
    // CommonJS, so tsx's require hook loads the TypeScript module with its extensionless imports.
    const script = `(async () => {
      const { Sandbox } = require(${JSON.stringify(sandboxModule)});
      const sandbox = await Sandbox.start();
      const res = await fetch(sandbox.backendUrlFor('pod_failed') + '/configure', { method: 'POST', body: '{}' });
      const { job_id } = await res.json();
      await fetch(sandbox.backendUrl + '/metadata/' + job_id).then((r) => r.text());
      await sandbox.stop();
      console.log('stopped ' + job_id);
    })();`;
    const child = spawn(process.execPath, ['--import', 'tsx', '-e', script], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const code = await withDeadline(exited, { what: 'the sandbox process to exit by itself', timeoutMs: 20_000 });
      assert.equal(code, 0, output);
      assert.match(output, /stopped \d+-\d+/);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
