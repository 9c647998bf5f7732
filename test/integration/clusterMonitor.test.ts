// The cluster observer against the simulated API server: what it sees before the job id is known is
// buffered and then filtered, with the time it was seen; other jobs' pods never get through. Its
// watches start from now, so what the namespace held before costs nothing; runs in one process share
// them; after a 410 only the runs' own objects are read again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ClusterObserver, type ClusterSubscription } from '../../src/probe/kube/clusterObserver';
import { resolveKubeconfig } from '../../src/probe/kube/kubeconfig';
import type { Stamp } from '../../src/probe/clock';
import type { StampedObservation } from '../../src/probe/model';
import { DEFAULT_MATCH_RULES } from '../../src/probe/options';
import { KubeApiServer } from '../../src/sandbox/kube/apiServer';
import { PodLogStore } from '../../src/sandbox/kube/podLogs';
import { ObjectStore } from '../../src/sandbox/kube/store';
import { makeEvent, makePod } from '../helpers/kubeObjects';
import { makeTempDir } from '../helpers/tmp';
import { waitFor } from '../helpers/waitFor';

async function setup(t: import('node:test').TestContext, token: 'ok' | 'forbidden' | 'unknown' = 'ok') {
  const store = new ObjectStore();
  const api = new KubeApiServer({ store, logs: new PodLogStore(), tokens: { good: 'ok', denied: 'forbidden' } });
  await api.start();
  t.after(() => api.stop());
  const file = api.writeKubeconfig(join(makeTempDir(t), 'kubeconfig'), {
    token: token === 'ok' ? 'good' : token === 'forbidden' ? 'denied' : 'nobody',
    namespace: 'panda',
  });
  const resolved = resolveKubeconfig({ kubeconfig: file });
  assert.ok(resolved.found);
  const observations: StampedObservation[] = [];
  let clock = 0;
  let stamps = 0; // every observation the monitor makes reads the clock once: a handle on its progress
  const subscription = ClusterObserver.for(resolved, 'panda').subscribe({
    match: DEFAULT_MATCH_RULES,
    now: () => {
      stamps += 1;
      return clock as Stamp;
    },
    emit: (o) => observations.push(o),
    syncTimeoutMs: 5000,
  });
  t.after(() => subscription.close());
  await subscription.ready;
  const monitor = { onJobId: (id: string) => subscription.setJobId(id) };
  return { store, api, resolved, monitor, subscription, observations, setClock: (ms: number) => (clock = ms), stamps: () => stamps };
}

/** Another run's subscription to the same observer, collecting what it is handed. */
function subscribe(resolved: Extract<ReturnType<typeof resolveKubeconfig>, { found: true }>): {
  subscription: ClusterSubscription;
  observations: StampedObservation[];
} {
  const observations: StampedObservation[] = [];
  const subscription = ClusterObserver.for(resolved, 'panda').subscribe({
    match: DEFAULT_MATCH_RULES,
    now: () => 0 as Stamp,
    emit: (o) => observations.push(o),
    syncTimeoutMs: 5000,
  });
  return { subscription, observations };
}

const podNames = (obs: StampedObservation[]) => obs.flatMap((o) => (o.kind === 'pod.changed' ? [o.pod.name] : []));

test('pods seen before the job id is known are kept with the time they were seen; decoys are dropped', async (t) => {
  const { store, monitor, observations, setClock, stamps } = await setup(t);
  assert.ok(observations.some((o) => o.kind === 'cluster.access' && o.access.state === 'watching'));

  setClock(120);
  const before = stamps();
  store.create(
    'pods',
    makePod({ name: 'grpc-job-1-3-abcde', state: 'creating', labels: { app: 'grpc-job-1-3' }, job: { name: 'grpc-job-1-3', uid: 'u1' } }),
  );
  store.create('pods', makePod({ name: 'grpc-job-11-3-bcdfg', state: 'running', job: { name: 'grpc-job-11-3', uid: 'u2' } }));
  store.create('pods', makePod({ name: 'grpc-job-1-30-cdfgh', state: 'running', job: { name: 'grpc-job-1-30', uid: 'u3' } }));
  await waitFor(() => stamps() >= before + 3, { what: 'the watch to deliver the three pods' });
  assert.deepEqual(podNames(observations), [], 'nothing is emitted before the job id is known');

  // Reveal the id later: the buffered pod must keep the time it was seen.
  setClock(400);
  monitor.onJobId('1-3');
  await waitFor(() => podNames(observations).length > 0, { what: 'the buffered pod' });
  assert.deepEqual(podNames(observations), ['grpc-job-1-3-abcde']);
  const first = observations.find((o) => o.kind === 'pod.changed')!;
  assert.equal(first.at, 120, 'the buffered observation keeps the time it was seen, not the time the id arrived');

  setClock(900);
  store.update('pods', 'panda', 'grpc-job-1-3-abcde', (p) => {
    (p.status as { phase: string }).phase = 'Running';
  });
  await waitFor(() => podNames(observations).length === 2, { what: 'the live update' });
  assert.equal(observations.filter((o) => o.kind === 'pod.changed').pop()!.at, 900);
});

