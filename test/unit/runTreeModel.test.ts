import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Report, ReportPod } from '../../src/probe/model';
import type { RunRecord } from '../../src/extension/runRecord';
import { trimHistory } from '../../src/extension/runRecord';
import { buildRunTree, podDescription, relativeTime, type TreeNodeModel } from '../../src/extension/tree/runTreeModel';
import { podVisualState } from '../../src/extension/tree/podVisualState';
import { CLEANUP_POD, JOB_ID, PRIMARY_POD, healthyReport, podPendingReport } from '../fixtures/reports';

const NOW = Date.parse('2024-05-01T10:03:00.000Z');

function run(over: Partial<RunRecord> = {}): RunRecord {
  return {
    id: 'r1',
    startedAt: '2024-05-01T10:00:00.000Z',
    status: 'done',
    target: { kind: 'sandbox', backendUrl: 'http://127.0.0.1:1/scenario/healthy', namespace: 'panda', scenario: 'healthy' },
    report: healthyReport(),
    elapsedMs: 5400,
    ...over,
  };
}

const labels = (nodes: TreeNodeModel[]) => nodes.map((n) => n.label);
const allIds = (nodes: TreeNodeModel[]): string[] => nodes.flatMap((n) => [n.id, ...allIds(n.children)]);

describe('run tree model', () => {
  test('a finished run shows its job, verdict, consumer-ready time and age', () => {
    const [root] = buildRunTree([run()], NOW);
    assert.equal(root!.label, `job ${JOB_ID}`);
    assert.equal(root!.description, 'healthy · ready 5.311s · 3 min ago');
    assert.deepEqual(root!.icon, { id: 'pass-filled', color: 'testing.iconPassed' });
    assert.equal(root!.contextValue, 'run.done');
    assert.equal(root!.expanded, false, 'a finished run starts folded: only the running one opens by itself');
  });

  test('children: primary pod first, then related pods, then the metadata endpoint and the queue', () => {
    const report = healthyReport();
    report.pods.reverse(); // the cleanup pod arrives first; the tree still puts the primary first
    const [root] = buildRunTree([run({ report })], NOW);
    assert.deepEqual(labels(root!.children), [PRIMARY_POD, CLEANUP_POD, `GET /metadata/${JOB_ID}`, `queue grpc-job-${JOB_ID}`]);
    const [primary, related, metadata, queue] = root!.children;
    assert.equal(primary!.contextValue, 'pod.primary');
    assert.equal(related!.contextValue, 'pod.related');
    assert.deepEqual(primary!.pod, { name: PRIMARY_POD, namespace: 'panda' });
    assert.equal(metadata!.description, '51 attempts · last 200');
    assert.deepEqual(labels(metadata!.children), ['404 Invalid job_id × 50 (0.311s–5.211s)', '200 × 1 (5.311s)']);
    assert.equal(queue!.description, '1 consumer · 0 messages');
    assert.match(queue!.tooltip!, /first seen 4\.100s · source: management-api/);
    assert.deepEqual(
      queue!.children.map((c) => [c.label, c.description]),
      [['amq.ctag-3fK9x', 'from 10.244.3.21:40001 · user focus · prefetch 1']],
    );
  });

  test('a ready pod reads like kubectl, with its details as children', () => {
    const [root] = buildRunTree([run()], NOW);
    const primary = root!.children[0]!;
    assert.equal(primary.description, 'Running · ready · 0 restarts · gpu-node-1');
    assert.deepEqual(primary.icon, { id: 'pass-filled', color: 'testing.iconPassed' });
    const details = Object.fromEntries(primary.children.map((c) => [c.label, c]));
    assert.deepEqual(Object.keys(details), ['labels', 'matched by', 'reason', 'node', 'first seen']);
    assert.deepEqual(
      details.labels!.children.map((c) => `${c.label}=${c.description}`),
      [`app=grpc-job-${JOB_ID}`, `job-name=grpc-job-${JOB_ID}`, 'controller-uid=7f3c9a'],
    );
    assert.equal(details['matched by']!.description, `label:job-name=grpc-job-${JOB_ID}, name:grpc-job-{id}-{suffix}`);
    assert.equal(details.node!.description, 'gpu-node-1');
    assert.equal(details['first seen']!.description, '0.402s');
  });

  test('a pending pod shows its reason and a pending icon; the run shows it never became ready', () => {
    const [root] = buildRunTree([run({ report: podPendingReport() })], NOW);
    assert.equal(root!.description, 'pod_pending · never ready · 3 min ago');
    assert.deepEqual(root!.icon, { id: 'error', color: 'testing.iconFailed' });
    const primary = root!.children[0]!;
    assert.equal(primary.description, 'Pending · Unschedulable · 0 restarts');
    assert.equal(primary.icon!.id, 'clock');
  });

  test('a running run says so and opens; its children follow the live snapshot', () => {
    const [root] = buildRunTree([run({ status: 'running', elapsedMs: 2100 })], NOW);
    assert.equal(root!.description, 'running · 2 s · sandbox: healthy', 'whole seconds: the clock ticks once a second');
    assert.equal(root!.expanded, true);
    assert.equal(root!.icon!.id, 'sync~spin');
    assert.equal(root!.contextValue, 'run.running');
    assert.ok(root!.children.some((c) => c.label === PRIMARY_POD));
  });

  test('a run that could not start carries the reason and no children', () => {
    const [root] = buildRunTree([run({ status: 'failed', report: null, error: 'cannot read kubeconfig /nope: no such file' })], NOW);
    assert.equal(root!.label, 'no job id');
    assert.match(root!.description!, /^could not run/);
    assert.equal(root!.tooltip, 'cannot read kubeconfig /nope: no such file');
    assert.deepEqual(root!.children, []);
    assert.equal(root!.expanded, undefined, 'a leaf: it will never have children');
  });

  test("a run that has just started is expandable before it has children (VS Code keeps an id's first state)", () => {
    const [root] = buildRunTree([run({ status: 'running', report: null, elapsedMs: 10 })], NOW);
    assert.equal(root!.label, 'starting…');
    assert.deepEqual(root!.children, []);
    assert.equal(root!.expanded, true);
  });

  test('ids are unique and stable across rebuilds, so expansion survives live updates', () => {
    const runs = [run(), run({ id: 'r0', startedAt: '2024-05-01T09:00:00.000Z', report: podPendingReport() })];
    const first = allIds(buildRunTree(runs, NOW));
    assert.equal(new Set(first).size, first.length, 'duplicate ids');
    assert.deepEqual(allIds(buildRunTree(runs, NOW + 60_000)), first);
    assert.equal(buildRunTree(runs, NOW)[1]!.expanded, false, 'older finished runs start folded');
  });

  test('a stopped run reads as stopped, after how long, with a stop icon', () => {
    const report = healthyReport();
    report.scenario = {
      ...report.scenario,
      id: 'stopped',
      cause: 'stopped_by_user',
      severity: 'inconclusive',
      title: 'Stopped before a verdict',
    };
    report.timings.consumerReadyMs = null;
    const [root] = buildRunTree([run({ report, elapsedMs: 6201 })], NOW);
    assert.equal(root!.description, 'stopped · after 6.201s · 3 min ago');
    assert.equal(root!.icon!.id, 'debug-stop');
    assert.match(root!.accessibilityLabel, /^probe run, job \S+: stopped, after 6\.201s, 3 min ago$/);
  });

  test('accessibility labels say at least what is shown: the job id on runs, the endpoint on metadata', () => {
    const [root] = buildRunTree([run()], NOW);
    const all = (nodes: TreeNodeModel[]): TreeNodeModel[] => nodes.flatMap((n) => [n, ...all(n.children)]);
    for (const node of all([root!])) {
      assert.ok(node.accessibilityLabel.includes(node.label), `${node.id}: "${node.accessibilityLabel}" lacks "${node.label}"`);
      for (const part of (node.description ?? '').split(' · ')) {
        assert.ok(node.accessibilityLabel.includes(part), `${node.id}: "${node.accessibilityLabel}" lacks "${part}"`);
      }
    }
    assert.equal(root!.accessibilityLabel, `probe run, job ${JOB_ID}: healthy, ready 5.311s, 3 min ago`);
    const metadata = root!.children.find((n) => n.contextValue === 'metadata')!;
    assert.equal(metadata.accessibilityLabel, `GET /metadata/${JOB_ID}: answered 200 at 5.311s, 51 attempts, last 200`);
  });

  test('cluster strings are flattened to one line in labels and descriptions', () => {
    const report: Report = healthyReport();
    report.pods[0] = { ...report.pods[0]!, labels: { note: 'line one\nline two' }, reason: null };
    const [root] = buildRunTree([run({ report })], NOW);
    const labelsNode = root!.children[0]!.children[0]!;
    assert.equal(labelsNode.children[0]!.description, 'line one line two');
  });
});

