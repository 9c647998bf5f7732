// Suggested kubectl commands run where the probe ran: its context, the kubeconfig it was given
// explicitly, its namespace, every argument quoted for a POSIX shell when it needs it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { analyse } from '../../src/probe/analysis';
import { kubectlClusterWide, kubectlIn, shellQuote } from '../../src/probe/causes/kubectl';
import { diagnose } from '../../src/probe/diagnose';
import { DEFAULT_MATCH_RULES, DEFAULT_QUEUE_NAMES } from '../../src/probe/options';
import { CAUSE_EXAMPLES, everyCause, type CauseExample } from '../fixtures/causeExamples';

test('arguments a shell reads literally stay bare; anything else is single-quoted, quotes included', () => {
  assert.equal(shellQuote('grpc-job-19-5-x7k2p'), 'grpc-job-19-5-x7k2p');
  assert.equal(shellQuote('arn:aws:eks:eu-west-1:123456789012:cluster/panda'), 'arn:aws:eks:eu-west-1:123456789012:cluster/panda');
  assert.equal(shellQuote('--since=10m'), '--since=10m');
  assert.equal(shellQuote('/home/me/my configs/kube.yaml'), "'/home/me/my configs/kube.yaml'");
  assert.equal(shellQuote("ops' cluster"), `'ops'\\'' cluster'`);
  assert.equal(shellQuote('jsonpath={.spec.nodeSelector}'), "'jsonpath={.spec.nodeSelector}'");
  assert.equal(shellQuote('$(rm -rf ~)'), "'$(rm -rf ~)'");
  assert.equal(shellQuote(''), "''");
});

test('a quoted command reaches the program as the same arguments (checked with a real shell)', () => {
  const args = ["ops' cluster", '/tmp/a b/kube config', 'jsonpath={.a} {.b}', '$HOME', '`id`', 'x;y', ''];
  const line = kubectlClusterWide({ namespace: 'panda' })(...args).replace(/^kubectl /, '');
  const echoed = execFileSync('/bin/sh', ['-c', `printf '%s\\n' ${line}`], { encoding: 'utf8' });
  assert.deepEqual(echoed.split('\n').slice(0, -1), args);
});

test('context, explicit kubeconfig and namespace go before the verb; without them only -n', () => {
  const full = kubectlIn({ namespace: 'panda', context: 'gke_focus_europe-west4_panda', kubeconfig: '/tmp/sandbox state/kubeconfig' });
  assert.equal(
    full('describe', 'pod', 'grpc-job-1-2-abcde'),
    "kubectl --kubeconfig '/tmp/sandbox state/kubeconfig' --context gke_focus_europe-west4_panda -n panda describe pod grpc-job-1-2-abcde",
  );
  assert.equal(kubectlIn({ namespace: 'panda' })('get', 'pvc'), 'kubectl -n panda get pvc');
  assert.equal(kubectlClusterWide({ namespace: 'panda', context: 'prod' })('get', 'namespaces'), 'kubectl --context prod get namespaces');
});

test('every kubectl command any diagnosis suggests carries the context, the kubeconfig and (namespaced ones) the namespace', () => {
  const ctx = {
    timeoutMs: 5000,
    slowThresholdMs: 4000,
    namespace: 'focus-prod',
    context: "ops' cluster",
    kubeconfig: '/home/me/my configs/kube.yaml',
  };
  let commands = 0;
  for (const { id, cause } of everyCause()) {
    const example = (CAUSE_EXAMPLES[id] as Record<string, CauseExample>)[cause]!;
    const sc = diagnose(analyse(example.build().observations, DEFAULT_MATCH_RULES, { queueNames: DEFAULT_QUEUE_NAMES }), ctx);
    for (const suggestion of sc.suggestions) {
      for (const [command] of suggestion.matchAll(/kubectl .*?(?=\)? shows|\)\.?$| lists|$)/g)) {
        commands += 1;
        const target = `kubectl --kubeconfig '/home/me/my configs/kube.yaml' --context 'ops'\\'' cluster' `;
        assert.ok(command.startsWith(target), `${id}/${cause}: ${command}`);
        const rest = command.slice(target.length);
        // Nodes, namespaces and webhook configurations belong to no namespace; the autoscaler's status and the CNI live in kube-system.
        const elsewhere = /^(get (namespaces|nodes|validatingwebhook)|describe nodes?\b)|-n kube-system\b/.test(rest);
        if (!elsewhere) assert.match(rest, /^-n focus-prod /, `${id}/${cause}: ${command}`);
      }
    }
  }
  assert.ok(commands > 30, `only ${commands} commands were checked`);
});
