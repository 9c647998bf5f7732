// consumer_never_ready, slow_pod_start and slow_consumer: the cause is where the run stopped or which
// stretch dominated, and never more than what was observed (no broker, no stage cause).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyse } from '../../src/probe/analysis';
import { slowStartCause } from '../../src/probe/causes/slowPodStart';
import { slowConsumerCause } from '../../src/probe/causes/slowConsumer';
import { diagnose } from '../../src/probe/diagnose';
import type { Scenario } from '../../src/probe/model';
import { DEFAULT_MATCH_RULES, DEFAULT_QUEUE_NAMES } from '../../src/probe/options';
import { CAUSE_EXAMPLES } from '../fixtures/causeExamples';
import { TimelineBuilder, healthyTimeline, podReadyTimeline } from '../fixtures/timelines';

const ctx = { timeoutMs: 5000, slowThresholdMs: 4000, namespace: 'panda' };
const diagnoseOf = (b: TimelineBuilder): Scenario =>
  diagnose(analyse(b.observations, DEFAULT_MATCH_RULES, { queueNames: DEFAULT_QUEUE_NAMES }), ctx);
const notReady = (b: TimelineBuilder) => b.metadata(160, 4900, 404, 'Invalid job_id').end(5000, 'timeout');

test('a consumer attached but metadata never ready: titled so, never "consumer never appeared"', () => {
  const sc = diagnoseOf(CAUSE_EXAMPLES.consumer_never_ready.metadata_failing.build());
  assert.equal(sc.title, 'Consumer attached, but metadata never became ready');
  assert.match(sc.summary, /a consumer attached at 2\.010s, but GET \/metadata never answered ready/);
});

test('a queue whose consumer count was never known is not "no consumer attached"', () => {
  const b = podReadyTimeline('4-7').broker(-5, 'management', 'watching').queueVia('management', 1700, null);
  const sc = diagnoseOf(notReady(b));
  assert.equal(sc.id, 'consumer_never_ready');
  assert.equal(sc.cause, 'unknown');
  assert.equal(sc.title, 'Pod ran, but the consumer never became ready (the broker could not be read)');
});

test('without the broker, a 5xx from /metadata is the backend failing; a backend error not naming the job is not', () => {
  const failing = podReadyTimeline('4-8').metadata(160, 4900, 500, 'Internal Server Error').end(5000, 'timeout');
  assert.equal(diagnoseOf(failing).cause, 'backend_error');
  const unrelated = podReadyTimeline('4-8').log(900, 'backend', 'ERROR focus.api: database is locked', {
    level: 'ERROR',
    reason: 'error',
    mentionsJob: false,
  });
  assert.equal(diagnoseOf(notReady(unrelated)).cause, 'unknown');
});

test('GET /metadata that never answered says so, not "answered no answer"', () => {
  const b = podReadyTimeline('4-9').metadata(160, 4900, null, 'no answer before the 5 s timeout', 1000).end(5000, 'timeout');
  const sc = diagnoseOf(b);
  assert.ok(
    sc.evidence.includes('GET /metadata/4-9 failed: no answer before the 5 s timeout (5 attempts, last at 4.160s)'),
    sc.evidence.join('\n'),
  );
  assert.ok(!sc.evidence.some((e) => /answered no answer/.test(e)));
});

test('slow_pod_start: the longest stretch of the start names the cause', () => {
  assert.equal(slowStartCause({ scheduling: 2500, imagePull: 1100, containerStart: 400 }), 'slow_scheduling');
  assert.equal(slowStartCause({ scheduling: 150, imagePull: 3300, containerStart: 450 }), 'slow_image_pull');
  assert.equal(slowStartCause({ scheduling: 150, imagePull: null, containerStart: 3900 }), 'slow_container_start');
  assert.equal(slowStartCause({ scheduling: null, imagePull: null, containerStart: null }), null);
  const pull = diagnoseOf(CAUSE_EXAMPLES.slow_pod_start.slow_image_pull.build());
  assert.ok(pull.evidence.includes('image pull took 3.300s (Pulling at 0.500s, Pulled at 3.800s)'), pull.evidence.join('\n'));
});

test('slow_consumer: the longest stretch after the pod names the cause; without the queue, none is named', () => {
  assert.equal(slowConsumerCause({ queue: 3200, attach: 100, metadata: 300 }), 'slow_queue');
  assert.equal(slowConsumerCause({ queue: 200, attach: 3400, metadata: 400 }), 'slow_consumer_attach');
  assert.equal(slowConsumerCause({ queue: 200, attach: 100, metadata: 3700 }), 'slow_metadata');
  assert.equal(slowConsumerCause({ queue: 200, attach: null, metadata: null }), null);
  const blind = diagnoseOf(healthyTimeline('19-5', 5400));
  assert.equal(blind.id, 'slow_consumer');
  assert.equal(blind.cause, null);
  assert.match(blind.summary, /the queue was not observed, so where that time went is unknown/);
});
