// The real kubectl as the conformance peer of the simulated API server: if kubectl's discovery, table
// printing, watch, logs and auth handling work against it, the wire protocol is right.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { backgroundWorkloads } from '../../src/sandbox/clusterObjects';
import { KubeApiServer } from '../../src/sandbox/kube/apiServer';
import { PodLogStore } from '../../src/sandbox/kube/podLogs';
import { ObjectStore } from '../../src/sandbox/kube/store';
import { KubectlProcess, requireKubectl, runKubectl } from '../helpers/kubectl';
import { makeEvent, makeJob, makePod } from '../helpers/kubeObjects';
import { makeTempDir } from '../helpers/tmp';
import { waitFor, withDeadline } from '../helpers/waitFor';

const TOKEN = 'kubectl-test-token';

async function cluster(t: TestContext) {
  requireKubectl();
  const store = new ObjectStore();
  const logs = new PodLogStore();
  const server = new KubeApiServer({ store, logs, tokens: { [TOKEN]: 'ok' } });
  await server.start();
  t.after(() => server.stop());
  const home = makeTempDir(t, 'kubectl-home-');
  const kubeconfig = server.writeKubeconfig(join(home, 'kubeconfig'), { token: TOKEN, namespace: 'panda' });
  const opts = { kubeconfig, home };
  const kubectl = (...args: string[]) => runKubectl(args, opts, t);
  const spawnKubectl = (...args: string[]) => new KubectlProcess(args, opts, t);
  return { store, logs, server, home, kubectl, spawnKubectl };
}

function assertSucceeded(result: { code: number | null; stderr: string }) {
  assert.equal(result.code, 0, `kubectl failed: ${result.stderr}`);
}

test('kubectl get pods prints READY and STATUS columns from the server-side table', async (t) => {
  const { store, kubectl } = await cluster(t);
  store.create('pods', makePod({ name: 'web-1', state: 'running' }));
  store.create('pods', makePod({ name: 'grpc-job-1-3-abcde', state: 'crashLoop' }));
  store.create('pods', makePod({ name: 'grpc-job-1-4-fghij', state: 'unschedulable' }));

  const result = await kubectl('get', 'pods');
  assertSucceeded(result);
  assert.match(result.stdout, /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\n/);
  assert.match(result.stdout, /^web-1\s+1\/1\s+Running\s+0\s+\S+$/m);
  assert.match(result.stdout, /^grpc-job-1-3-abcde\s+0\/1\s+CrashLoopBackOff\s+3 \(\S+ ago\)\s+\S+$/m);
  assert.match(result.stdout, /^grpc-job-1-4-fghij\s+0\/1\s+Pending\s+0\s+\S+$/m);
});

test("kubectl get deploy,sts prints the sandbox's workloads, and -o jsonpath reads the selector a probe finds the backend's pods with", async (t) => {
  const { store, kubectl } = await cluster(t);
  for (const { resource, object } of backgroundWorkloads('panda', 'panda-panda-focus-server-7d4b9c8f6d-x2k9p', () => '10.0.0.9')) {
    store.create(resource, object);
  }

  const listed = await kubectl('get', 'deploy,sts');
  assertSucceeded(listed);
  assert.match(listed.stdout, /^deployment\.apps\/panda-panda-focus-server\s+1\/1\s+1\s+1\s+\S+$/m);
  assert.match(listed.stdout, /^statefulset\.apps\/rabbitmq-panda\s+1\/1\s+\S+$/m);
  const selector = await kubectl('get', 'deployment', 'panda-panda-focus-server', '-o', 'jsonpath={.spec.selector.matchLabels}');
  assertSucceeded(selector);
  const labels = JSON.parse(selector.stdout) as Record<string, string>;
  const pods = await kubectl(
    'get',
    'pods',
    '-l',
    Object.entries(labels)
      .map(([k, v]) => `${k}=${v}`)
      .join(','),
    '-o',
    'name',
  );
  assertSucceeded(pods);
  assert.equal(pods.stdout.trim(), 'pod/panda-panda-focus-server-7d4b9c8f6d-x2k9p');
});

test('kubectl get po -l filters by label on the server', async (t) => {
  const { store, kubectl, server } = await cluster(t);
  store.create('pods', makePod({ name: 'match-me', labels: { app: 'x' } }));
  store.create('pods', makePod({ name: 'not-me', labels: { app: 'y' } }));

  const result = await kubectl('get', 'po', '-l', 'app=x');
  assertSucceeded(result);
  assert.match(result.stdout, /^match-me\s/m);
  assert.doesNotMatch(result.stdout, /not-me/);
  assert.equal(server.served.list.pods, 1);
});

