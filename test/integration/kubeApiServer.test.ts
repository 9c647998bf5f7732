// The simulated Kubernetes API server, spoken to over verified HTTPS with plain node:https: the wire
// behaviour clients depend on (lists, selectors, watches and their replay/expiry/bookmarks, auth,
// pod logs) and a clean shutdown.
import assert from 'node:assert/strict';
import { Agent } from 'node:https';
import { test, type TestContext } from 'node:test';
import { KubeApiServer, type KubeApiServerOptions } from '../../src/sandbox/kube/apiServer';
import { PodLogStore } from '../../src/sandbox/kube/podLogs';
import { ObjectStore } from '../../src/sandbox/kube/store';
import { openKubeStream, kubeRequest, type KubeRequestOptions } from '../helpers/kubeHttps';
import { makeEvent, makeJob, makePod } from '../helpers/kubeObjects';
import { waitFor, withDeadline } from '../helpers/waitFor';

const TOKEN = 'sandbox-token';
const FORBIDDEN_TOKEN = 'read-nothing-token';
const KUBECTL_TABLE_ACCEPT =
  'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';

async function startServer(t: TestContext, extra: Partial<KubeApiServerOptions> = {}) {
  const store = new ObjectStore();
  const logs = new PodLogStore();
  const server = new KubeApiServer({ store, logs, tokens: { [TOKEN]: 'ok', [FORBIDDEN_TOKEN]: 'forbidden' }, ...extra });
  await server.start();
  t.after(() => withDeadline(server.stop(), { what: 'server.stop()' }));
  const endpoint = { url: server.url, caPem: server.caPem };
  const get = (path: string, opts: KubeRequestOptions = {}) => kubeRequest(endpoint, path, { token: TOKEN, ...opts });
  const stream = async (path: string, opts: KubeRequestOptions = {}) => {
    const s = await openKubeStream(endpoint, path, { token: TOKEN, ...opts });
    t.after(() => s.close());
    return s;
  };
  return { store, logs, server, endpoint, get, stream };
}

const names = (list: { items: { metadata: { name: string } }[] }) => list.items.map((i) => i.metadata.name);

test('lists pods with label and field selectors, per namespace and cluster-wide', async (t) => {
  const { store, get } = await startServer(t);
  store.create('pods', makePod({ name: 'a-1', labels: { app: 'a', tier: 'web' } }));
  store.create('pods', makePod({ name: 'a-2', labels: { app: 'a' }, state: 'unschedulable' }));
  store.create('pods', makePod({ name: 'b-1', labels: { app: 'b' } }));
  store.create('pods', makePod({ name: 'c-1', namespace: 'other', labels: { app: 'a' } }));

  const all = await get('/api/v1/namespaces/panda/pods');
  assert.equal(all.status, 200);
  const list = all.json();
  assert.equal(list.kind, 'PodList');
  assert.equal(list.apiVersion, 'v1');
  assert.equal(list.metadata.resourceVersion, String(store.resourceVersion));
  assert.deepEqual(names(list), ['a-1', 'a-2', 'b-1']);

  const q = (s: string) => encodeURIComponent(s);
  assert.deepEqual(names((await get(`/api/v1/namespaces/panda/pods?labelSelector=${q('app=a')}`)).json()), ['a-1', 'a-2']);
  assert.deepEqual(names((await get(`/api/v1/namespaces/panda/pods?labelSelector=${q('app in (a,b),tier!=web')}`)).json()), ['a-2', 'b-1']);
  assert.deepEqual(names((await get(`/api/v1/namespaces/panda/pods?labelSelector=${q('!tier')}`)).json()), ['a-2', 'b-1']);
  assert.deepEqual(names((await get(`/api/v1/namespaces/panda/pods?labelSelector=${q('app notin (a)')}`)).json()), ['b-1']);
  assert.deepEqual(names((await get(`/api/v1/namespaces/panda/pods?fieldSelector=${q('status.phase=Pending')}`)).json()), ['a-2']);
  assert.deepEqual(names((await get(`/api/v1/namespaces/panda/pods?fieldSelector=${q('spec.nodeName=')}`)).json()), ['a-2']);
  // Cluster-wide lists come in key order: namespace, then name.
  assert.deepEqual(names((await get(`/api/v1/pods?labelSelector=${q('app==a')}`)).json()), ['c-1', 'a-1', 'a-2']);

  const bad = await get(`/api/v1/namespaces/panda/pods?labelSelector=${q('app in (a')}`);
  assert.equal(bad.status, 400);
  assert.equal(bad.json().kind, 'Status');
  assert.equal(bad.json().reason, 'BadRequest');
  const badField = await get(`/api/v1/namespaces/panda/pods?fieldSelector=${q('spec.color=red')}`);
  assert.equal(badField.status, 400);
  assert.match(badField.json().message, /field label not supported: spec\.color/);
});

