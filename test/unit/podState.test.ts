import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ContainerStateSummary, PodSnapshot } from '../../src/probe/model';
import { podFailure, podReason } from '../../src/probe/podState';

const container = (c: Partial<ContainerStateSummary>): ContainerStateSummary => ({
  name: 'baby-analyzer',
  ready: false,
  restartCount: 0,
  state: 'running',
  reason: null,
  message: null,
  exitCode: null,
  lastTerminated: null,
  ...c,
});
const pod = (p: Partial<PodSnapshot>): PodSnapshot => ({
  uid: 'u',
  name: 'grpc-job-1-1-abcde',
  namespace: 'panda',
  phase: 'Pending',
  ready: false,
  restartCount: 0,
  node: null,
  labels: {},
  conditions: [],
  containers: [],
  deleted: false,
  ...p,
});

test('podReason reads a pod like kubectl, with the unmet condition as the last resort', () => {
  assert.equal(podReason(pod({ conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable' }] })), 'Unschedulable');
  assert.equal(podReason(pod({ node: 'n1' })), 'ContainerCreating');
  assert.equal(
    podReason(pod({ node: 'n1', containers: [container({ state: 'waiting', reason: 'ImagePullBackOff' })] })),
    'ImagePullBackOff',
  );
  assert.equal(
    podReason(pod({ containers: [container({ name: 'init:setup', state: 'waiting', reason: 'CrashLoopBackOff' })] })),
    'Init:CrashLoopBackOff',
  );
  assert.equal(podReason(pod({ phase: 'Failed', statusReason: 'Evicted' })), 'Evicted');
  assert.equal(
    podReason(
      pod({
        phase: 'Running',
        conditions: [{ type: 'Ready', status: 'False', reason: 'ContainersNotReady' }],
        containers: [container({})],
      }),
    ),
    'ContainersNotReady',
  );
  assert.equal(
    podReason(
      pod({ phase: 'Running', ready: true, conditions: [{ type: 'Ready', status: 'True' }], containers: [container({ ready: true })] }),
    ),
    null,
  );
  assert.equal(podReason(pod({ deleted: true })), 'Deleted');
});

test('podFailure names the cause; a healthy or merely pending pod has none', () => {
  assert.equal(podFailure(pod({ phase: 'Running', containers: [container({})] })), null);
  assert.equal(podFailure(pod({ conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable' }] })), null);
  assert.equal(
    podFailure(pod({ containers: [container({ state: 'waiting', reason: 'ErrImagePull', message: 'not found' })] })),
    'ErrImagePull: not found',
  );
  assert.equal(
    podFailure(
      pod({
        phase: 'Running',
        restartCount: 1,
        containers: [container({ restartCount: 1, lastTerminated: { reason: 'OOMKilled', exitCode: 137, message: null } })],
      }),
    ),
    'container restarted 1 time, last exit code 137 (OOMKilled)',
  );
  assert.equal(
    podFailure(pod({ phase: 'Failed', statusReason: 'DeadlineExceeded', statusMessage: 'Job was active longer than specified deadline' })),
    'pod Failed (DeadlineExceeded): Job was active longer than specified deadline',
  );
});