test("events of the job's pod and Job get through, other pods' events do not", async (t) => {
  const { store, monitor, observations } = await setup(t);
  monitor.onJobId('19-5');
  const mine = store.create('pods', makePod({ name: 'grpc-job-19-5-abcde', state: 'unschedulable' }));
  const other = store.create('pods', makePod({ name: 'grpc-job-19-50-abcde', state: 'unschedulable' }));
  store.create('events', makeEvent({ involvedObject: other, reason: 'FailedScheduling', type: 'Warning', message: 'not mine' }));
  store.create('events', makeEvent({ involvedObject: mine, reason: 'FailedScheduling', type: 'Warning', message: 'mine' }));
  await waitFor(() => observations.some((o) => o.kind === 'event.seen'), { what: 'an event' });
  const events = observations.flatMap((o) => (o.kind === 'event.seen' ? [o.event.message] : []));
  assert.deepEqual(events, ['mine']);
});

test('a forbidden token is reported as unavailable with the server message, and ready still settles', async (t) => {
  const { observations } = await setup(t, 'forbidden');
  const access = observations.find((o) => o.kind === 'cluster.access');
  assert.ok(access && access.kind === 'cluster.access' && access.access.state === 'unavailable');
  assert.equal(access.access.code, 'FORBIDDEN');
  assert.match(access.access.reason, /^403 Forbidden from \/api\/v1\/namespaces\/panda\/pods: pods is forbidden/);
});

test('an unknown token is 401 Unauthorized', async (t) => {
  const { observations } = await setup(t, 'unknown');
  const access = observations.find((o) => o.kind === 'cluster.access');
  assert.ok(access && access.kind === 'cluster.access' && access.access.state === 'unavailable');
  assert.equal(access.access.code, 'UNAUTHORIZED');
});

test('the watches start from now: a namespace of 400 pods and 400 events costs no more than an empty one, and a pod created right after is seen', async (t) => {
  const store = new ObjectStore();
  for (let i = 0; i < 400; i++) {
    const pod = store.create(
      'pods',
      makePod({ name: `web-${i}-abcde`, state: 'running', labels: { app: 'web', filler: 'x'.repeat(200) } }),
    );
    store.create('events', makeEvent({ involvedObject: pod, reason: 'Pulled', type: 'Normal', message: `pulled image for web-${i}` }));
  }
  const api = new KubeApiServer({ store, logs: new PodLogStore(), tokens: { good: 'ok' } });
  await api.start();
  t.after(() => api.stop());
  const resolved = resolveKubeconfig({
    kubeconfig: api.writeKubeconfig(join(makeTempDir(t), 'kubeconfig'), { token: 'good', namespace: 'panda' }),
  });
  assert.ok(resolved.found);
  api.usage.reset();
  const { subscription, observations } = subscribe(resolved);
  t.after(() => subscription.close());
  await subscription.ready;
  subscription.setJobId('1-3');
  store.create('pods', makePod({ name: 'grpc-job-1-3-abcde', state: 'creating', job: { name: 'grpc-job-1-3', uid: 'u1' } }));
  await waitFor(() => podNames(observations).length > 0, { what: "the job's pod" });

  const usage = api.usage.snapshot();
  const listedBytes = Buffer.byteLength(JSON.stringify(store.list('pods', 'panda').items));
  assert.ok(usage.bytes < 20_000, `the probe received ${usage.bytes} bytes; the namespace's pods alone are ${listedBytes}`);
  // The one GET of the namespace object (does it exist?) is a single object, not a list.
  const unlimitedLists = usage.log.filter(
    (r) => !r.query.includes('watch=') && !new URLSearchParams(r.query).has('limit') && r.path !== '/api/v1/namespaces/panda',
  );
  assert.deepEqual(unlimitedLists, [], 'no list of the whole collection');
  assert.deepEqual(podNames(observations), ['grpc-job-1-3-abcde']);
});