test('pages a list with limit and continue', async (t) => {
  const { store, get } = await startServer(t);
  for (const name of ['p1', 'p2', 'p3']) store.create('pods', makePod({ name }));
  const first = (await get('/api/v1/namespaces/panda/pods?limit=2')).json();
  assert.deepEqual(names(first), ['p1', 'p2']);
  assert.equal(first.metadata.remainingItemCount, 1);
  const second = (await get(`/api/v1/namespaces/panda/pods?limit=2&continue=${first.metadata.continue}`)).json();
  assert.deepEqual(names(second), ['p3']);
  assert.equal(second.metadata.continue, undefined);
});

test('gets single objects and answers missing ones with a NotFound Status', async (t) => {
  const { store, get } = await startServer(t);
  store.create('pods', makePod({ name: 'p' }));
  store.create('jobs', makeJob({ name: 'grpc-job-1-3' }));

  const pod = (await get('/api/v1/namespaces/panda/pods/p')).json();
  assert.equal(pod.kind, 'Pod');
  assert.equal(pod.metadata.name, 'p');
  const job = (await get('/apis/batch/v1/namespaces/panda/jobs/grpc-job-1-3')).json();
  assert.equal(job.kind, 'Job');
  assert.equal(job.apiVersion, 'batch/v1');

  const missing = await get('/api/v1/namespaces/panda/pods/x');
  assert.equal(missing.status, 404);
  assert.deepEqual(missing.json(), {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: 'pods "x" not found',
    reason: 'NotFound',
    details: { name: 'x', kind: 'pods' },
    code: 404,
  });
  assert.equal((await get('/apis/batch/v1/namespaces/panda/jobs/x')).json().message, 'jobs.batch "x" not found');
  const unknown = await get('/api/v1/namespaces/panda/widgets');
  assert.equal(unknown.status, 404);
  assert.equal(unknown.json().reason, 'NotFound');
  assert.equal((await get('/api/v1/namespaces/panda/pods', { method: 'POST' })).status, 405);
});

test('lists events and jobs, cluster-wide and per namespace, with event field selectors', async (t) => {
  const { store, get } = await startServer(t);
  store.create(
    'events',
    makeEvent({ involvedObject: { kind: 'Pod', name: 'p1' }, reason: 'FailedScheduling', message: 'no gpu', type: 'Warning' }),
  );
  store.create('events', makeEvent({ involvedObject: { kind: 'Pod', name: 'p2' }, reason: 'Scheduled', message: 'ok' }));
  store.create('jobs', makeJob({ name: 'j1', namespace: 'other' }));

  const warnings = (
    await get(`/api/v1/namespaces/panda/events?fieldSelector=${encodeURIComponent('type=Warning,involvedObject.kind=Pod')}`)
  ).json();
  assert.equal(warnings.kind, 'EventList');
  assert.deepEqual(
    warnings.items.map((e: any) => e.reason),
    ['FailedScheduling'],
  );
  assert.equal((await get('/api/v1/events')).json().items.length, 2);
  assert.deepEqual(names((await get('/apis/batch/v1/jobs')).json()), ['j1']);
  assert.deepEqual(names((await get('/apis/batch/v1/namespaces/panda/jobs')).json()), []);
});

