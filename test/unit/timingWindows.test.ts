// Timing windows from hand-built timelines: each timing's event happened after the last observation that
// saw it not yet happened and at or before the timing (DESIGN.md, "Additive changes").
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyse } from '../../src/probe/analysis';
import { TIMING_KEYS } from '../../src/probe/model';
import { DEFAULT_MATCH_RULES } from '../../src/probe/options';
import { timingWindowsOf } from '../../src/probe/timingWindows';
import { emptyTimings } from '../../src/probe/analysis';
import { POD, TimelineBuilder, healthyTimeline, jobLabels } from '../fixtures/timelines';

const windowsOf = (b: TimelineBuilder) => analyse(b.observations, DEFAULT_MATCH_RULES).timingWindows;

describe('timing windows', () => {
  test('configure: after the request left at t0, at or before its answer', () => {
    assert.deepEqual(windowsOf(new TimelineBuilder('1-1')).configureMs, { afterMs: 0, atOrBeforeMs: 150 });
  });

  test('metadata: between sending the last answered not-ready attempt and the first ready answer', () => {
    const b = new TimelineBuilder('1-1')
      .metadata(160, 2160, 404, 'Invalid job_id', 100, 3)
      .metadata(2260, 2260, null, 'no answer within 5 s') // no answer: says nothing about readiness
      .metadata(2362, 2362, 200, null, 100, 4);
    assert.deepEqual(windowsOf(b).consumerReadyMs, { afterMs: 2157, atOrBeforeMs: 2362 });
  });

  test('metadata: a recording without the attempt durations falls back on the answer time', () => {
    const b = new TimelineBuilder('1-1').metadata(160, 2260, 404, 'Invalid job_id').metadata(2362, 2362, 200);
    assert.deepEqual(windowsOf(b).consumerReadyMs, { afterMs: 2260, atOrBeforeMs: 2362 });
  });

  test('metadata: ready at the first attempt is bounded only by t0 (the job cannot exist before its configure)', () => {
    const b = new TimelineBuilder('1-1').metadata(160, 160, 200, null, 100, 5);
    assert.deepEqual(windowsOf(b).consumerReadyMs, { afterMs: 0, atOrBeforeMs: 160 });
  });

  test("pod stages: the watch's previous delivery before the snapshot that first showed the stage", () => {
    const pod = POD('1-1');
    const b = new TimelineBuilder('1-1')
      .watching()
      .job(200, undefined, {}, 30)
      .pod(300, pod, {}, jobLabels('1-1'), 48) // the watch delivered another pod's change at 252
      .pod(450, pod, { scheduled: true, node: 'n1' }, undefined, 3)
      .pod(1100, pod, { phase: 'Running', container: { state: 'running', reason: null } }, undefined, 2.5)
      .pod(1400, pod, { ready: true, container: { ready: true } }, undefined, 140);
    const w = windowsOf(b);
    assert.deepEqual(w.jobCreatedMs, { afterMs: 170, atOrBeforeMs: 200 });
    assert.deepEqual(w.podCreatedMs, { afterMs: 252, atOrBeforeMs: 300 });
    assert.deepEqual(w.podScheduledMs, { afterMs: 447, atOrBeforeMs: 450 });
    assert.deepEqual(w.podRunningMs, { afterMs: 1097.5, atOrBeforeMs: 1100 });
    assert.deepEqual(w.podReadyMs, { afterMs: 1260, atOrBeforeMs: 1400 });
  });

  test("pod stages: without delivery times, the pod's previous snapshot bounds each stage; creation only t0", () => {
    const w = windowsOf(healthyTimeline('19-5', 2300));
    assert.deepEqual(w.jobCreatedMs, { afterMs: 0, atOrBeforeMs: 200 });
    assert.deepEqual(w.podCreatedMs, { afterMs: 0, atOrBeforeMs: 300 });
    assert.deepEqual(w.podScheduledMs, { afterMs: 300, atOrBeforeMs: 450 });
    assert.deepEqual(w.podRunningMs, { afterMs: 450, atOrBeforeMs: 1100 });
    assert.deepEqual(w.podReadyMs, { afterMs: 1100, atOrBeforeMs: 1400 });
  });

  test('a stage the first snapshot already shows shares the creation window; an unchanged snapshot still bounds later stages', () => {
    const pod = POD('1-1');
    const b = new TimelineBuilder('1-1')
      .watching()
      .pod(300, pod, { scheduled: true, node: 'n1' }, jobLabels('1-1'), 20)
      .pod(900, pod, {}) // nothing visible changed, but the pod was seen not running at 0.9 s
      .pod(1000, pod, { phase: 'Running' });
    const w = windowsOf(b);
    assert.deepEqual(w.podScheduledMs, { afterMs: 280, atOrBeforeMs: 300 });
    assert.deepEqual(w.podRunningMs, { afterMs: 900, atOrBeforeMs: 1000 });
  });

  test('a pod first seen before t0 (in the initial list) has no lower bound: t0 does not bound it', () => {
    const pod = POD('1-1');
    const b = new TimelineBuilder('1-1').watching().pod(-8, pod, {}, jobLabels('1-1'));
    assert.deepEqual(windowsOf(b).podCreatedMs, { afterMs: null, atOrBeforeMs: -8 });
  });

  test('management API: the queue after the poll that missed it; the consumer after the poll that saw 0, less the statistics lag', () => {
    const lag = { statsLagMs: 200 };
    const b = new TimelineBuilder('1-1')
      .queueVia('management', 1650, null, null, { previousCheckBeforeMs: 250, ...lag }) // the poll at 1400 found no queue
      .queueVia('management', 1900, 0, 0, { previousCheckBeforeMs: 250, ...lag }) // the poll at 1650 saw no statistics: unknown
      .queueVia('management', 2150, 1, 0, { previousCheckBeforeMs: 250, ...lag }); // the poll at 1900 saw 0 consumers
    const w = windowsOf(b);
    assert.deepEqual(w.queueCreatedMs, { afterMs: 1400, atOrBeforeMs: 1650 });
    assert.deepEqual(w.consumerAttachedMs, { afterMs: 1700, atOrBeforeMs: 2150 }, '1900 − 200 ms of statistics lag');
  });

  test('management API: when the statistics never showed 0 consumers, only the missing queue bounds the consumer', () => {
    const b = new TimelineBuilder('1-1')
      .queueVia('management', 1650, null, null, { previousCheckBeforeMs: 250, statsLagMs: 5000 })
      .queueVia('management', 6650, 1, 0, { previousCheckBeforeMs: 250, statsLagMs: 5000 });
    assert.deepEqual(windowsOf(b).consumerAttachedMs, { afterMs: 1400, atOrBeforeMs: 6650 });
  });

  test('AMQP and management together: the tightest honest bound wins, and a bound after the sighting is dropped', () => {
    const b = new TimelineBuilder('1-1')
      .queueVia('amqp', 1610, 0, 0, { previousCheckBeforeMs: 25 })
      .queueVia('management', 1650, null, null, { previousCheckBeforeMs: 250, statsLagMs: 200 })
      .queueVia('amqp', 1720, 1, 0, { previousCheckBeforeMs: 26 })
      .queueVia('management', 1900, 0, 0, { previousCheckBeforeMs: 250, statsLagMs: 200 })
      // management's poll at 2000 still saw 0 consumers; less its lag that is 1800, after AMQP saw one: not a bound
      .queueVia('management', 2250, 1, 0, { previousCheckBeforeMs: 250, statsLagMs: 200 });
    const w = windowsOf(b);
    assert.deepEqual(w.queueCreatedMs, { afterMs: 1585, atOrBeforeMs: 1610 });
    assert.deepEqual(w.consumerAttachedMs, { afterMs: 1694, atOrBeforeMs: 1720 });
  });

  test('null timings have no window, and every window ends at its timing', () => {
    const failed = new TimelineBuilder(null, { configureStatus: null, configureError: 'cannot connect' });
    assert.deepEqual(windowsOf(failed), {});
    const pending = new TimelineBuilder('1-1').watching().job(200).pod(300, POD('1-1'), {}, jobLabels('1-1'));
    const a = analyse(pending.observations, DEFAULT_MATCH_RULES);
    assert.deepEqual(Object.keys(a.timingWindows), ['configureMs', 'jobCreatedMs', 'podCreatedMs']);
    for (const key of TIMING_KEYS) {
      const w = a.timingWindows[key];
      if (a.timings[key] === null) assert.equal(w, undefined, key);
      else assert.equal(w?.atOrBeforeMs, a.timings[key], key);
    }
  });

  test('timingWindowsOf keeps only bounds at or before the timing, and t0 only for timings after it', () => {
    const timings = { ...emptyTimings(), configureMs: 150, podCreatedMs: 300, queueCreatedMs: -5 };
    assert.deepEqual(timingWindowsOf(timings, { podCreatedMs: 310, queueCreatedMs: -40 }, 0), {
      configureMs: { afterMs: 0, atOrBeforeMs: 150 },
      podCreatedMs: { afterMs: 0, atOrBeforeMs: 300 },
      queueCreatedMs: { afterMs: -40, atOrBeforeMs: -5 },
    });
    assert.deepEqual(timingWindowsOf(timings, {}, null).podCreatedMs, { afterMs: null, atOrBeforeMs: 300 });
  });
});
