// Kubeconfig parity with kubectl: for each kind of kubeconfig, the real kubectl and the probe's loader
// read the same file(s) and must agree on the cluster, user and namespace, and both must (or must not)
// be let in by the simulated API server, whose TLS and authentication behave like a real one's.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { connect, type Socket } from 'node:net';
import { delimiter, join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { KubeAccessError, kubeGetJson } from '../../src/probe/kube/kubeHttp';
import { resolveKubeconfig } from '../../src/probe/kube/kubeconfig';
import { KubeApiServer, type TokenAccess } from '../../src/sandbox/kube/apiServer';
import { generateClusterCertificates } from '../../src/sandbox/kube/certs';
import { PodLogStore } from '../../src/sandbox/kube/podLogs';
import { ObjectStore } from '../../src/sandbox/kube/store';
import { requireKubectl } from '../helpers/kubectl';
import { makeTempDir } from '../helpers/tmp';

interface Identity {
  cluster: string;
  user: string;
  namespace: string;
  server: string;
}

async function apiServer(t: TestContext, tokens: Record<string, TokenAccess> = { 'ok-token': 'ok' }) {
  requireKubectl();
  const server = new KubeApiServer({
    store: new ObjectStore(),
    logs: new PodLogStore(),
    tokens,
    certificateUsers: { 'probe-admin': 'ok' },
  });
  await server.start();
  t.after(() => server.stop());
  const dir = makeTempDir(t, 'kubeconfig-parity-');
  return { server, tokens, dir };
}

/** A cluster entry for the sandbox server; `extra` overrides or adds kubeconfig cluster fields. */
function clusterEntry(server: KubeApiServer, name: string, extra: Record<string, unknown> = {}) {
  return { name, cluster: { server: server.url, 'certificate-authority-data': Buffer.from(server.caPem).toString('base64'), ...extra } };
}

function writeConfig(dir: string, file: string, doc: Record<string, unknown>): string {
  const path = join(dir, file);
  // JSON is YAML: kubectl and the probe both read it.
  writeFileSync(path, JSON.stringify({ apiVersion: 'v1', kind: 'Config', ...doc }, null, 2), { mode: 0o600 });
  return path;
}

function singleConfig(dir: string, server: KubeApiServer, user: Record<string, unknown>, clusterExtra: Record<string, unknown> = {}) {
  return writeConfig(dir, 'config', {
    clusters: [clusterEntry(server, 'sandbox', clusterExtra)],
    users: [{ name: 'probe', user }],
    contexts: [{ name: 'sandbox', context: { cluster: 'sandbox', user: 'probe', namespace: 'panda' } }],
    'current-context': 'sandbox',
  });
}

function runKubectl(args: string[], kubeconfigEnv: string, home: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      requireKubectl(),
      args,
      { env: { ...process.env, HOME: home, KUBECONFIG: kubeconfigEnv }, timeout: 20_000 },
      (error, stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** What kubectl resolves from KUBECONFIG: the current context's cluster, user and namespace. */
async function kubectlIdentity(kubeconfigEnv: string, home: string): Promise<Identity> {
  const view = await runKubectl(['config', 'view', '--minify', '-o', 'json'], kubeconfigEnv, home);
  assert.equal(view.code, 0, view.stderr);
  const doc = JSON.parse(view.stdout);
  return {
    cluster: doc.contexts[0].context.cluster,
    user: doc.contexts[0].context.user,
    namespace: doc.contexts[0].context.namespace ?? 'default',
    server: doc.clusters[0].cluster.server,
  };
}

async function kubectlLetIn(kubeconfigEnv: string, home: string): Promise<{ ok: boolean; stderr: string }> {
  const result = await runKubectl(['get', 'pods', '-n', 'panda', '--request-timeout=10s'], kubeconfigEnv, home);
  return { ok: result.code === 0, stderr: result.stderr };
}

function probeConfig(kubeconfigEnv: string, dir: string) {
  const resolved = resolveKubeconfig({ env: { KUBECONFIG: kubeconfigEnv }, home: dir });
  assert.ok(resolved.found, resolved.found ? '' : resolved.reason);
  return resolved;
}

function probeIdentity(kubeconfigEnv: string, dir: string): Identity {
  const { kc, namespace, server } = probeConfig(kubeconfigEnv, dir);
  return { cluster: kc.getCurrentCluster()!.name, user: kc.getCurrentUser()!.name, namespace, server };
}

async function probeLetIn(kc: ReturnType<typeof probeConfig>['kc']): Promise<{ ok: boolean; error: KubeAccessError | null }> {
  try {
    await kubeGetJson(kc, '/api/v1/namespaces/panda/pods', { signal: AbortSignal.timeout(15_000), timeoutMs: 10_000 });
    return { ok: true, error: null };
  } catch (e) {
    if (e instanceof KubeAccessError) return { ok: false, error: e };
    throw e;
  }
}

/** kubectl and the probe agree on who and where, and on whether the server lets them in. */
async function assertParity(kubeconfigEnv: string, dir: string, expectLetIn: boolean) {
  const home = makeTempDirIn(dir);
  const [theirs, ours] = [await kubectlIdentity(kubeconfigEnv, home), probeIdentity(kubeconfigEnv, dir)];
  assert.deepEqual(ours, theirs, 'the probe resolves the same cluster, user, namespace and server as kubectl');
  const kubectl = await kubectlLetIn(kubeconfigEnv, home);
  const probe = await probeLetIn(probeConfig(kubeconfigEnv, dir).kc);
  assert.equal(kubectl.ok, expectLetIn, `kubectl ${expectLetIn ? 'should' : 'should not'} be let in: ${kubectl.stderr}`);
  assert.equal(probe.ok, expectLetIn, `the probe ${expectLetIn ? 'should' : 'should not'} be let in: ${probe.error?.message}`);
  return { kubectl, probe };
}

let homes = 0;
function makeTempDirIn(dir: string): string {
  homes += 1;
  return join(dir, `home-${homes}`);
}

test('token: kubectl and the probe agree, and a wrong token keeps both out (401)', async (t) => {
  const { server, dir } = await apiServer(t);
  await assertParity(singleConfig(dir, server, { token: 'ok-token' }), dir, true);
  const out = await assertParity(singleConfig(dir, server, { token: 'wrong' }), dir, false);
  assert.equal(out.probe.error?.code, 'UNAUTHORIZED');
});

test('tokenFile: read relative to the kubeconfig, trailing newline trimmed, re-read when the token rotates', async (t) => {
  const { server, tokens, dir } = await apiServer(t);
  writeFileSync(join(dir, 'token'), 'ok-token\n');
  const config = singleConfig(dir, server, { tokenFile: 'token' });
  await assertParity(config, dir, true);

  // A projected service-account token rotates: the file changes and the old token stops working.
  const { kc } = probeConfig(config, dir);
  assert.equal((await probeLetIn(kc)).ok, true);
  tokens['rotated-token'] = 'ok';
  writeFileSync(join(dir, 'token'), 'rotated-token\n');
  delete tokens['ok-token'];
  assert.equal((await probeLetIn(kc)).ok, true, 'the same run keeps access with the rotated token');
  const home = makeTempDirIn(dir);
  assert.equal((await kubectlLetIn(config, home)).ok, true);
});

test('token and tokenFile both set: the probe uses the one kubectl uses', async (t) => {
  const { server, dir } = await apiServer(t, { 'ok-token': 'ok', 'file-token': 'forbidden' });
  writeFileSync(join(dir, 'token'), 'file-token\n');
  const config = singleConfig(dir, server, { token: 'ok-token', tokenFile: 'token' });
  const home = makeTempDirIn(dir);
  const kubectl = await kubectlLetIn(config, home);
  const probe = await probeLetIn(probeConfig(config, dir).kc);
  assert.equal(probe.ok, kubectl.ok, `kubectl: ${kubectl.ok ? 'let in' : kubectl.stderr}; probe: ${probe.error?.message ?? 'let in'}`);
});

test("KUBECONFIG=a:b with kubeadm's default names in both: the first file wins each name, no error", async (t) => {
  const { server, dir } = await apiServer(t);
  const kubeadm = (serverUrl: string, token: string) => ({
    clusters: [{ ...clusterEntry(server, 'kubernetes'), cluster: { ...clusterEntry(server, 'kubernetes').cluster, server: serverUrl } }],
    users: [{ name: 'kubernetes-admin', user: { token } }],
    contexts: [{ name: 'kubernetes-admin@kubernetes', context: { cluster: 'kubernetes', user: 'kubernetes-admin', namespace: 'panda' } }],
    'current-context': 'kubernetes-admin@kubernetes',
  });
  const a = writeConfig(dir, 'a.yaml', kubeadm(server.url, 'ok-token'));
  const b = writeConfig(dir, 'b.yaml', kubeadm('https://127.0.0.1:1', 'wrong'));
  await assertParity([a, b].join(delimiter), dir, true);
  await assertParity([b, a].join(delimiter), dir, false);
});

test('KUBECONFIG=users.yaml:contexts.yaml: users in one file, current-context in the other, merged like kubectl', async (t) => {
  const { server, dir } = await apiServer(t);
  const users = writeConfig(dir, 'users.yaml', { users: [{ name: 'probe', user: { token: 'ok-token' } }] });
  const contexts = writeConfig(dir, 'contexts.yaml', {
    clusters: [clusterEntry(server, 'sandbox')],
    contexts: [{ name: 'sandbox', context: { cluster: 'sandbox', user: 'probe', namespace: 'panda' } }],
    'current-context': 'sandbox',
  });
  await assertParity([users, contexts].join(delimiter), dir, true);
});

test('client certificates, as data and as files relative to the kubeconfig', async (t) => {
  const { server, dir } = await apiServer(t);
  const { certPem, keyPem } = await server.issueClientCertificate('probe-admin');
  const b64 = (pem: string) => Buffer.from(pem).toString('base64');
  await assertParity(singleConfig(dir, server, { 'client-certificate-data': b64(certPem), 'client-key-data': b64(keyPem) }), dir, true);
  writeFileSync(join(dir, 'client.crt'), certPem);
  writeFileSync(join(dir, 'client.key'), keyPem, { mode: 0o600 });
  await assertParity(singleConfig(dir, server, { 'client-certificate': 'client.crt', 'client-key': 'client.key' }), dir, true);
});

/** An exec credential plugin (a Node script) that counts its runs and checks its env and args. */
function writePlugin(dir: string, status: Record<string, unknown>): { path: string; runs: () => number } {
  const counter = join(dir, 'plugin-runs');
  writeFileSync(counter, '');
  const path = join(dir, 'credential-plugin.js');
  writeFileSync(
    path,
    `#!${process.execPath}
const fs = require('node:fs');
fs.appendFileSync(${JSON.stringify(counter)}, 'x');
const info = JSON.parse(process.env.KUBERNETES_EXEC_INFO || '{}');
if (process.env.PLUGIN_REALM !== 'sandbox' || process.argv[2] !== '--realm=sandbox' || info.kind !== 'ExecCredential') {
  process.stderr.write('plugin called without its env, args or exec info\\n');
  process.exit(3);
}
process.stdout.write(JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: ${JSON.stringify(status)} }));
`,
  );
  chmodSync(path, 0o755);
  return { path, runs: () => readFileSync(counter, 'utf8').length };
}

const execUser = (command: string, extra: Record<string, unknown> = {}) => ({
  exec: {
    apiVersion: 'client.authentication.k8s.io/v1',
    command,
    args: ['--realm=sandbox'],
    env: [{ name: 'PLUGIN_REALM', value: 'sandbox' }],
    interactiveMode: 'Never',
    ...extra,
  },
});

test('exec plugin with env and args: same identity; without an expiry it runs once for the whole run', async (t) => {
  const { server, dir } = await apiServer(t);
  const plugin = writePlugin(dir, { token: 'ok-token' });
  const config = singleConfig(dir, server, execUser(plugin.path));
  await assertParity(config, dir, true);

  const { kc } = probeConfig(config, dir);
  const before = plugin.runs();
  for (let i = 0; i < 9; i++) assert.equal((await probeLetIn(kc)).ok, true);
  assert.equal(plugin.runs() - before, 1, 'nine requests, one plugin run');
});

test('exec plugin whose credential has expired: run again before the next request', async (t) => {
  const { server, dir } = await apiServer(t);
  const plugin = writePlugin(dir, { token: 'ok-token', expirationTimestamp: '2020-01-01T00:00:00Z' });
  const { kc } = probeConfig(singleConfig(dir, server, execUser(plugin.path)), dir);
  for (let i = 0; i < 3; i++) assert.equal((await probeLetIn(kc)).ok, true);
  assert.equal(plugin.runs(), 3);
});

test('exec plugin that is not installed: both fail, and the probe shows the installHint', async (t) => {
  const { server, dir } = await apiServer(t);
  const config = singleConfig(
    dir,
    server,
    execUser('consumer-probe-missing-plugin', { installHint: 'Install it with: apt install probe-auth' }),
  );
  const out = await assertParity(config, dir, false);
  assert.match(out.kubectl.stderr, /apt install probe-auth/);
  assert.equal(out.probe.error?.code, 'AUTH_PLUGIN_FAILED');
  assert.match(out.probe.error!.message, /consumer-probe-missing-plugin was not found: Install it with: apt install probe-auth/);
});

test('exec plugin with interactiveMode Always and no terminal: both refuse to run it', async (t) => {
  const { server, dir } = await apiServer(t);
  const plugin = writePlugin(dir, { token: 'ok-token' });
  const out = await assertParity(singleConfig(dir, server, execUser(plugin.path, { interactiveMode: 'Always' })), dir, false);
  assert.equal(plugin.runs(), 0);
  assert.match(out.probe.error!.message, /needs a terminal/);
});

test('insecure-skip-tls-verify without a CA: both connect', async (t) => {
  const { server, dir } = await apiServer(t);
  const config = writeConfig(dir, 'config', {
    clusters: [{ name: 'sandbox', cluster: { server: server.url, 'insecure-skip-tls-verify': true } }],
    users: [{ name: 'probe', user: { token: 'ok-token' } }],
    contexts: [{ name: 'sandbox', context: { cluster: 'sandbox', user: 'probe', namespace: 'panda' } }],
    'current-context': 'sandbox',
  });
  await assertParity(config, dir, true);
});

test('certificate-authority as a file relative to the kubeconfig; another CA is refused by both as a TLS error', async (t) => {
  const { server, dir } = await apiServer(t);
  writeFileSync(join(dir, 'ca.crt'), server.caPem);
  const withFile = { 'certificate-authority': 'ca.crt', 'certificate-authority-data': undefined };
  await assertParity(singleConfig(dir, server, { token: 'ok-token' }, withFile), dir, true);

  writeFileSync(join(dir, 'other-ca.crt'), (await generateClusterCertificates()).caPem);
  const out = await assertParity(
    singleConfig(dir, server, { token: 'ok-token' }, { 'certificate-authority': 'other-ca.crt', 'certificate-authority-data': undefined }),
    dir,
    false,
  );
  assert.match(out.kubectl.stderr, /certificate signed by unknown authority/);
  assert.equal(out.probe.error?.code, 'TLS_ERROR');
});

test('tls-server-name: the certificate is checked against that name, not the address', async (t) => {
  const { server, dir } = await apiServer(t);
  await assertParity(singleConfig(dir, server, { token: 'ok-token' }, { 'tls-server-name': 'localhost' }), dir, true);
  const out = await assertParity(singleConfig(dir, server, { token: 'ok-token' }, { 'tls-server-name': 'kubernetes.invalid' }), dir, false);
  assert.equal(out.probe.error?.code, 'TLS_ERROR');
});

test('proxy-url: both reach the API server through the HTTP proxy', async (t) => {
  const { server, dir } = await apiServer(t);
  let tunnels = 0;
  const proxy = createHttpServer();
  const sockets = new Set<Socket>();
  proxy.on('connect', (req, client: Socket) => {
    tunnels += 1;
    const [host, port] = (req.url ?? '').split(':');
    const upstream = connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.pipe(client).pipe(upstream);
    });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => undefined).on('close', () => sockets.delete(s));
    }
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    for (const s of sockets) s.destroy();
    return new Promise<void>((resolve) => proxy.close(() => resolve()));
  });
  const { port } = proxy.address() as { port: number };
  const config = singleConfig(dir, server, { token: 'ok-token' }, { 'proxy-url': `http://127.0.0.1:${port}` });
  const home = makeTempDirIn(dir);
  assert.equal((await kubectlLetIn(config, home)).ok, true);
  const afterKubectl = tunnels;
  assert.ok(afterKubectl > 0, 'kubectl went through the proxy');
  assert.equal((await probeLetIn(probeConfig(config, dir).kc)).ok, true);
  assert.ok(tunnels > afterKubectl, 'the probe went through the proxy');
});

test('auth-provider oidc (which kubectl no longer has): the id-token is sent while it is valid', async (t) => {
  const b64url = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const idToken = `${b64url({ alg: 'none' })}.${b64url({ sub: 'probe', exp: Math.floor(Date.now() / 1000) + 3600 })}.sig`;
  const { server, dir } = await apiServer(t, { [idToken]: 'ok' });
  const config = singleConfig(dir, server, {
    'auth-provider': { name: 'oidc', config: { 'client-id': 'probe', 'id-token': idToken, 'idp-issuer-url': 'https://idp.invalid' } },
  });
  assert.equal((await probeLetIn(probeConfig(config, dir).kc)).ok, true);
});