test("answers kubectl's Table request with kubectl-style pod columns and PartialObjectMetadata rows", async (t) => {
  const { store, get } = await startServer(t);
  store.create('pods', makePod({ name: 'up', state: 'running' }));
  store.create('pods', makePod({ name: 'crashing', state: 'crashLoop' }));
  store.create('pods', makePod({ name: 'creating', state: 'creating' }));

  const table = (await get('/api/v1/namespaces/panda/pods', { accept: KUBECTL_TABLE_ACCEPT })).json();
  assert.equal(table.kind, 'Table');
  assert.equal(table.apiVersion, 'meta.k8s.io/v1');
  assert.deepEqual(
    table.columnDefinitions.slice(0, 5).map((c: any) => c.name),
    ['Name', 'Ready', 'Status', 'Restarts', 'Age'],
  );
  const rows = Object.fromEntries(table.rows.map((r: any) => [r.cells[0], r]));
  assert.deepEqual(rows.up.cells.slice(1, 3), ['1/1', 'Running']);
  assert.deepEqual(rows.crashing.cells.slice(1, 3), ['0/1', 'CrashLoopBackOff']);
  assert.match(rows.crashing.cells[3], /^3 \(\d+\w* ago\)$/);
  assert.deepEqual(rows.creating.cells.slice(1, 3), ['0/1', 'ContainerCreating']);
  assert.equal(rows.up.object.kind, 'PartialObjectMetadata');
  assert.equal(rows.up.object.metadata.name, 'up');
  assert.equal(rows.up.object.spec, undefined);
});

test('a watch from a resourceVersion replays the changes after it, then streams live ones', async (t) => {
  const { store, stream } = await startServer(t);
  store.create('pods', makePod({ name: 'old', labels: { app: 'a' } }));
  store.create('pods', makePod({ name: 'elsewhere', namespace: 'other', labels: { app: 'a' } }));
  const listedAt = store.resourceVersion;
  store.create('pods', makePod({ name: 'new', labels: { app: 'a' } }));
  store.update('pods', 'panda', 'new', (p) => void ((p.status as any).phase = 'Succeeded'));
  store.delete('pods', 'panda', 'old');
  store.create('pods', makePod({ name: 'other-app', labels: { app: 'b' } }));

  const watch = await stream(`/api/v1/namespaces/panda/pods?watch=true&labelSelector=app%3Da&resourceVersion=${listedAt}`);
  assert.equal(watch.status, 200);
  assert.match(String(watch.headers['content-type']), /^application\/json/);
  const replayed = [await watch.nextJson(), await watch.nextJson(), await watch.nextJson()];
  assert.deepEqual(
    replayed.map((e) => [e.type, e.object.metadata.name]),
    [
      ['ADDED', 'new'],
      ['MODIFIED', 'new'],
      ['DELETED', 'old'],
    ],
  );
  assert.equal(replayed[1].object.status.phase, 'Succeeded');
  assert.equal(replayed[0].object.kind, 'Pod');

  const live = store.create('pods', makePod({ name: 'live', labels: { app: 'a' } }));
  const event = await watch.nextJson({ what: 'the ADDED event of the live pod' });
  assert.equal(event.type, 'ADDED');
  assert.equal(event.object.metadata.name, 'live');
  assert.equal(event.object.metadata.resourceVersion, live.metadata.resourceVersion);
});

test('a watch without resourceVersion starts with ADDED for every matching object', async (t) => {
  const { store, stream, server } = await startServer(t);
  store.create('pods', makePod({ name: 'p1' }));
  store.create('pods', makePod({ name: 'p2' }));
  store.create('pods', makePod({ name: 'p3', namespace: 'other' }));
  const watch = await stream('/api/v1/namespaces/panda/pods?watch=1');
  const initial = [await watch.nextJson(), await watch.nextJson()];
  assert.deepEqual(initial.map((e) => `${e.type} ${e.object.metadata.name}`).sort(), ['ADDED p1', 'ADDED p2']);
  store.update('pods', 'panda', 'p1', (p) => void (p.metadata.labels = { touched: 'yes' }));
  assert.equal((await watch.nextJson()).type, 'MODIFIED');
  assert.equal(server.served.watch.pods, 1);
  assert.equal(server.served.list.pods, 0);
});

