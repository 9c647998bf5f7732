// pod_never_created's causes from the Job controller's FailedCreate (a quota, an admission controller)
// and the Job's own state (suspended, and resumed again); what is not named stays unnamed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyse } from '../../src/probe/analysis';
import { createRefusal } from '../../src/probe/causes/neverCreated';
import { diagnose } from '../../src/probe/diagnose';
import type { Scenario } from '../../src/probe/model';
import { DEFAULT_MATCH_RULES } from '../../src/probe/options';
import { JOB_CONTROLLER } from '../fixtures/clusterMessages';
import { TimelineBuilder } from '../fixtures/timelines';

const ctx = { timeoutMs: 5000, slowThresholdMs: 4000, namespace: 'panda' };
const diagnoseOf = (b: TimelineBuilder): Scenario => diagnose(analyse(b.observations, DEFAULT_MATCH_RULES), ctx);
const notReady = (b: TimelineBuilder) => b.metadata(160, 4900, 404, 'Invalid job_id').end(5000, 'timeout');

test('what refused the pod, from the FailedCreate message', () => {
  assert.equal(createRefusal(JOB_CONTROLLER.quota('grpc-job-5-1-x')), 'quota_exceeded');
  assert.equal(createRefusal(JOB_CONTROLLER.webhook('grpc-job-5-1-x')), 'admission_denied');
  assert.equal(createRefusal(JOB_CONTROLLER.podSecurity('grpc-job-5-1-x')), 'admission_denied');
  assert.equal(
    createRefusal(
      'Error creating: pods "grpc-job-5-1-x" is forbidden: error looking up service account panda/analyzer: serviceaccount "analyzer" not found',
    ),
    'admission_denied',
  );
  assert.equal(createRefusal('Error creating: Internal error occurred: resource quota evaluation timed out'), null);
});

test('a quota names itself in the title and the suggestion; a webhook names itself too', () => {
  const quota = diagnoseOf(
    notReady(
      new TimelineBuilder('5-1').watching().job(200).event(260, 'Warning', 'FailedCreate', 'Job/grpc-job-5-1', JOB_CONTROLLER.quota('p')),
    ),
  );
  assert.equal(quota.title, 'No pod: the ResourceQuota gpu-quota refused it');
  assert.ok(quota.suggestions.some((s) => s.endsWith('kubectl -n panda describe resourcequota gpu-quota')));
  const webhook = diagnoseOf(
    notReady(
      new TimelineBuilder('5-2').watching().job(200).event(260, 'Warning', 'FailedCreate', 'Job/grpc-job-5-2', JOB_CONTROLLER.webhook('p')),
    ),
  );
  assert.equal(webhook.title, 'No pod: the admission webhook validate.kyverno.svc-fail denied it');
});

test('a FailedCreate for another reason, or a Job that said nothing, names no cause', () => {
  const other = diagnoseOf(
    notReady(
      new TimelineBuilder('5-6')
        .watching()
        .job(200)
        .event(
          260,
          'Warning',
          'FailedCreate',
          'Job/grpc-job-5-6',
          'Error creating: Internal error occurred: resource quota evaluation timed out',
        ),
    ),
  );
  assert.equal(other.id, 'pod_never_created');
  assert.equal(other.cause, null);
  const silent = diagnoseOf(notReady(new TimelineBuilder('5-7').watching().job(200)));
  assert.equal(silent.cause, null);
  assert.ok(silent.evidence.includes('no FailedCreate event about the Job was seen'));
});

test('a suspended Job (its event alone is enough), unless it was resumed afterwards', () => {
  const suspended = new TimelineBuilder('5-8')
    .watching()
    .job(200)
    .event(210, 'Normal', 'Suspended', 'Job/grpc-job-5-8', JOB_CONTROLLER.suspended);
  assert.equal(diagnoseOf(notReady(suspended)).cause, 'job_suspended');
  const resumed = suspended.event(900, 'Normal', 'Resumed', 'Job/grpc-job-5-8', 'Job resumed');
  assert.notEqual(diagnoseOf(notReady(resumed)).cause, 'job_suspended');
});
