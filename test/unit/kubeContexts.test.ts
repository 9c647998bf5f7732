import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { contextChoices } from '../../src/extension/kubeContexts';
import { makeTempDir } from '../helpers/tmp';

const KUBECONFIG = `apiVersion: v1
kind: Config
current-context: staging
clusters:
- name: c-staging
  cluster: { server: https://staging.example:6443 }
- name: c-prod
  cluster: { server: https://prod.example:6443 }
users:
- name: u
  user: { token: secret-token }
contexts:
- name: staging
  context: { cluster: c-staging, user: u, namespace: panda }
- name: prod
  context: { cluster: c-prod, user: u }
`;

test('contexts: the current one is marked, and the setting decides which is chosen', (t) => {
  const dir = makeTempDir(t);
  const file = join(dir, 'config');
  writeFileSync(file, KUBECONFIG);
  const byDefault = contextChoices(file, '');
  assert.equal(byDefault.currentContext, 'staging');
  assert.deepEqual(
    byDefault.choices.map((c) => [c.name, c.cluster, c.namespace, c.current, c.chosen]),
    [
      ['staging', 'c-staging', 'panda', true, true],
      ['prod', 'c-prod', null, false, false],
    ],
  );
  const chosenProd = contextChoices(file, 'prod');
  assert.deepEqual(
    chosenProd.choices.map((c) => [c.name, c.current, c.chosen]),
    [
      ['staging', true, false],
      ['prod', false, true],
    ],
  );
  assert.ok(!JSON.stringify(chosenProd).includes('secret-token'), 'credentials never leave the kubeconfig');
});

test('contexts: a missing kubeconfig is one sentence', () => {
  assert.throws(() => contextChoices('/nonexistent/kubeconfig', ''), /cannot read kubeconfig \/nonexistent\/kubeconfig: no such file/);
  assert.throws(() => contextChoices('', '', { KUBECONFIG: '/nonexistent/a' }), /no kubeconfig found \(KUBECONFIG: \/nonexistent\/a\)/);
});
