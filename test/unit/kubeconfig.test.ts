import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveKubeconfig } from '../../src/probe/kube/kubeconfig';
import { ProbeError } from '../../src/probe/errors';

function dir(t: import('node:test').TestContext): string {
  const d = mkdtempSync(join(tmpdir(), 'cp-kc-'));
  t.after(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

function kubeconfig(path: string, contexts: { name: string; namespace?: string; server: string }[], current: string) {
  writeFileSync(
    path,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      'current-context': current,
      clusters: contexts.map((c) => ({ name: `cl-${c.name}`, cluster: { server: c.server } })),
      users: contexts.map((c) => ({ name: `u-${c.name}`, user: { token: 'tok' } })),
      contexts: contexts.map((c) => ({
        name: c.name,
        context: { cluster: `cl-${c.name}`, user: `u-${c.name}`, ...(c.namespace ? { namespace: c.namespace } : {}) },
      })),
    }),
  );
}

test('--kubeconfig wins over KUBECONFIG and ~/.kube/config', (t) => {
  const d = dir(t);
  kubeconfig(join(d, 'flag.yaml'), [{ name: 'flag', namespace: 'from-flag', server: 'https://flag:6443' }], 'flag');
  kubeconfig(join(d, 'env.yaml'), [{ name: 'env', server: 'https://env:6443' }], 'env');
  const r = resolveKubeconfig({ kubeconfig: join(d, 'flag.yaml'), env: { KUBECONFIG: join(d, 'env.yaml') }, home: d });
  assert.ok(r.found);
  assert.equal(r.server, 'https://flag:6443');
  assert.equal(r.namespace, 'from-flag');
});

test('KUBECONFIG with several paths merges them; the first file names the current context', (t) => {
  const d = dir(t);
  kubeconfig(join(d, 'a.yaml'), [{ name: 'a', server: 'https://a:6443' }], 'b');
  kubeconfig(join(d, 'b.yaml'), [{ name: 'b', namespace: 'team-b', server: 'https://b:6443' }], 'b');
  const r = resolveKubeconfig({ env: { KUBECONFIG: `${join(d, 'missing.yaml')}:${join(d, 'a.yaml')}:${join(d, 'b.yaml')}` }, home: d });
  assert.ok(r.found);
  assert.equal(r.context, 'b');
  assert.equal(r.server, 'https://b:6443');
  assert.equal(r.namespace, 'team-b');
  assert.deepEqual(r.files, [join(d, 'a.yaml'), join(d, 'b.yaml')]);
});

test('~/.kube/config is the fallback; namespace: flag > context > panda', (t) => {
  const d = dir(t);
  mkdirSync(join(d, '.kube'));
  kubeconfig(join(d, '.kube', 'config'), [{ name: 'home', server: 'https://home:6443' }], 'home');
  const r = resolveKubeconfig({ env: {}, home: d });
  assert.ok(r.found);
  assert.equal(r.namespace, 'panda');
  const flagged = resolveKubeconfig({ env: {}, home: d, namespace: 'other' });
  assert.ok(flagged.found);
  assert.equal(flagged.namespace, 'other');
});

test('--context selects another context; an unknown one is a bad argument', (t) => {
  const d = dir(t);
  const file = join(d, 'k.yaml');
  kubeconfig(
    file,
    [
      { name: 'one', server: 'https://one:6443' },
      { name: 'two', namespace: 'ns2', server: 'https://two:6443' },
    ],
    'one',
  );
  const r = resolveKubeconfig({ kubeconfig: file, context: 'two' });
  assert.ok(r.found);
  assert.equal(r.server, 'https://two:6443');
  assert.equal(r.namespace, 'ns2');
  assert.throws(
    () => resolveKubeconfig({ kubeconfig: file, context: 'three' }),
    (e: unknown) => ProbeError.is(e, 'BAD_ARGUMENT') && /contexts: one, two/.test(e.message),
  );
});

test('an explicit kubeconfig that does not exist stops the probe with one clear line', (t) => {
  const d = dir(t);
  assert.throws(
    () => resolveKubeconfig({ kubeconfig: join(d, 'nope.yaml') }),
    (e: unknown) =>
      ProbeError.is(e, 'KUBECONFIG_UNREADABLE') && e.message === `cannot read kubeconfig ${join(d, 'nope.yaml')}: no such file`,
  );
});

test('an explicit kubeconfig that is not a kubeconfig is unreadable too', (t) => {
  const d = dir(t);
  writeFileSync(join(d, 'bad.yaml'), ': : not yaml [');
  assert.throws(
    () => resolveKubeconfig({ kubeconfig: join(d, 'bad.yaml') }),
    (e: unknown) => ProbeError.is(e, 'KUBECONFIG_UNREADABLE'),
  );
});

test('no kubeconfig anywhere is not an error: the cluster is just not observable', (t) => {
  const d = dir(t);
  const r = resolveKubeconfig({ env: {}, home: d });
  assert.equal(r.found, false);
  assert.match(!r.found ? r.reason : '', /no kubeconfig found \(~\/\.kube\/config: .*\.kube\/config\)/);
  assert.equal(r.namespace, 'panda');
});
