// The pure parts of the pod actions: the kubectl lines they type, the check that guards "Run in
// Terminal", which logs Follow Logs offers, the events table, and where "Reveal" says the pod is.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { kubectlIn } from '../../src/probe/causes/kubectl';
import { describeLine, logsLine, refuseTerminalLine } from '../../src/extension/kube/kubectlLine';
import { ago, eventsTable, logChoices, podForDisplay, type PodObject } from '../../src/extension/kube/podFacts';
import { revealMessage } from '../../src/extension/kube/revealMessage';
import { kubectlCommands } from '../../src/extension/report/protocol';
import type { RunTarget } from '../../src/extension/runRecord';
import { analyse } from '../../src/probe/analysis';
import { diagnose } from '../../src/probe/diagnose';
import { DEFAULT_MATCH_RULES, DEFAULT_QUEUE_NAMES } from '../../src/probe/options';
import { CAUSE_EXAMPLES, everyCause, type CauseExample } from '../fixtures/causeExamples';

const sandbox: RunTarget = {
  kind: 'sandbox',
  backendUrl: 'http://x',
  kubeconfig: '/tmp/sb/kubeconfig',
  namespace: 'panda',
  scenario: 'healthy',
};
const cluster: RunTarget = {
  kind: 'cluster',
  backendUrl: 'http://x',
  kubeconfig: '/home/me/.kube/my config',
  context: 'prod',
  namespace: 'panda',
};
const pod = { name: 'grpc-job-1-2-abcde', namespace: 'panda' };

test("Describe aims at the run's kubeconfig, context and namespace, quoted for a shell", () => {
  assert.equal(describeLine(sandbox, pod), 'kubectl --kubeconfig /tmp/sb/kubeconfig -n panda describe pod grpc-job-1-2-abcde');
  assert.equal(
    describeLine(cluster, pod),
    "kubectl --kubeconfig '/home/me/.kube/my config' --context prod -n panda describe pod grpc-job-1-2-abcde",
  );
  const noFile: RunTarget = { kind: 'cluster', backendUrl: '', namespace: 'panda' };
  assert.equal(describeLine(noFile, { ...pod, namespace: 'other' }), 'kubectl -n other describe pod grpc-job-1-2-abcde');
});

test('Follow Logs follows the live container and prints the previous one (which cannot be followed)', () => {
  assert.equal(
    logsLine(sandbox, pod, { container: 'analyzer', previous: false }),
    'kubectl --kubeconfig /tmp/sb/kubeconfig -n panda logs grpc-job-1-2-abcde -c analyzer -f --tail 200',
  );
  assert.equal(
    logsLine(sandbox, pod, { container: 'analyzer', previous: true }),
    'kubectl --kubeconfig /tmp/sb/kubeconfig -n panda logs grpc-job-1-2-abcde -c analyzer --previous',
  );
  assert.equal(
    logsLine(sandbox, pod, { container: null, previous: false }),
    'kubectl --kubeconfig /tmp/sb/kubeconfig -n panda logs grpc-job-1-2-abcde -f --tail 200',
  );
});

test('Run in Terminal takes one plain kubectl command, as the report quotes it, and refuses anything else', () => {
  for (const ok of [
    'kubectl -n panda get pods',
    "kubectl --kubeconfig '/home/me/.kube/my config' -n panda describe pod p",
    "kubectl -n panda get job grpc-job-1-2 -o 'jsonpath={.spec.template.spec.containers[*].image}'",
    "kubectl -n panda logs 'it'\\''s'",
  ]) {
    assert.equal(refuseTerminalLine(ok), null, ok);
  }
  for (const [bad, says] of [
    ['rm -rf ~', /Only kubectl commands/],
    ['kubectlx get pods', /Only kubectl commands/],
    ['  kubectl get pods', /Only kubectl commands/],
    ['kubectl get pods; rm -rf ~', /";"/],
    ['kubectl get pods && curl evil', /"&"/],
    ['kubectl get pods | sh', /"\|"/],
    ['kubectl get pods $(id)', /"\$"/],
    ['kubectl get pods `id`', /"`"/],
    ['kubectl get pods > /etc/passwd', /">"/],
    ['kubectl get pods\nrm -rf ~', /one line/],
    ["kubectl get 'pods", /unclosed quote/],
    ['kubectl get po*', /"\*"/],
    ['kubectl get pods\t-A', /"\\t"/],
    ['', /no command/],
    [42, /no command/],
  ] as const) {
    assert.match(refuseTerminalLine(bad) ?? 'accepted', says, String(bad));
  }
});

test('every command the engine builds for a suggestion passes the Run in Terminal check (any arguments)', () => {
  fc.assert(
    fc.property(
      fc.array(fc.string({ unit: 'grapheme-ascii', maxLength: 20 }), { maxLength: 6 }),
      fc.string({ minLength: 1 }),
      (args, ns) => {
        const line = kubectlIn({ namespace: ns.replace(/[\r\n\0]/g, ''), context: 'c', kubeconfig: '/k' })(
          ...args.map((a) => a.replace(/[\r\n\0]/g, '')),
        );
        return refuseTerminalLine(line) === null;
      },
    ),
  );
});

const twoContainers: PodObject = {
  spec: { initContainers: [{ name: 'wait-for-broker' }], containers: [{ name: 'analyzer' }, { name: 'sidecar' }] },
  status: {
    initContainerStatuses: [{ name: 'wait-for-broker', restartCount: 0, state: { terminated: { reason: 'Completed' } } }],
    containerStatuses: [
      { name: 'analyzer', restartCount: 3, state: { running: {} }, lastState: { terminated: { reason: 'Error', exitCode: 1 } } },
      { name: 'sidecar', restartCount: 0, state: { running: {} } },
    ],
  },
};