test('kubectl get pods -w prints a pod created after it started watching, and exits 0 when the watch ends', async (t) => {
  const { store, server, spawnKubectl } = await cluster(t);
  store.create('pods', makePod({ name: 'early-pod' }));
  const watching = spawnKubectl('get', 'pods', '-w');
  await waitFor(() => server.openWatches >= 1, { timeoutMs: 10_000, what: 'kubectl to open its watch' });
  await watching.waitForStdout(/^early-pod\s/m, { what: 'the listed pod' });

  store.create('pods', makePod({ name: 'late-pod', state: 'creating' }));
  await watching.waitForStdout(/^late-pod\s+0\/1\s+ContainerCreating\s/m, { what: 'the late pod' });

  assert.equal(server.closeWatches(), 1);
  const result = await withDeadline(watching.exited, { timeoutMs: 10_000, what: 'kubectl -w to exit' });
  assert.equal(result.code, 0, `kubectl -w failed: ${result.stderr}`);
});

test("kubectl logs shows the current log, and --previous the restarted container's", async (t) => {
  const { store, logs, kubectl } = await cluster(t);
  store.create('pods', makePod({ name: 'analyzer', containers: ['baby-analyzer'] }));
  logs.append('panda', 'analyzer', 'baby-analyzer', 'connecting to rabbitmq');
  logs.append('panda', 'analyzer', 'baby-analyzer', 'connection refused');
  logs.restartContainer('panda', 'analyzer', 'baby-analyzer');
  logs.append('panda', 'analyzer', 'baby-analyzer', 'connecting to rabbitmq');
  logs.append('panda', 'analyzer', 'baby-analyzer', 'consuming from grpc-job-1-3');

  const current = await kubectl('logs', 'analyzer');
  assertSucceeded(current);
  assert.equal(current.stdout, 'connecting to rabbitmq\nconsuming from grpc-job-1-3\n');

  const previous = await kubectl('logs', 'analyzer', '--previous');
  assertSucceeded(previous);
  assert.equal(previous.stdout, 'connecting to rabbitmq\nconnection refused\n');

  const tail = await kubectl('logs', 'analyzer', '--tail=1');
  assert.equal(tail.stdout, 'consuming from grpc-job-1-3\n');
});

test('kubectl logs -f streams new lines and exits 0 when the pod is deleted', async (t) => {
  const { store, logs, spawnKubectl } = await cluster(t);
  store.create('pods', makePod({ name: 'analyzer' }));
  logs.append('panda', 'analyzer', 'main', 'started');
  const following = spawnKubectl('logs', '-f', 'analyzer');
  await following.waitForStdout(/^started\n/, { what: 'the existing line' });

  logs.append('panda', 'analyzer', 'main', 'queue grpc-job-1-3 declared');
  await following.waitForStdout(/^queue grpc-job-1-3 declared\n/m, { what: 'the appended line' });

  store.delete('pods', 'panda', 'analyzer');
  const result = await withDeadline(following.exited, { timeoutMs: 10_000, what: 'kubectl logs -f to exit' });
  assert.equal(result.code, 0, `kubectl logs -f failed: ${result.stderr}`);
});

test('kubectl logs --timestamps and --since-time read the kubelet-style times; -f ends when the container exits', async (t) => {
  const { store, logs, kubectl, spawnKubectl } = await cluster(t);
  store.create('pods', makePod({ name: 'analyzer', containers: ['baby-analyzer'] }));
  logs.append('panda', 'analyzer', 'baby-analyzer', 'starting');
  const [first] = logs.readEntries('panda', 'analyzer', 'baby-analyzer');
  const stamped = await kubectl('logs', 'analyzer', '--timestamps');
  assertSucceeded(stamped);
  assert.equal(stamped.stdout, `${first!.time} starting\n`);

  const boundary = Math.floor(first!.ms / 1000) * 1000 + 1000;
  await waitFor(() => Date.now() >= boundary, { what: 'the next second', timeoutMs: 2000 });
  logs.append('panda', 'analyzer', 'baby-analyzer', 'connected');
  const since = await kubectl('logs', 'analyzer', `--since-time=${new Date(boundary).toISOString().replace('.000Z', 'Z')}`);
  assertSucceeded(since);
  assert.equal(since.stdout, 'connected\n');

  const following = spawnKubectl('logs', '-f', 'analyzer');
  await following.waitForStdout(/^starting\nconnected\n/, { what: 'the log so far' });
  logs.append('panda', 'analyzer', 'baby-analyzer', "KeyError: 'stream_port'");
  await following.waitForStdout(/KeyError: 'stream_port'\n$/, { what: 'the last line' });
  logs.exitContainer('panda', 'analyzer', 'baby-analyzer');
  const result = await withDeadline(following.exited, { timeoutMs: 10_000, what: 'kubectl logs -f to exit with the container' });
  assert.equal(result.code, 0, `kubectl logs -f failed: ${result.stderr}`);

  // After the restart, --previous shows the crashed instance; -f on the new one follows it.
  logs.restartContainer('panda', 'analyzer', 'baby-analyzer');
  logs.append('panda', 'analyzer', 'baby-analyzer', 'starting again');
  const previous = await kubectl('logs', 'analyzer', '--previous', '--tail=1');
  assertSucceeded(previous);
  assert.equal(previous.stdout, "KeyError: 'stream_port'\n");
  const again = spawnKubectl('logs', '-f', 'analyzer');
  await again.waitForStdout(/^starting again\n/, { what: "the new instance's log" });
});