test('two runs in one process share one set of watches, and each gets only its own pods', async (t) => {
  const { api, resolved, store, subscription: first, observations: firstSeen } = await setup(t);
  const second = subscribe(resolved);
  t.after(() => second.subscription.close());
  await second.subscription.ready;
  assert.equal(ClusterObserver.openCount(), 1);
  assert.deepEqual(
    { pods: api.served.watch.pods, jobs: api.served.watch.jobs, events: api.served.watch.events },
    { pods: 1, jobs: 1, events: 1 },
    'one watch per kind for both runs',
  );
  first.setJobId('1-3');
  second.subscription.setJobId('2-4');
  store.create('pods', makePod({ name: 'grpc-job-1-3-abcde', state: 'creating', job: { name: 'grpc-job-1-3', uid: 'u1' } }));
  store.create('pods', makePod({ name: 'grpc-job-2-4-bcdfg', state: 'creating', job: { name: 'grpc-job-2-4', uid: 'u2' } }));
  await waitFor(() => podNames(firstSeen).length > 0 && podNames(second.observations).length > 0, { what: 'each run its pod' });
  assert.deepEqual(podNames(firstSeen), ['grpc-job-1-3-abcde']);
  assert.deepEqual(podNames(second.observations), ['grpc-job-2-4-bcdfg']);

  await second.subscription.close();
  assert.equal(ClusterObserver.openCount(), 1, 'the first run still watches');
  await first.close();
  assert.equal(ClusterObserver.openCount(), 0, 'the last one out stopped the watches');
  await waitFor(() => api.usage.snapshot().log.every((r) => !r.open), { what: 'every watch stream to close' });
});

test("after a 410 only the runs' own objects are read again, and a change made during the gap is not lost", async (t) => {
  const { api, store, monitor, observations } = await setup(t);
  monitor.onJobId('1-3');
  for (let i = 0; i < 50; i++) store.create('pods', makePod({ name: `web-${i}-abcde`, state: 'running' }));
  const pod = store.create('pods', makePod({ name: 'grpc-job-1-3-abcde', state: 'creating', job: { name: 'grpc-job-1-3', uid: 'u1' } }));
  store.create('events', makeEvent({ involvedObject: pod, reason: 'Scheduled', type: 'Normal', message: 'assigned' }));
  await waitFor(() => observations.some((o) => o.kind === 'event.seen'), { what: "the pod's event" });
  api.usage.reset();
  api.expireWatches();
  // While the watches are down: the pod starts running.
  store.update('pods', 'panda', 'grpc-job-1-3-abcde', (p) => {
    (p.status as { phase: string }).phase = 'Running';
  });
  await waitFor(() => observations.some((o) => o.kind === 'pod.changed' && o.pod.phase === 'Running'), {
    what: 'the transition made during the gap',
  });
  await waitFor(() => api.served.watch.pods >= 2 && api.served.watch.events >= 2 && api.served.watch.jobs >= 2, {
    what: 'the watches to resume',
  });

  const lists = api.usage.snapshot().log.filter((r) => !r.query.includes('watch=') && r.path.endsWith('/pods'));
  const query = (r: { query: string }) => new URLSearchParams(r.query);
  assert.ok(lists.length > 0, 'pods were read again');
  for (const r of lists) {
    const q = query(r);
    assert.ok(q.has('limit') || q.has('labelSelector') || q.has('fieldSelector'), `an unselected list after the 410: ${r.path}?${r.query}`);
  }
  assert.ok(
    lists.some((r) => (query(r).get('labelSelector') ?? '').includes('grpc-job-1-3')),
    "the job's pods by their label",
  );
  const eventLists = api.usage.snapshot().log.filter((r) => !r.query.includes('watch=') && r.path.endsWith('/events'));
  assert.ok(eventLists.every((r) => query(r).has('limit') || (query(r).get('fieldSelector') ?? '').startsWith('involvedObject.name=')));
});
