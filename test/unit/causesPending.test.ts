// pod_pending's causes: the scheduler's message read part by part (the part that blocks the nodes the
// pod could use decides), the cluster autoscaler's latest word, a pod stuck being created, and who holds
// the GPUs when it waits for one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyse } from '../../src/probe/analysis';
import { readSchedulerMessage } from '../../src/probe/causes/scheduling';
import { diagnose } from '../../src/probe/diagnose';
import type { Scenario } from '../../src/probe/model';
import { DEFAULT_MATCH_RULES } from '../../src/probe/options';
import { AUTOSCALER, KUBELET, SCHEDULER } from '../fixtures/clusterMessages';
import { POD, TimelineBuilder, jobLabels } from '../fixtures/timelines';

const ctx = { timeoutMs: 5000, slowThresholdMs: 4000, namespace: 'panda' };
const diagnoseOf = (b: TimelineBuilder): Scenario => diagnose(analyse(b.observations, DEFAULT_MATCH_RULES), ctx);
const notReady = (b: TimelineBuilder) => b.metadata(160, 4900, 404, 'Invalid job_id').end(5000, 'timeout');
const waiting = (jobId: string) =>
  new TimelineBuilder(jobId).watching().job(200).pod(300, POD(jobId), { scheduled: 'unschedulable' }, jobLabels(jobId));

test('the scheduler message: each cause from real kube-scheduler wordings', () => {
  const cases: [string, string][] = [
    [SCHEDULER.gpu, 'unschedulable_gpu'],
    [SCHEDULER.cpu, 'unschedulable_cpu'],
    [SCHEDULER.memory, 'unschedulable_memory'],
    [SCHEDULER.taint, 'unschedulable_taint'],
    [SCHEDULER.affinity, 'unschedulable_affinity'],
    [SCHEDULER.volume, 'unschedulable_volume'],
    [SCHEDULER.other, 'unschedulable_other'],
    // Before Kubernetes 1.26 a taint read "had taint {…}, that the pod didn't tolerate" (a comma inside the part).
    [
      "0/3 nodes are available: 1 node(s) had taint {node-role.kubernetes.io/master: }, that the pod didn't tolerate, 2 Insufficient nvidia.com/gpu.",
      'unschedulable_gpu',
    ],
    ["0/3 nodes are available: 3 node(s) had taint {dedicated: gpu-training}, that the pod didn't tolerate.", 'unschedulable_taint'],
    [
      '0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 node(s) had volume node affinity conflict.',
      'unschedulable_volume',
    ],
    [
      "0/3 nodes are available: 3 node(s) didn't match pod anti-affinity rules. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.",
      'unschedulable_affinity',
    ],
    ['0/3 nodes are available: 3 Insufficient ephemeral-storage.', 'unschedulable_other'],
    ['0/3 nodes are available: 3 Too many pods.', 'unschedulable_other'],
    ['0/1 nodes are available: 1 node(s) were unschedulable.', 'unschedulable_other'],
    ['no nodes available to schedule pods', 'unschedulable_other'],
  ];
  for (const [message, cause] of cases) assert.equal(readSchedulerMessage(message).cause, cause, message);
});

test('the nodes the pod could use decide: capacity beats nodes it may never use, even when they are fewer', () => {
  const reading = readSchedulerMessage(
    "0/6 nodes are available: 4 node(s) didn't match Pod's node affinity/selector, 2 Insufficient nvidia.com/gpu.shared. preemption: 0/6 nodes are available: 2 No preemption victims found for incoming pod, 4 Preemption is not helpful for scheduling.",
  );
  assert.equal(reading.cause, 'unschedulable_gpu');
  assert.equal(reading.total, 6);
  assert.deepEqual(reading.decisive, { nodes: 2, text: 'Insufficient nvidia.com/gpu.shared', kind: 'gpu' });
  assert.deepEqual(
    reading.reasons.map((r) => [r.nodes, r.kind]),
    [
      [4, 'affinity'],
      [2, 'gpu'],
    ],
    'what follows "preemption:" is not a reason',
  );
  // Among resources, the one that blocks more nodes; on a tie GPU, then memory, then CPU.
  assert.equal(
    readSchedulerMessage('0/5 nodes are available: 3 Insufficient cpu, 2 Insufficient nvidia.com/gpu.shared.').cause,
    'unschedulable_cpu',
  );
  assert.equal(readSchedulerMessage('0/2 nodes are available: 2 Insufficient cpu, 2 Insufficient memory.').cause, 'unschedulable_memory');
  // A control-plane node is never a candidate: its taint decides only when nothing else is said.
  assert.equal(
    readSchedulerMessage(
      "0/5 nodes are available: 3 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 node(s) didn't match Pod's node affinity/selector.",
    ).cause,
    'unschedulable_affinity',
  );
  assert.equal(
    readSchedulerMessage('0/1 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }.').cause,
    'unschedulable_taint',
  );
  // An unbound claim binds no node at all, whatever else the nodes lack.
  assert.equal(
    readSchedulerMessage('0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims, 3 Insufficient cpu.').cause,
    'unschedulable_volume',
  );
});

test('pod_pending without a FailedScheduling event reads the PodScheduled condition, which carries the same message', () => {
  const b = new TimelineBuilder('8-11')
    .watching()
    .job(200)
    .pod(
      300,
      POD('8-11'),
      { conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: SCHEDULER.memory }] },
      jobLabels('8-11'),
    );
  const sc = diagnoseOf(notReady(b));
  assert.equal(sc.cause, 'unschedulable_memory');
  assert.ok(sc.evidence.includes(`PodScheduled False (Unschedulable): ${SCHEDULER.memory}`), sc.evidence.join('\n'));
});

