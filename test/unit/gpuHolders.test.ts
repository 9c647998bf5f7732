// Who holds the GPUs, from the running pods' specs: any GPU resource (requests or limits), summed over
// containers; a Job of this backend recognised by its job-name label; longest-running first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gpuHoldersOf } from '../../src/probe/kube/gpuHolders';
import { DEFAULT_MATCH_RULES } from '../../src/probe/options';

const NOW = Date.parse('2026-12-06T12:00:00Z');
const pod = (name: string, startTime: string | undefined, containers: object[], labels: Record<string, string> = {}) => ({
  metadata: { name, namespace: 'panda', labels },
  spec: { containers },
  status: { phase: 'Running', ...(startTime ? { startTime } : {}) },
});
const gpu = (resource: string, n: string, where: 'limits' | 'requests' = 'limits') => ({
  resources: { [where]: { cpu: '1', [resource]: n } },
});

test('running pods that ask for a GPU are the holders, with how long they ran and whether they are this backend’s jobs', () => {
  const holders = gpuHoldersOf(
    [
      pod('grpc-job-12-1-abcde', '2026-12-06T09:00:00Z', [gpu('nvidia.com/gpu.shared', '1')], { 'job-name': 'grpc-job-12-1' }),
      pod('trainer-0', '2026-12-06T11:30:00Z', [gpu('nvidia.com/gpu', '2', 'requests'), gpu('nvidia.com/gpu', '1')]),
      pod('web-1', '2026-12-06T08:00:00Z', [{ resources: { requests: { cpu: '100m', memory: '1Gi' } } }]),
      pod('amd-0', undefined, [gpu('amd.com/gpu', '1')], { 'job-name': 'other-job' }),
      pod('zero-gpu', '2026-12-06T10:00:00Z', [gpu('nvidia.com/gpu', '0')]),
    ],
    DEFAULT_MATCH_RULES,
    NOW,
  );
  assert.deepEqual(holders, [
    {
      name: 'grpc-job-12-1-abcde',
      namespace: 'panda',
      gpus: 1,
      resource: 'nvidia.com/gpu.shared',
      runningForMs: 3 * 3_600_000,
      backendJob: true,
    },
    { name: 'trainer-0', namespace: 'panda', gpus: 3, resource: 'nvidia.com/gpu', runningForMs: 30 * 60_000, backendJob: false },
    { name: 'amd-0', namespace: 'panda', gpus: 1, resource: 'amd.com/gpu', runningForMs: null, backendJob: false },
  ]);
});

test('a custom Job name pattern decides which holders are this backend’s jobs', () => {
  const rules = { ...DEFAULT_MATCH_RULES, jobName: 'analyzer-{id}' };
  const [holder] = gpuHoldersOf(
    [pod('analyzer-7-xyz', '2026-12-06T11:00:00Z', [gpu('nvidia.com/gpu', '1')], { 'job-name': 'analyzer-7' })],
    rules,
    NOW,
  );
  assert.equal(holder!.backendJob, true);
  const [other] = gpuHoldersOf(
    [pod('grpc-job-7-xyz', '2026-12-06T11:00:00Z', [gpu('nvidia.com/gpu', '1')], { 'job-name': 'grpc-job-7' })],
    rules,
    NOW,
  );
  assert.equal(other!.backendJob, false);
});