test('an object that stops matching the label selector is sent as DELETED, and ADDED when it matches again', async (t) => {
  const { store, stream } = await startServer(t);
  store.create('pods', makePod({ name: 'p', labels: { app: 'a' } }));
  const watch = await stream('/api/v1/namespaces/panda/pods?watch=true&labelSelector=app%3Da');
  assert.equal((await watch.nextJson()).type, 'ADDED');
  store.update('pods', 'panda', 'p', (p) => void (p.metadata.labels = { app: 'b' }));
  store.update('pods', 'panda', 'p', (p) => void (p.metadata.labels = { app: 'b', again: 'x' }));
  store.update('pods', 'panda', 'p', (p) => void (p.metadata.labels = { app: 'a' }));
  const events = [await watch.nextJson(), await watch.nextJson()];
  assert.deepEqual(
    events.map((e) => [e.type, e.object.metadata.labels.app]),
    [
      ['DELETED', 'b'],
      ['ADDED', 'a'],
    ],
  );
});

test('closeWatches() ends open watch streams cleanly', async (t) => {
  const { server, stream } = await startServer(t);
  const watch = await stream('/api/v1/namespaces/panda/pods?watch=true&resourceVersion=0');
  await waitFor(() => server.openWatches === 1, { what: 'the watch to be registered' });
  assert.equal(server.closeWatches(), 1);
  assert.equal(await watch.next({ what: 'the end of the watch' }), null);
  assert.equal(server.openWatches, 0);
});

