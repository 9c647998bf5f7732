import { test } from 'node:test';
import assert from 'node:assert/strict';
import { matchPod, namePatternToRegExp } from '../../src/probe/matching';
import { DEFAULT_MATCH_RULES } from '../../src/probe/options';

const rules = DEFAULT_MATCH_RULES;
const pod = (name: string, labels: Record<string, string> = {}) => ({ name, labels });

test('a job id never matches pods of jobs whose ids contain it', () => {
  for (const other of ['grpc-job-19-50-abcde', 'grpc-job-119-5-abcde', 'grpc-job-19-5-0-abcde', 'grpc-job-1-19-5-abcde']) {
    assert.equal(matchPod(pod(other), '19-5', rules), null, other);
  }
  assert.equal(matchPod(pod('grpc-job-11-3-qwert', { 'job-name': 'grpc-job-11-3', app: 'grpc-job-11-3' }), '1-3', rules), null);
  assert.equal(matchPod(pod('grpc-job-1-30-qwert', { 'job-name': 'grpc-job-1-30' }), '1-3', rules), null);
});

test('name-only match: the generated pod name of the job', () => {
  const m = matchPod(pod('grpc-job-19-5-abcde'), '19-5', rules);
  assert.deepEqual(m, { role: 'primary', matchedBy: ['name:grpc-job-{id}-{suffix}'] });
});

test('label-only match: a pod with another name but the job-name label', () => {
  const m = matchPod(pod('renamed-pod', { 'job-name': 'grpc-job-19-5' }), '19-5', rules);
  assert.deepEqual(m, { role: 'primary', matchedBy: ['label:job-name=grpc-job-19-5'] });
});

test('every rule that matched is recorded', () => {
  const m = matchPod(pod('grpc-job-19-5-abcde', { 'job-name': 'grpc-job-19-5', app: 'grpc-job-19-5', job_id: '19-5' }), '19-5', rules);
  assert.deepEqual(m?.matchedBy, [
    'label:job-name=grpc-job-19-5',
    'label:app=grpc-job-19-5',
    'label:job_id=19-5',
    'name:grpc-job-{id}-{suffix}',
  ]);
});

test('the cleanup Job pod is related, never primary', () => {
  assert.deepEqual(matchPod(pod('cleanup-job-19-5-zzzzz'), '19-5', rules), {
    role: 'related',
    matchedBy: ['name:cleanup-job-{id}-{suffix}'],
  });
  assert.equal(matchPod(pod('cleanup-job-19-50-zzzzz'), '19-5', rules), null);
  const labelled = matchPod(pod('cleanup-job-19-5-zzzzz', { 'job-name': 'cleanup-job-19-5' }), '19-5', rules);
  assert.equal(labelled?.role, 'related');
  assert.equal(labelled?.matchedBy.length, 2);
});

test('a label value equal only as a substring does not match', () => {
  assert.equal(matchPod(pod('x', { 'job-name': 'grpc-job-19-50' }), '19-5', rules), null);
  assert.equal(matchPod(pod('x', { job_id: '119-5' }), '19-5', rules), null);
});

test('regular-expression characters in ids and patterns are literal', () => {
  const re = namePatternToRegExp('grpc.job-{id}-{suffix}', '1.5', '[a-z]{5}');
  assert.ok(re.test('grpc.job-1.5-abcde'));
  assert.ok(!re.test('grpcXjob-1.5-abcde'));
  assert.ok(!re.test('grpc.job-105-abcde'));
});

test('rules are configurable: another pipeline with other names and labels', () => {
  const custom = { ...rules, primaryLabels: ['workload={id}'], primaryNames: ['worker-{id}'], relatedLabels: [], relatedNames: [] };
  assert.equal(matchPod(pod('worker-abc'), 'abc', custom)?.role, 'primary');
  assert.equal(matchPod(pod('grpc-job-abc-abcde'), 'abc', custom), null);
  assert.deepEqual(matchPod(pod('p', { workload: 'abc' }), 'abc', custom)?.matchedBy, ['label:workload=abc']);
});
