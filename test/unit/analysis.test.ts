import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyse } from '../../src/probe/analysis';
import { TIMING_KEYS } from '../../src/probe/model';
import { DEFAULT_MATCH_RULES } from '../../src/probe/options';
import { POD, TimelineBuilder, healthyTimeline, jobLabels } from '../fixtures/timelines';

test('timings come from the first observation of each milestone', () => {
  const a = analyse(healthyTimeline('19-5', 2300).queue(1600, 0).queue(1900, 1).observations, DEFAULT_MATCH_RULES);
  assert.deepEqual(a.timings, {
    configureMs: 150,
    jobCreatedMs: 200,
    podCreatedMs: 300,
    podScheduledMs: 450,
    podRunningMs: 1100,
    podReadyMs: 1400,
    queueCreatedMs: 1600,
    consumerAttachedMs: 1900,
    consumerReadyMs: 2300,
  });
});

test('a run that saw nothing has every timing null', () => {
  const a = analyse(
    new TimelineBuilder(null, { configureStatus: null, configureError: 'cannot connect' }).observations,
    DEFAULT_MATCH_RULES,
  );
  for (const key of TIMING_KEYS) assert.equal(a.timings[key], null, key);
});

test('observations delivered late (buffered before the job id was known) are ordered by time', () => {
  const b = healthyTimeline();
  const shuffled = [...b.observations].reverse();
  const a = analyse(shuffled, DEFAULT_MATCH_RULES);
  assert.equal(a.timings.podCreatedMs, 300);
  assert.deepEqual(
    a.pods[0]!.history.map((h) => `${h.atMs}:${h.phase}:${h.reason ?? ''}:${h.ready}`),
    ['300:Pending::false', '450:Pending:ContainerCreating:false', '1100:Running::false', '1400:Running::true'],
  );
});

test('decoy pods of other jobs are ignored; the cleanup pod is related and does not set timings', () => {
  const b = new TimelineBuilder('19-5')
    .watching()
    .pod(100, 'grpc-job-19-50-aaaaa', { phase: 'Running' }, jobLabels('19-50'))
    .pod(120, 'cleanup-job-19-5-ccccc', { phase: 'Running', ready: true })
    .pod(300, POD('19-5'), {}, jobLabels('19-5'))
    .pod(900, POD('19-5'), { phase: 'Running' });
  const a = analyse(b.observations, DEFAULT_MATCH_RULES);
  assert.deepEqual(
    a.pods.map((p) => [p.name, p.role]),
    [
      [POD('19-5'), 'primary'],
      ['cleanup-job-19-5-ccccc', 'related'],
    ],
  );
  assert.equal(a.timings.podCreatedMs, 300);
  assert.equal(a.timings.podRunningMs, 900);
  assert.equal(a.timings.podReadyMs, null);
});

test('pod history records phase, readiness and reason changes only', () => {
  const pod = POD('7-1');
  const b = new TimelineBuilder('7-1')
    .watching()
    .pod(300, pod, {}, jobLabels('7-1'))
    .pod(310, pod, {}) // nothing visible changed
    .pod(900, pod, { scheduled: true, node: 'n1', container: { state: 'waiting', reason: 'ContainerCreating' } })
    .pod(1500, pod, { phase: 'Running', container: { state: 'running', reason: null } })
    .pod(2000, pod, { container: { state: 'terminated', reason: 'Error', exitCode: 1, restartCount: 1 } });
  const a = analyse(b.observations, DEFAULT_MATCH_RULES);
  assert.deepEqual(
    a.primary!.history.map((h) => `${h.atMs}:${h.phase}:${h.ready}:${h.reason}`),
    ['300:Pending:false:null', '900:Pending:false:ContainerCreating', '1500:Running:false:null', '2000:Running:false:Error'],
  );
  assert.equal(a.primary!.restartCount, 1);
  assert.equal(a.primary!.node, 'n1');
});

test('the consumer is ready at the first 200 or 201, not later ones', () => {
  const b = new TimelineBuilder('1-1').metadata(200, 500, 404, 'Invalid job_id').metadata(600, 600, 201).metadata(700, 700, 200);
  assert.equal(analyse(b.observations, DEFAULT_MATCH_RULES).timings.consumerReadyMs, 600);
});

test('the consumer is attached only once the queue reports a consumer; unknown counts do not count', () => {
  const b = new TimelineBuilder('1-1').queue(500, null).queue(800, 0).queue(1200, 1);
  const a = analyse(b.observations, DEFAULT_MATCH_RULES);
  assert.equal(a.timings.queueCreatedMs, 500);
  assert.equal(a.timings.consumerAttachedMs, 1200);
  assert.equal(a.queue?.firstSeenMs, 500);
});

test('condition transitions are kept with the time each was first observed', () => {
  const a = analyse(healthyTimeline().observations, DEFAULT_MATCH_RULES);
  assert.deepEqual(
    a.primary!.conditionTransitions.map((c) => `${c.type}=${c.status}@${c.atMs}`),
    ['PodScheduled=True@450', 'Ready=True@1400'],
  );
});

test("the job's object names are resolved once, from the match rules and the queue patterns", () => {
  const rules = { ...DEFAULT_MATCH_RULES, jobName: 'analyzer-{id}', relatedJobNames: ['sweeper-{id}'] };
  const patterns = { queueNames: ['jobs.{id}', 'jobs.{id}.{suffix}'] };
  const predicted = analyse(new TimelineBuilder('19-5').watching().observations, rules, patterns);
  assert.deepEqual(predicted.names, { job: 'analyzer-19-5', relatedJobs: ['sweeper-19-5'], queue: 'jobs.19-5' });
  const seen = analyse(new TimelineBuilder('19-5').watching().queue(900, 0, 'jobs.19-5.a1b2').observations, rules, patterns);
  assert.equal(seen.names?.queue, 'jobs.19-5.a1b2', 'the queue the broker showed wins over the prediction');
  assert.equal(analyse(new TimelineBuilder('19-5').observations, rules).names?.queue, null, 'no patterns, no queue seen: unknown');
  assert.equal(analyse(new TimelineBuilder(null, { configureStatus: 503, configureError: 'busy' }).observations, rules).names, null);
});