describe('pod visual state', () => {
  const pod = (phase: string, ready: boolean, reason: string | null): Pick<ReportPod, 'phase' | 'ready' | 'reason'> => ({
    phase,
    ready,
    reason,
  });
  const cases: [Pick<ReportPod, 'phase' | 'ready' | 'reason'>, string][] = [
    [pod('Pending', false, 'Unschedulable'), 'pending'],
    [pod('Pending', false, 'ContainerCreating'), 'pending'],
    [pod('Pending', false, 'ImagePullBackOff'), 'failed'],
    [pod('Running', false, 'CrashLoopBackOff'), 'failed'],
    [pod('Running', false, 'ContainersNotReady'), 'running'],
    [pod('Running', true, null), 'ready'],
    [pod('Failed', false, 'OOMKilled'), 'failed'],
    [pod('Succeeded', false, 'Completed'), 'terminated'],
    [pod('Running', true, 'Deleted'), 'terminated'],
  ];
  for (const [p, expected] of cases) {
    test(`${p.phase}/${p.ready ? 'ready' : 'not ready'}/${p.reason} → ${expected}`, () => assert.equal(podVisualState(p), expected));
  }

  test('descriptions name restarts and the node', () => {
    const base = healthyReport().pods[0]!;
    assert.equal(
      podDescription({ ...base, ready: false, reason: 'ContainersNotReady', restartCount: 1 }),
      'Running · not ready · ContainersNotReady · 1 restart · gpu-node-1',
    );
  });
});

describe('relative time and history', () => {
  test('relativeTime', () => {
    assert.equal(relativeTime(NOW - 2_000, NOW), 'just now');
    assert.equal(relativeTime(NOW - 42_000, NOW), '42 s ago');
    assert.equal(relativeTime(NOW - 3 * 3_600_000, NOW), '3 h ago');
    assert.equal(relativeTime(NOW - 2 * 86_400_000, NOW), '2 d ago');
  });

  test('history keeps the newest runs, newest first', () => {
    const runs = Array.from({ length: 25 }, (_, i) => run({ id: `r${i}`, startedAt: new Date(NOW + i * 1000).toISOString() }));
    const kept = trimHistory(runs);
    assert.equal(kept.length, 20);
    assert.equal(kept[0]!.id, 'r24');
    assert.equal(kept[19]!.id, 'r5');
  });
});
