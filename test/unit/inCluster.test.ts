// In a pod with no kubeconfig, resolveKubeconfig falls back to the pod's service account (the folder
// is pointed at a temp dir through CONSUMER_PROBE_SERVICE_ACCOUNT_DIR). A kubeconfig always wins, and
// outside a pod the "no kubeconfig" reason stays what it was.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveKubeconfig } from '../../src/probe/kube/kubeconfig';
import { SERVICE_ACCOUNT_DIR_ENV } from '../../src/probe/kube/inCluster';
import { ProbeError } from '../../src/probe/errors';
import { credentialsFor } from '../../src/probe/kube/kubeCredentials';
import { makeTempDir } from '../helpers/tmp';

function serviceAccount(t: import('node:test').TestContext, files: { token?: string; namespace?: string; ca?: string }): string {
  const dir = makeTempDir(t, 'cp-sa-');
  if (files.token !== undefined) writeFileSync(join(dir, 'token'), files.token);
  if (files.namespace !== undefined) writeFileSync(join(dir, 'namespace'), files.namespace);
  if (files.ca !== undefined) writeFileSync(join(dir, 'ca.crt'), files.ca);
  return dir;
}

function podEnv(saDir: string, host = '10.96.0.1'): NodeJS.ProcessEnv {
  return { KUBERNETES_SERVICE_HOST: host, KUBERNETES_SERVICE_PORT: '443', [SERVICE_ACCOUNT_DIR_ENV]: saDir };
}

test('in a pod with no kubeconfig: the service account, its server, its namespace file and its token', async (t) => {
  const home = makeTempDir(t);
  const sa = serviceAccount(t, { token: 'sa-token-1\n', namespace: 'monitoring\n' });
  const r = resolveKubeconfig({ env: podEnv(sa), home });
  assert.ok(r.found, 'the service account is used');
  assert.equal(r.server, 'https://10.96.0.1:443');
  assert.equal(r.namespace, 'monitoring');
  assert.equal(r.serviceAccountDir, sa);
  assert.deepEqual(r.files, []);
  assert.equal(r.context, '', 'no context: kubectl suggestions must not name one');
  const creds = await credentialsFor(r.kc, new AbortController().signal);
  assert.equal((creds.options.headers as Record<string, string>).Authorization, 'Bearer sa-token-1', 'the token file, trimmed');
});

test('in a pod: --namespace wins over the namespace file; without the file the default is panda', (t) => {
  const home = makeTempDir(t);
  const withFile = serviceAccount(t, { token: 't', namespace: 'monitoring' });
  const flagged = resolveKubeconfig({ env: podEnv(withFile), home, namespace: 'team-a' });
  assert.ok(flagged.found);
  assert.equal(flagged.namespace, 'team-a');
  const bare = resolveKubeconfig({ env: podEnv(serviceAccount(t, { token: 't' })), home });
  assert.ok(bare.found);
  assert.equal(bare.namespace, 'panda');
});

test('an IPv6 service host is bracketed in the server URL', (t) => {
  const r = resolveKubeconfig({ env: podEnv(serviceAccount(t, { token: 't' }), 'fd00::1'), home: makeTempDir(t) });
  assert.ok(r.found);
  assert.equal(r.server, 'https://[fd00::1]:443');
});

test('a kubeconfig wins over the service account, as with kubectl', (t) => {
  const home = makeTempDir(t);
  mkdirSync(join(home, '.kube'));
  writeFileSync(
    join(home, '.kube', 'config'),
    JSON.stringify({
      'current-context': 'c',
      clusters: [{ name: 'k', cluster: { server: 'https://from-file:6443' } }],
      users: [{ name: 'u', user: { token: 'x' } }],
      contexts: [{ name: 'c', context: { cluster: 'k', user: 'u' } }],
    }),
  );
  const r = resolveKubeconfig({ env: podEnv(serviceAccount(t, { token: 't' })), home });
  assert.ok(r.found);
  assert.equal(r.server, 'https://from-file:6443');
  assert.equal(r.serviceAccountDir, undefined);
});

test('in a pod without a mounted token: not found, and the reason names both places looked at', (t) => {
  const home = makeTempDir(t);
  const sa = serviceAccount(t, {});
  const r = resolveKubeconfig({ env: podEnv(sa), home });
  assert.equal(r.found, false);
  assert.ok(!r.found);
  assert.match(r.reason, /^no kubeconfig found \(~\/\.kube\/config: /);
  assert.ok(r.reason.includes(join(sa, 'token')), r.reason);
  assert.match(r.reason, /automountServiceAccountToken/);
});

test('outside a pod with no kubeconfig: the reason is only about the kubeconfig', (t) => {
  const home = makeTempDir(t);
  const r = resolveKubeconfig({ env: { [SERVICE_ACCOUNT_DIR_ENV]: serviceAccount(t, { token: 't' }) }, home });
  assert.ok(!r.found, 'KUBERNETES_SERVICE_HOST unset: not in a pod, the service account is not used');
  assert.equal(r.reason, `no kubeconfig found (~/.kube/config: ${join(home, '.kube', 'config')})`);
});

test('--context in a pod without a kubeconfig is a bad argument', (t) => {
  assert.throws(
    () => resolveKubeconfig({ env: podEnv(serviceAccount(t, { token: 't' })), home: makeTempDir(t), context: 'prod' }),
    (e: unknown) => ProbeError.is(e, 'BAD_ARGUMENT') && /context "prod".*service account has no contexts/.test(e.message),
  );
});
