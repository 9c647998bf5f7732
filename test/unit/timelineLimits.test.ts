// A flood cannot grow a run without end: each kind of observation is kept up to its limit, the rest is
// dropped, and the run says so once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createProbeClock, type Stamp } from '../../src/probe/clock';
import { TIMELINE_LIMITS, Timeline } from '../../src/probe/timeline';

test('an event flood keeps the first TIMELINE_LIMITS events, drops the rest, and notes it once', () => {
  let now = 0;
  const clock = createProbeClock(() => now);
  const timeline = new Timeline(clock);
  clock.markT0();
  const limit = TIMELINE_LIMITS['event.seen']!;
  for (let i = 0; i < limit * 3; i++) {
    now = i;
    timeline.record({
      kind: 'event.seen',
      at: now as Stamp,
      event: { type: 'Warning', reason: 'BackOff', object: 'Pod/p', message: `flood ${i}`, count: i + 1 },
    });
    timeline.record({ kind: 'metadata.attempt', at: now as Stamp, status: 404, error: null });
  }
  const events = timeline.observations.filter((o) => o.kind === 'event.seen');
  assert.equal(events.length, limit);
  assert.equal(events[limit - 1]!.kind === 'event.seen' && events[limit - 1]!.event.message, `flood ${limit - 1}`);
  const notices = timeline.observations.filter((o) => o.kind === 'probe.notice');
  assert.deepEqual(
    notices.map((n) => n.kind === 'probe.notice' && n.text),
    [`more than ${limit} Kubernetes events in this run: only the first ${limit} are kept`],
  );
  // Other kinds keep their own budget.
  assert.equal(timeline.observations.filter((o) => o.kind === 'metadata.attempt').length, limit * 3);
});