test('expireWatches() sends ERROR 410 Expired, and resuming from the old resourceVersion is refused with 410 too', async (t) => {
  const { server, store, stream } = await startServer(t);
  const listedAt = store.resourceVersion;
  const watch = await stream(`/api/v1/namespaces/panda/pods?watch=true&resourceVersion=${listedAt}`);
  store.create('pods', makePod({ name: 'p1' }));
  assert.equal((await watch.nextJson()).type, 'ADDED');

  assert.equal(server.expireWatches(), 1);
  const error = await watch.nextJson({ what: 'the ERROR event' });
  assert.equal(error.type, 'ERROR');
  assert.deepEqual(
    {
      kind: error.object.kind,
      apiVersion: error.object.apiVersion,
      status: error.object.status,
      reason: error.object.reason,
      code: error.object.code,
    },
    { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Expired', code: 410 },
  );
  assert.equal(await watch.next(), null);

  const resumed = await stream(`/api/v1/namespaces/panda/pods?watch=true&resourceVersion=${listedAt}`);
  assert.equal(resumed.status, 200);
  const refused = await resumed.nextJson({ what: 'the ERROR event of the resumed watch' });
  assert.equal(refused.type, 'ERROR');
  assert.equal(refused.object.code, 410);
  assert.equal(refused.object.message, `too old resource version: ${listedAt} (${store.resourceVersion})`);
  assert.equal(await resumed.next(), null);
});

test('bookmarks arrive only on watches that allow them, carrying the latest resourceVersion', async (t) => {
  const { store, stream } = await startServer(t, { bookmarkIntervalMs: 30 });
  store.create('pods', makePod({ name: 'p1' }));
  const plain = await stream(`/api/v1/namespaces/panda/pods?watch=true&resourceVersion=${store.resourceVersion}`);
  const withBookmarks = await stream(
    `/api/v1/namespaces/panda/pods?watch=true&allowWatchBookmarks=true&resourceVersion=${store.resourceVersion}`,
  );
  for (let i = 0; i < 2; i++) {
    const bookmark = await withBookmarks.nextJson({ what: `bookmark ${i + 1}` });
    assert.equal(bookmark.type, 'BOOKMARK');
    assert.equal(bookmark.object.kind, 'Pod');
    assert.equal(bookmark.object.metadata.resourceVersion, String(store.resourceVersion));
  }
  // Two bookmark intervals have passed: had the plain watch been sent any, they would come first.
  store.create('pods', makePod({ name: 'p2' }));
  const first = await plain.nextJson({ what: 'the ADDED event on the watch without bookmarks' });
  assert.equal(first.type, 'ADDED');
});

test('timeoutSeconds ends the watch', async (t) => {
  const { stream } = await startServer(t);
  const watch = await stream('/api/v1/namespaces/panda/pods?watch=true&timeoutSeconds=1');
  assert.equal(await watch.next({ timeoutMs: 3000, what: 'the watch to time out' }), null);
});

test('401 without a token or with an unknown one; 403 with a forbidden one, discovery still allowed', async (t) => {
  const { get } = await startServer(t);
  const unauthorized = {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: 'Unauthorized',
    reason: 'Unauthorized',
    code: 401,
  };
  for (const token of [undefined, 'wrong']) {
    const res = await get('/api/v1/namespaces/panda/pods', { token });
    assert.equal(res.status, 401);
    assert.deepEqual(res.json(), unauthorized);
    assert.equal((await get('/version', { token })).status, 401);
  }

  const denied = await get('/api/v1/namespaces/panda/pods', { token: FORBIDDEN_TOKEN });
  assert.equal(denied.status, 403);
  assert.equal(denied.json().reason, 'Forbidden');
  assert.equal(
    denied.json().message,
    'pods is forbidden: User "system:serviceaccount:panda:consumer-probe" cannot list resource "pods" in API group "" in the namespace "panda"',
  );
  const deniedWatch = await get('/apis/batch/v1/jobs?watch=true', { token: FORBIDDEN_TOKEN });
  assert.match(
    deniedWatch.json().message,
    /^jobs\.batch is forbidden: .* cannot watch resource "jobs" in API group "batch" at the cluster scope$/,
  );
  const deniedLog = await get('/api/v1/namespaces/panda/pods/p/log', { token: FORBIDDEN_TOKEN });
  assert.match(deniedLog.json().message, /^pods "p" is forbidden: .* cannot get resource "pods\/log" in API group ""/);

  for (const path of ['/version', '/api', '/apis', '/api/v1', '/apis/batch/v1', '/healthz']) {
    assert.equal((await get(path, { token: FORBIDDEN_TOKEN })).status, 200, path);
  }
});

test('pod logs: tailLines, previous, the container rule, and follow until the pod is deleted', async (t) => {
  const { store, logs, get, stream } = await startServer(t);
  store.create('pods', makePod({ name: 'p', containers: ['main'] }));
  store.create('pods', makePod({ name: 'two', containers: ['app', 'sidecar'] }));
  for (const line of ['one', 'two', 'three']) logs.append('panda', 'p', 'main', line);

  const all = await get('/api/v1/namespaces/panda/pods/p/log');
  assert.equal(all.status, 200);
  assert.match(String(all.headers['content-type']), /^text\/plain/);
  assert.equal(all.body, 'one\ntwo\nthree\n');
  assert.equal((await get('/api/v1/namespaces/panda/pods/p/log?container=main&tailLines=2')).body, 'two\nthree\n');

  const noPrevious = await get('/api/v1/namespaces/panda/pods/p/log?previous=true');
  assert.equal(noPrevious.status, 400);
  assert.equal(noPrevious.json().message, 'previous terminated container "main" in pod "p" not found');
  logs.restartContainer('panda', 'p', 'main');
  logs.append('panda', 'p', 'main', 'after restart');
  assert.equal((await get('/api/v1/namespaces/panda/pods/p/log?previous=true')).body, 'one\ntwo\nthree\n');
  assert.equal((await get('/api/v1/namespaces/panda/pods/p/log')).body, 'after restart\n');

  const ambiguous = await get('/api/v1/namespaces/panda/pods/two/log');
  assert.equal(ambiguous.status, 400);
  assert.equal(ambiguous.json().message, 'a container name must be specified for pod two, choose one of: [app sidecar]');
  assert.equal((await get('/api/v1/namespaces/panda/pods/gone/log')).status, 404);

  const follow = await stream('/api/v1/namespaces/panda/pods/p/log?follow=true&tailLines=1');
  assert.equal(await follow.next({ what: 'the tail line' }), 'after restart');
  logs.append('panda', 'p', 'main', 'live line');
  assert.equal(await follow.next({ what: 'the followed line' }), 'live line');
  store.delete('pods', 'panda', 'p');
  assert.equal(await follow.next({ what: 'the follow to end with the pod' }), null);
});

test('pod logs: timestamps, sinceTime/sinceSeconds, and a follow of an exited container ends after its log', async (t) => {
  const { server, store, logs, get, stream } = await startServer(t);
  store.create('pods', makePod({ name: 'p', containers: ['main'] }));
  logs.append('panda', 'p', 'main', 'old line');
  const [old] = logs.readEntries('panda', 'p', 'main');
  // The next second boundary after the old line: sinceTime has whole-second precision.
  const boundary = Math.floor(old!.ms / 1000) * 1000 + 1000;
  await waitFor(() => Date.now() >= boundary, { what: 'the next second', timeoutMs: 2000 });
  logs.append('panda', 'p', 'main', 'new line');

  const stamped = await get('/api/v1/namespaces/panda/pods/p/log?timestamps=true');
  const rows = stamped.body.trimEnd().split('\n');
  assert.equal(rows.length, 2);
  for (const row of rows) assert.match(row, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z (old|new) line$/);
  assert.ok(rows[0]!.split(' ')[0]! < rows[1]!.split(' ')[0]!, 'times increase');

  const since = new Date(boundary).toISOString().replace('.000Z', 'Z');
  assert.equal((await get(`/api/v1/namespaces/panda/pods/p/log?sinceTime=${since}`)).body, 'new line\n');
  assert.equal((await get('/api/v1/namespaces/panda/pods/p/log?sinceSeconds=3600')).body, 'old line\nnew line\n');
  const both = await get(`/api/v1/namespaces/panda/pods/p/log?sinceSeconds=1&sinceTime=${since}`);
  assert.equal(both.status, 400);
  assert.match(both.json().message, /at most one of sinceTime or sinceSeconds/);
  assert.equal((await get('/api/v1/namespaces/panda/pods/p/log?sinceTime=yesterday')).status, 400);

  // Following a running container stays open; when it exits the stream ends, as the kubelet's does.
  // Like the kubelet, a quiet follow answers (headers included) only with its first line.
  const following = stream('/api/v1/namespaces/panda/pods/p/log?follow=true&tailLines=0');
  await waitFor(() => server.openFollows === 1, { what: 'the follow to be open on the server' });
  logs.append('panda', 'p', 'main', 'last words');
  const follow = await following;
  assert.equal(await follow.next({ what: 'the live line' }), 'last words');
  logs.exitContainer('panda', 'p', 'main');
  assert.equal(await follow.next({ what: 'the follow to end when the container exits' }), null);
  // Following it now: its whole log, then the end at once.
  const after = await stream('/api/v1/namespaces/panda/pods/p/log?follow=true');
  assert.deepEqual(
    [await after.next(), await after.next(), await after.next(), await after.next()],
    ['old line', 'new line', 'last words', null],
  );
  assert.deepEqual(server.served.log, { read: 3, follow: 2, previous: 0 }, 'answered with 200 (refusals are not counted)');
});

test('stop() ends watches and log follows and leaves no socket, server or timer behind', async (t) => {
  const before = activeHandles();
  const { server, store, logs, endpoint } = await startServer(t, { bookmarkIntervalMs: 20 });
  store.create('pods', makePod({ name: 'p' }));
  logs.append('panda', 'p', 'main', 'hello');
  const watch = await openKubeStream(endpoint, '/api/v1/pods?watch=true&allowWatchBookmarks=true', { token: TOKEN });
  const follow = await openKubeStream(endpoint, '/api/v1/namespaces/panda/pods/p/log?follow=true', { token: TOKEN });
  const keepAlive = new Agent({ keepAlive: true });
  t.after(() => keepAlive.destroy());
  assert.equal((await kubeRequest(endpoint, '/version', { token: TOKEN, agent: keepAlive })).status, 200);
  assert.equal(await follow.next(), 'hello');
  assert.equal(server.openWatches, 1);

  await withDeadline(server.stop(), { what: 'stop() with a watch and a log follow open' });
  await server.stop(); // idempotent
  assert.equal(server.openWatches, 0);
  await watch.finished({ what: 'the watch to end on stop()' });
  await follow.finished({ what: 'the log follow to end on stop()' });
  keepAlive.destroy();
  await waitFor(() => noMoreThan(activeHandles(), before), {
    what: `handles to return to ${JSON.stringify(before)} (now ${JSON.stringify(activeHandles())})`,
  });
});

/** Sockets, servers and timers currently keeping the process alive, by type. */
function activeHandles(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const type of process.getActiveResourcesInfo()) {
    if (['TCPSocketWrap', 'TCPServerWrap', 'Timeout'].includes(type)) counts[type] = (counts[type] ?? 0) + 1;
  }
  return counts;
}

function noMoreThan(now: Record<string, number>, baseline: Record<string, number>): boolean {
  return Object.entries(now).every(([type, count]) => count <= (baseline[type] ?? 0));
}
