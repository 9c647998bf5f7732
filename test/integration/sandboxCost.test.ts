// The sandbox as a measuring instrument: production-shaped noise in the namespace (in lists, pages and
// kubectl, never matching a job), the API server's accounting of requests and response bytes (equal to
// what a client received, for a list, a watch and a log follow), the backend's request count, and the
// ground truth of every stage of a job.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test, type TestContext } from 'node:test';
import { matchPod } from '../../src/probe/matching';
import { DEFAULT_MATCH_RULES } from '../../src/probe/options';
import { Sandbox, truthSince, type SandboxOptions } from '../../src/sandbox/sandbox';
import { runKubectl } from '../helpers/kubectl';
import { kubeRequest, openKubeStream, type LineStream } from '../helpers/kubeHttps';
import { makeTempDir } from '../helpers/tmp';

async function sandboxWithToken(t: TestContext, opts: SandboxOptions = {}) {
  const sandbox = await Sandbox.start(opts);
  t.after(() => sandbox.stop());
  const kubeconfig = JSON.parse(readFileSync(sandbox.kubeconfigPath, 'utf8')) as { users: { user: { token: string } }[] };
  const token = kubeconfig.users[0]!.user.token;
  const endpoint = { url: sandbox.api.url, caPem: sandbox.api.caPem };
  const get = (path: string) => kubeRequest(endpoint, path, { token });
  const stream = (path: string) => openKubeStream(endpoint, path, { token });
  return { sandbox, token, get, stream };
}

async function configure(sandbox: Sandbox, profile = 'healthy'): Promise<string> {
  const res = await fetch(`${sandbox.backendUrlFor(profile)}/configure`, { method: 'POST', body: '{}' });
  assert.equal(res.status, 200);
  return ((await res.json()) as { job_id: string }).job_id;
}

/** Reads `n` lines and returns the bytes they took on the wire (each with its newline). */
async function readLines(stream: LineStream, n: number, what: string): Promise<{ lines: string[]; bytes: number }> {
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const line = await stream.next({ what: `${what} #${i + 1}` });
    assert.notEqual(line, null, `${what}: the stream ended early`);
    lines.push(line!);
  }
  return { lines, bytes: lines.reduce((sum, l) => sum + Buffer.byteLength(l) + 1, 0) };
}

test('noise: unrelated production-shaped pods and events are in lists, pages and kubectl, and match no job', async (t) => {
  const { sandbox, get } = await sandboxWithToken(t, { noise: { unrelatedPods: 300, unrelatedEvents: 500 } });
  const ns = sandbox.namespace;

  const pods = (await get(`/api/v1/namespaces/${ns}/pods`)).json<{ items: any[] }>().items;
  const noise = pods.filter((p) => /^(panda-(worker|ingest|export|indexer|replay)|grpc-job-2\d-9\d{4})-/.test(p.metadata.name));
  assert.equal(noise.length, 300);
  assert.equal(pods.length, 302, 'plus the backend and the broker');
  const avg = noise.reduce((sum, p) => sum + JSON.stringify(p).length, 0) / noise.length;
  assert.ok(avg > 1_500 && avg < 2_200, `production-shaped pods are about 1.7 KB each, got ${avg.toFixed(0)} bytes`);
  const sample = noise[0];
  for (const field of ['labels', 'annotations', 'ownerReferences', 'managedFields']) assert.ok(sample.metadata[field], field);
  assert.ok(sample.spec.containers[0].env && sample.spec.containers[0].resources && sample.spec.volumes);
  assert.ok(sample.status.conditions.length > 0 && sample.status.containerStatuses.length > 0);
  const events = (await get(`/api/v1/namespaces/${ns}/events`)).json<{ items: any[] }>().items;
  assert.equal(events.length, 500);
  assert.ok(
    events.every((e) => pods.some((p) => p.metadata.name === e.involvedObject.name)),
    'events are about the noise pods',
  );

  // limit/continue pages through exactly the same pods.
  const paged: string[] = [];
  let next = '';
  do {
    const page = (await get(`/api/v1/namespaces/${ns}/pods?limit=100${next ? `&continue=${next}` : ''}`)).json<any>();
    assert.ok(page.items.length <= 100);
    paged.push(...page.items.map((p: any) => p.metadata.name));
    next = page.metadata.continue ?? '';
  } while (next);
  assert.deepEqual(paged.sort(), pods.map((p) => p.metadata.name).sort());

  // kubectl lists them too, in chunks (limit/continue) and as a table.
  const home = makeTempDir(t, 'kubectl-home-');
  const chunked = await runKubectl(['get', 'pods', '--chunk-size=100', '-o', 'name'], { kubeconfig: sandbox.kubeconfigPath, home }, t);
  assert.equal(chunked.code, 0, chunked.stderr);
  assert.equal(chunked.stdout.trim().split('\n').length, 302);
  const table = await runKubectl(['get', 'pods', noise[0].metadata.name], { kubeconfig: sandbox.kubeconfigPath, home }, t);
  assert.equal(table.code, 0, table.stderr);
  assert.match(table.stdout, /1\/1\s+Running/);

  // None is the job's, by the probe's rules nor even by a substring of its id.
  const jobId = await configure(sandbox);
  for (const pod of noise) {
    assert.equal(matchPod({ name: pod.metadata.name, labels: pod.metadata.labels }, jobId, DEFAULT_MATCH_RULES), null, pod.metadata.name);
    assert.ok(!pod.metadata.name.includes(jobId), `${pod.metadata.name} contains ${jobId}`);
  }
});

