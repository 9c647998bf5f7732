// The probe as it runs in a pod: no kubeconfig, KUBERNETES_SERVICE_HOST/PORT set, the service account's
// token, ca.crt and namespace in a folder (a temp dir through CONSUMER_PROBE_SERVICE_ACCOUNT_DIR). The
// cluster is the sandbox's, served by a second simulated API server over the same objects whose token
// table the test controls, so the token can be rotated mid-run: the server then accepts only the new
// token, as a real one does once the old projected token expired.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SERVICE_ACCOUNT_DIR_ENV } from '../../src/probe/kube/inCluster';
import type { Observation } from '../../src/probe/model';
import { probeOptions } from '../../src/probe/options';
import { startProbe } from '../../src/probe/runProbe';
import { KubeApiServer, type TokenAccess } from '../../src/sandbox/kube/apiServer';
import { probeOverridesForProfile } from '../../src/sandbox/probeOptions';
import { profileByName } from '../../src/sandbox/profiles';
import { Sandbox } from '../../src/sandbox/sandbox';
import { kubeRequest } from '../helpers/kubeHttps';
import { makeTempDir } from '../helpers/tmp';

const cleanups: (() => unknown)[] = [];
const scope = { after: (fn: () => unknown) => void cleanups.push(fn) };
after(async () => {
  for (const fn of cleanups.reverse()) await fn();
});

let sandbox: Sandbox;
let api: KubeApiServer;
/** The second API server's token table: the test rotates tokens in it. */
const tokens: Record<string, TokenAccess> = {};
let saDir: string;

/** Replaces the token file the way the kubelet does: a new file renamed over the old one. */
function writeToken(token: string): void {
  const next = join(saDir, '.token.next');
  writeFileSync(next, `${token}\n`);
  renameSync(next, join(saDir, 'token'));
}

before(async () => {
  sandbox = await Sandbox.start();
  scope.after(() => sandbox.stop());
  api = new KubeApiServer({ store: sandbox.store, logs: sandbox.logs, tokens, namespaces: [sandbox.namespace] });
  await api.start();
  scope.after(() => api.stop());
  saDir = makeTempDir(scope, 'cp-sa-');
  tokens['sa-token-1'] = 'ok';
  writeToken('sa-token-1');
  writeFileSync(join(saDir, 'ca.crt'), api.caPem);
  writeFileSync(join(saDir, 'namespace'), `${sandbox.namespace}\n`);

  // As in a pod: no kubeconfig anywhere, the service's address in the environment.
  const saved = { ...process.env };
  scope.after(() => {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  });
  delete process.env.KUBECONFIG;
  process.env.HOME = makeTempDir(scope, 'cp-home-');
  const { hostname, port } = new URL(api.url);
  process.env.KUBERNETES_SERVICE_HOST = hostname;
  process.env.KUBERNETES_SERVICE_PORT = port;
  process.env[SERVICE_ACCOUNT_DIR_ENV] = saDir;
});

function inClusterOptions() {
  const profile = profileByName('healthy')!;
  const overrides = probeOverridesForProfile(sandbox, profile);
  // No --kubeconfig and no --namespace: the service account and its namespace file must do.
  return probeOptions({ ...overrides, kube: {} });
}

test('a probe in a pod watches the cluster with the service account: the CA verified, the token sent', async () => {
  const seen: Observation[] = [];
  const report = await startProbe(inClusterOptions(), { onObservation: (o) => seen.push(o) }).report;
  assert.equal(report.scenario.id, 'healthy', report.scenario.summary);
  const access = seen.filter((o) => o.kind === 'cluster.access').map((o) => o.access);
  assert.deepEqual(
    access.map((a) => a.state),
    ['watching'],
    `the cluster was watched from the start: ${JSON.stringify(access)}`,
  );
  assert.equal(access[0]?.state === 'watching' && access[0].server, api.url);
  assert.equal(access[0]?.state === 'watching' && access[0].namespace, sandbox.namespace, 'the namespace file');
  assert.notEqual(report.timings.podReadyMs, null, 'the job pod was observed');
  assert.ok(report.pods.some((p) => p.role === 'primary'));
});

test('the token rotates mid-run: the watches resume with the new token, the old one is refused', async () => {
  let rotated = false;
  const seen: Observation[] = [];
  const onObservation = (o: Observation) => {
    seen.push(o);
    if (o.kind !== 'configure.sent' || rotated) return;
    // The watches are up; the job does not exist yet. The kubelet writes a new token, the old one
    // expires, and the API server ends the watches (as it does every few minutes): they must come back.
    rotated = true;
    tokens['sa-token-2'] = 'ok';
    writeToken('sa-token-2');
    delete tokens['sa-token-1'];
    assert.ok(api.closeWatches() > 0, 'the probe had watches open to end');
  };
  const report = await startProbe(inClusterOptions(), { onObservation }).report;
  assert.ok(rotated, 'the token was rotated during the run');
  assert.equal(report.scenario.id, 'healthy', report.scenario.summary);
  const unavailable = seen.filter((o) => o.kind === 'cluster.access' && o.access.state === 'unavailable');
  assert.deepEqual(unavailable, [], 'no watch was refused after the rotation');
  for (const key of ['jobCreatedMs', 'podCreatedMs', 'podReadyMs'] as const) {
    assert.notEqual(report.timings[key], null, `${key}: created after the rotation, seen through the resumed watches`);
  }
  const endpoint = { url: api.url, caPem: api.caPem };
  assert.equal((await kubeRequest(endpoint, '/api/v1/namespaces/panda/pods', { token: 'sa-token-1' })).status, 401, 'old token refused');
  assert.equal((await kubeRequest(endpoint, '/api/v1/namespaces/panda/pods', { token: 'sa-token-2' })).status, 200, 'new token accepted');
});