test('kubectl get jobs and get ev print the jobs and events', async (t) => {
  const { store, kubectl } = await cluster(t);
  store.create('jobs', makeJob({ name: 'grpc-job-1-3', active: 1 }));
  store.create('jobs', makeJob({ name: 'cleanup-job-1-3', succeeded: 1 }));
  store.create(
    'events',
    makeEvent({
      involvedObject: { kind: 'Pod', name: 'grpc-job-1-3-abcde' },
      reason: 'FailedScheduling',
      message: '0/3 nodes are available: 3 Insufficient nvidia.com/gpu.shared.',
      type: 'Warning',
    }),
  );

  const jobs = await kubectl('get', 'jobs');
  assertSucceeded(jobs);
  assert.match(jobs.stdout, /^NAME\s+STATUS\s+COMPLETIONS\s+DURATION\s+AGE\n/);
  assert.match(jobs.stdout, /^grpc-job-1-3\s+Running\s+0\/1\s/m);
  assert.match(jobs.stdout, /^cleanup-job-1-3\s+Complete\s+1\/1\s/m);

  const events = await kubectl('get', 'ev');
  assertSucceeded(events);
  assert.match(events.stdout, /^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE\n/);
  assert.match(events.stdout, /Warning\s+FailedScheduling\s+pod\/grpc-job-1-3-abcde\s+0\/3 nodes are available/);
});

test("kubectl describe pod shows the events selected by the pod's uid", async (t) => {
  const { store, kubectl } = await cluster(t);
  const pod = store.create('pods', makePod({ name: 'grpc-job-1-3-abcde', state: 'unschedulable' }));
  store.create(
    'events',
    makeEvent({
      involvedObject: pod,
      reason: 'FailedScheduling',
      message: '0/3 nodes are available: 3 Insufficient nvidia.com/gpu.shared.',
      type: 'Warning',
    }),
  );
  store.create('events', makeEvent({ involvedObject: { kind: 'Pod', name: 'someone-else' }, reason: 'Scheduled', message: 'elsewhere' }));

  const result = await kubectl('describe', 'pod', 'grpc-job-1-3-abcde');
  assertSucceeded(result);
  assert.match(result.stdout, /^Status:\s+Pending$/m);
  assert.match(result.stdout, /Warning\s+FailedScheduling\s+.*Insufficient nvidia\.com\/gpu\.shared/);
  assert.doesNotMatch(result.stdout, /elsewhere/);
});

test('kubectl with a wrong token exits non-zero and reports Unauthorized', async (t) => {
  const { server, home, kubectl } = await cluster(t);
  const badKubeconfig = server.writeKubeconfig(join(home, 'bad-kubeconfig'), { token: 'not-a-valid-token', namespace: 'panda' });
  const withBadToken = () => runKubectl(['get', 'pods', '--request-timeout=5s'], { kubeconfig: badKubeconfig, home }, t);

  // Cold discovery cache: kubectl fails on discovery, whose 401 it reports without reading the Status
  // (real clusters give the same "provide credentials" message).
  const cold = await withBadToken();
  assert.notEqual(cold.code, 0);
  assert.match(cold.stderr, /You must be logged in to the server/);

  // Warm cache (filled with the valid token): the list request fails, and kubectl shows the Status message.
  assertSucceeded(await kubectl('get', 'pods'));
  const warm = await withBadToken();
  assert.notEqual(warm.code, 0);
  assert.match(warm.stderr, /You must be logged in to the server \(Unauthorized\)/);
});

test('a namespace that does not exist: get ns answers NotFound, while a list inside it is empty, as on a real cluster', async (t) => {
  const { store, kubectl } = await cluster(t);
  store.create('pods', makePod({ name: 'web-1', state: 'running', namespace: 'other' }));

  const missing = await kubectl('get', 'namespace', 'pandas');
  assert.notEqual(missing.code, 0);
  assert.match(missing.stderr, /Error from server \(NotFound\): namespaces "pandas" not found/);
  const list = await kubectl('get', 'pods', '-n', 'pandas');
  assertSucceeded(list);
  assert.match(list.stderr, /No resources found in pandas namespace/);

  // The probe's default namespace exists while empty; one holding objects exists too.
  assertSucceeded(await kubectl('get', 'namespace', 'panda'));
  assertSucceeded(await kubectl('get', 'namespace', 'other'));
  const all = await kubectl('get', 'namespaces', '-o', 'name');
  assert.deepEqual(all.stdout.trim().split('\n').sort(), [
    'namespace/default',
    'namespace/kube-node-lease',
    'namespace/kube-public',
    'namespace/kube-system',
    'namespace/other',
    'namespace/panda',
  ]);
});