test('pod_pending with no word from the scheduler names no cause', () => {
  const sc = diagnoseOf(notReady(waiting('8-12')));
  assert.equal(sc.id, 'pod_pending');
  assert.equal(sc.cause, null);
  assert.match(sc.title, /never scheduled, and the scheduler said nothing/);
});

test('the autoscaler: TriggeredScaleUp is a wait for a node, with how long it lasted; a later NotTriggerScaleUp overrides it', () => {
  const pod = POD('8-13');
  const scaling = waiting('8-13')
    .event(350, 'Warning', 'FailedScheduling', `Pod/${pod}`, SCHEDULER.gpu)
    .event(1400, 'Normal', 'TriggeredScaleUp', `Pod/${pod}`, AUTOSCALER.triggered);
  const sc = diagnoseOf(notReady(scaling));
  assert.equal(sc.cause, 'waiting_for_scale_up');
  assert.match(sc.summary, /started adding a node for it at 1\.400s, and the pod had waited 3\.600s for that node/);
  assert.ok(sc.evidence.includes(`TriggeredScaleUp: ${AUTOSCALER.triggered}`));
  assert.ok(sc.evidence.includes(`FailedScheduling: ${SCHEDULER.gpu}`), 'the scheduler message stays evidence');
  assert.doesNotMatch(sc.title, /never started/);

  const refused = diagnoseOf(notReady(scaling.event(2400, 'Normal', 'NotTriggerScaleUp', `Pod/${pod}`, AUTOSCALER.notTriggered)));
  assert.equal(refused.cause, 'scale_up_impossible');
  assert.ok(refused.evidence[0]!.includes(AUTOSCALER.notTriggered));
});

test('a scheduled pod whose containers never start: the mount or sandbox error, else the pull still under way', () => {
  const pod = POD('8-14');
  const scheduled = new TimelineBuilder('8-14')
    .watching()
    .job(200)
    .pod(300, pod, {}, jobLabels('8-14'))
    .pod(450, pod, { scheduled: true, node: 'node-3' })
    .event(500, 'Normal', 'Pulling', `Pod/${pod}`, KUBELET.pulling);
  const pulling = diagnoseOf(notReady(scheduled));
  assert.equal(pulling.cause, 'container_creating_stuck');
  assert.ok(pulling.evidence.includes(`still pulling since 0.500s: ${KUBELET.pulling}`), pulling.evidence.join('\n'));
  const sandbox = diagnoseOf(notReady(scheduled.event(900, 'Warning', 'FailedCreatePodSandBox', `Pod/${pod}`, KUBELET.failedSandbox)));
  assert.equal(sandbox.cause, 'container_creating_stuck');
  assert.equal(sandbox.title, 'Pod scheduled, but its sandbox could not be created');
  assert.ok(sandbox.evidence.includes(`FailedCreatePodSandBox: ${KUBELET.failedSandbox}`));
  assert.ok(sandbox.suggestions.some((s) => s.includes('--field-selector=spec.nodeName=node-3')));
});

test('who holds the GPUs: each holder named, a failed lookup said, stale jobs of this backend to clean up', () => {
  const pod = POD('8-15');
  const base = () => waiting('8-15').event(350, 'Warning', 'FailedScheduling', `Pod/${pod}`, SCHEDULER.gpu);
  const holders = [
    {
      name: 'grpc-job-12-1-abcde',
      namespace: 'panda',
      gpus: 1,
      resource: 'nvidia.com/gpu.shared',
      runningForMs: 11_520_000,
      backendJob: true,
    },
    { name: 'trainer-0', namespace: 'panda', gpus: 2, resource: 'nvidia.com/gpu', runningForMs: 1_800_000, backendJob: false },
    { name: 'amd-0', namespace: 'panda', gpus: 1, resource: 'amd.com/gpu', runningForMs: null, backendJob: false },
  ];
  const sc = diagnoseOf(notReady(base().gpuHolders(4950, holders)));
  assert.equal(sc.cause, 'unschedulable_gpu');
  for (const line of [
    'pod grpc-job-12-1-abcde holds 1 nvidia.com/gpu.shared, running for 3h12m (a job of this backend)',
    'pod trainer-0 holds 2 nvidia.com/gpu, running for 30m',
    'pod amd-0 holds 1 amd.com/gpu, start time unknown',
  ]) {
    assert.ok(sc.evidence.includes(line), `${line}\n---\n${sc.evidence.join('\n')}`);
  }
  assert.ok(
    sc.suggestions.some((s) => s.startsWith('Jobs of this backend hold GPUs (grpc-job-12-1-abcde, 3h12m): delete the stale ones')),
    sc.suggestions.join('\n'),
  );
  const failed = diagnoseOf(notReady(base().gpuHolders(4950, [], '403 Forbidden: pods is forbidden')));
  assert.ok(failed.evidence.includes('who holds the GPUs could not be read: 403 Forbidden: pods is forbidden'));
  assert.ok(!failed.suggestions.some((s) => s.startsWith('Jobs of this backend')));
  const notLooked = diagnoseOf(notReady(base()));
  assert.ok(!notLooked.evidence.some((e) => /holds|who holds/.test(e)), 'nothing said when nobody looked');
});
