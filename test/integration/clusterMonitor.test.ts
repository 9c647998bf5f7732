// The cluster monitor against the simulated API server: what it sees before the job id is known is
// buffered and then filtered, with the time it was seen; other jobs' pods never get through.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startClusterMonitor } from '../../src/probe/kube/clusterMonitor';
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
  const controller = new AbortController();
  let clock = 0;
  let stamps = 0; // every observation the monitor makes reads the clock once: a handle on its progress
  const monitor = startClusterMonitor({
    kc: resolved.kc,
    server: resolved.server,
    context: resolved.context,
    namespace: 'panda',
    match: DEFAULT_MATCH_RULES,
    now: () => {
      stamps += 1;
      return clock as Stamp;
    },
    emit: (o) => observations.push(o),
    signal: controller.signal,
    syncTimeoutMs: 5000,
  });
  t.after(async () => {
    controller.abort();
    await monitor.done;
  });
  await monitor.ready;
  return { store, api, monitor, observations, setClock: (ms: number) => (clock = ms), stamps: () => stamps };
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