test("Follow Logs offers each container, and a restarted container's previous instance", () => {
  const picks = logChoices(twoContainers);
  assert.deepEqual(
    picks.map((p) => [p.label, p.description, p.container, p.previous]),
    [
      ['wait-for-broker', 'init container · terminated', 'wait-for-broker', false],
      ['analyzer', 'running', 'analyzer', false],
      ['analyzer (previous)', '3 restarts · last Error (exit 1)', 'analyzer', true],
      ['sidecar', 'running', 'sidecar', false],
    ],
  );
});

test('a pod with one container that never restarted has one choice: nothing to ask', () => {
  const single: PodObject = {
    spec: { containers: [{ name: 'analyzer' }] },
    status: { containerStatuses: [{ name: 'analyzer', restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } }] },
  };
  assert.deepEqual(logChoices(single), [{ label: 'analyzer', description: 'waiting', container: 'analyzer', previous: false }]);
  const notStarted: PodObject = { spec: { containers: [{ name: 'analyzer' }] } };
  assert.equal(logChoices(notStarted)[0]?.description, 'not started');
});

test('the events table: oldest first, aligned columns, kubectl-style ages, repeated counts', () => {
  const now = Date.parse('2026-01-01T10:00:00Z');
  const text = eventsTable(
    [
      {
        type: 'Normal',
        reason: 'Started',
        message: 'Started container analyzer',
        lastTimestamp: '2026-01-01T09:59:50Z',
        involvedObject: { kind: 'Pod', name: 'p' },
      },
      {
        type: 'Warning',
        reason: 'FailedScheduling',
        message: '0/3 nodes are available:\n Insufficient gpu',
        count: 4,
        lastTimestamp: '2026-01-01T09:57:48Z',
        involvedObject: { kind: 'Pod', name: 'p' },
      },
      {
        type: 'Normal',
        reason: 'Pulled',
        message: 'pulled',
        eventTime: '2026-01-01T09:59:49.5Z',
        involvedObject: { kind: 'Pod', name: 'p', fieldPath: 'spec.containers{analyzer}' },
      },
    ],
    now,
  );
  const lines = text.trimEnd().split('\n');
  assert.equal(lines.length, 4);
  assert.match(lines[0]!, /^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE$/);
  assert.match(lines[1]!, /^2m12s\s+Warning\s+FailedScheduling\s+pod\/p\s+0\/3 nodes are available: Insufficient gpu \(x4\)$/);
  assert.match(lines[2]!, /^10s\s+Normal\s+Pulled\s+pod\/p spec\.containers\{analyzer\}\s+pulled$/);
  assert.match(lines[3]!, /^10s\s+Normal\s+Started/);
  const typeColumn = new Set(lines.map((l) => l.indexOf(l.split(/\s{3,}/)[1]!)));
  assert.equal(typeColumn.size, 1, `the TYPE column starts at one x position:\n${text}`);
  assert.match(eventsTable([], now), /^No events/);
});

test('ages as kubectl prints them', () => {
  const now = Date.parse('2026-01-02T00:00:00Z');
  const at = (ms: number) => new Date(now - ms).toISOString();
  assert.deepEqual(
    [at(5_000), at(180_000), at(192_000), at(7_200_000), at(7_440_000), at(3 * 86_400_000)].map((t) => ago(t, now)),
    ['5s', '3m', '3m12s', '2h', '2h4m', '3d'],
  );
  assert.equal(ago('not a time', now), '<unknown>');
});

test('the YAML view leaves managedFields out and does not touch the original', () => {
  const original = { metadata: { name: 'p', managedFields: [{ manager: 'kubelet' }] } };
  const shown = podForDisplay(original);
  assert.deepEqual(shown, { metadata: { name: 'p' } });
  assert.ok(original.metadata.managedFields);
});

test("Reveal says where the pod is, or that the Kubernetes view shows another kubeconfig than the run's", () => {
  assert.match(revealMessage(pod, cluster, '/home/me/.kube/my config'), /under context prod › Workloads › Pods \(namespace panda\)/);
  assert.match(
    revealMessage(pod, { ...cluster, kubeconfig: undefined, context: undefined }, '/home/me/.kube/config'),
    /under the current context/,
  );
  assert.match(
    revealMessage(pod, sandbox, '/home/me/.kube/config'),
    /shows the clusters of \/home\/me\/\.kube\/config, not this run's kubeconfig \/tmp\/sb\/kubeconfig/,
  );
});

test('every kubectl command a diagnosis suggests (as the report buttons extract it) passes the Run in Terminal check', () => {
  const ctx = { timeoutMs: 5000, slowThresholdMs: 4000, namespace: 'panda', context: 'prod ctx', kubeconfig: "/home/o'neil/kube config" };
  let checked = 0;
  const failures: string[] = [];
  for (const { id, cause } of everyCause()) {
    const example = (CAUSE_EXAMPLES[id] as Record<string, CauseExample | undefined>)[cause];
    if (!example) continue;
    const sc = diagnose(analyse(example.build().observations, DEFAULT_MATCH_RULES, { queueNames: DEFAULT_QUEUE_NAMES }), ctx);
    for (const command of sc.suggestions.flatMap(kubectlCommands)) {
      const refused = refuseTerminalLine(command);
      if (refused) failures.push(`${id}/${cause}: ${refused}\n  ${command}`);
      checked++;
    }
  }
  assert.ok(checked >= 20, `only ${checked} commands were checked`);
  assert.deepEqual(failures, []);
});