test('noise: a configured trickle changes unrelated pods and events while the sandbox runs', async (t) => {
  const { sandbox, get, stream } = await sandboxWithToken(t, { noise: { unrelatedPods: 20, unrelatedEvents: 20, changesPerSecond: 40 } });
  const ns = sandbox.namespace;
  const rv = (await get(`/api/v1/namespaces/${ns}/pods?limit=1`)).json<any>().metadata.resourceVersion;
  const pods = await stream(`/api/v1/namespaces/${ns}/pods?watch=true&resourceVersion=${rv}`);
  const events = await stream(`/api/v1/namespaces/${ns}/events?watch=true&resourceVersion=${rv}`);
  t.after(() => (pods.close(), events.close()));
  const pod = await pods.nextJson({ what: 'a pod change from the trickle' });
  assert.equal(pod.type, 'MODIFIED');
  assert.doesNotMatch(pod.object.metadata.name, /^grpc-job-\d-/);
  const event = await events.nextJson({ what: 'an event change from the trickle' });
  assert.equal(event.type, 'MODIFIED');
  assert.ok(event.object.count > 1);
});

test('apiUsage: requests and response bytes equal what the client received, for a list, a watch and a log follow', async (t) => {
  const { sandbox, get, stream } = await sandboxWithToken(t, { noise: { unrelatedPods: 50 } });
  const ns = sandbox.namespace;
  sandbox.resetUsage();

  const list = await get(`/api/v1/namespaces/${ns}/pods`);
  assert.equal(list.status, 200);
  const listBytes = Buffer.byteLength(list.body);
  let usage = sandbox.apiUsage();
  assert.deepEqual(usage.byPath[`list /api/v1/namespaces/${ns}/pods`], { requests: 1, bytes: listBytes });
  assert.equal(usage.requests, 1);
  assert.equal(usage.bytes, listBytes);
  assert.equal(usage.log[0]!.query, '');
  assert.equal(usage.log[0]!.status, 200);

  // A watch: the bytes of the events the client read are what was written.
  const rv = list.json<any>().metadata.resourceVersion;
  const watchQuery = `watch=true&resourceVersion=${rv}`;
  const watch = await stream(`/api/v1/namespaces/${ns}/pods?${watchQuery}`);
  t.after(() => watch.close());
  const podName = sandbox.cluster.backendPod;
  for (let i = 0; i < 3; i++) {
    sandbox.store.update('pods', ns, podName, (p) => void ((p.metadata.annotations ??= {}).touched = String(i)));
  }
  const watched = await readLines(watch, 3, 'the watched MODIFIED event');
  usage = sandbox.apiUsage();
  assert.deepEqual(usage.byPath[`watch /api/v1/namespaces/${ns}/pods`], { requests: 1, bytes: watched.bytes });
  const watchEntry = usage.log.find((e) => e.query === watchQuery);
  assert.ok(watchEntry?.open, 'the watch is still open');
  assert.equal(watchEntry.bytes, watched.bytes);

  // A log follow: what it had, then each new line as it is written.
  sandbox.cluster.backendLog('INFO before the follow');
  const logPath = `/api/v1/namespaces/${ns}/pods/${podName}/log`;
  const follow = await stream(`${logPath}?container=focus-server&follow=true`);
  t.after(() => follow.close());
  const first = await readLines(follow, 1, 'the line logged before the follow');
  sandbox.cluster.backendLog('INFO while following');
  const second = await readLines(follow, 1, 'the line logged while following');
  usage = sandbox.apiUsage();
  assert.deepEqual(usage.byPath[`follow ${logPath}`], { requests: 1, bytes: first.bytes + second.bytes });
  assert.equal(usage.requests, 3);
  assert.equal(usage.bytes, listBytes + watched.bytes + first.bytes + second.bytes);

  // After a reset, streams opened before it count their later bytes in the new window.
  sandbox.resetUsage();
  assert.deepEqual(sandbox.apiUsage(), { requests: 0, bytes: 0, byPath: {}, log: [] });
  sandbox.cluster.backendLog('INFO after the reset');
  const third = await readLines(follow, 1, 'the line logged after the reset');
  usage = sandbox.apiUsage();
  assert.equal(usage.requests, 0);
  assert.equal(usage.bytes, third.bytes);
  assert.deepEqual(usage.byPath[`follow ${logPath}`], { requests: 0, bytes: third.bytes });
});

test('backendUsage counts configure and metadata requests; the truth has every stage of a healthy job, in order', async (t) => {
  const { sandbox } = await sandboxWithToken(t);
  sandbox.resetUsage();
  const jobId = await configure(sandbox);
  const early = await fetch(`${sandbox.backendUrl}/metadata/${jobId}`);
  await early.arrayBuffer();
  await sandbox.whenScriptDone(jobId);
  const ready = await fetch(`${sandbox.backendUrl}/metadata/${jobId}`);
  await ready.arrayBuffer();
  assert.equal(ready.status, 200);
  assert.deepEqual(sandbox.backendUsage(), { requests: 3, configure: 1, metadata: 2, other: 0 });

  const record = sandbox.job(jobId)!;
  const stages = [
    'jobCreatedMs',
    'podCreatedMs',
    'podScheduledMs',
    'podRunningMs',
    'podReadyMs',
    'queueCreatedMs',
    'consumerAttachedMs',
    'consumerReadyMs',
  ] as const;
  let previous = record.truth.configureMs!;
  for (const key of stages) {
    const at = record.truth[key];
    assert.ok(at !== undefined && at >= previous, `${key} recorded after the previous stage (${at} ≥ ${previous})`);
    previous = at;
  }
  // The same instants on an in-process probe's clock.
  const t0 = record.configureReceivedAt - 1.5;
  assert.equal(truthSince(record, t0).podCreatedMs, record.truth.podCreatedMs! + 1.5);
});
