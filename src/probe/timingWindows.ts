// How sure each timing is. A timing is the first observation that saw its event (so the event happened at
// or before it); its window adds the last observation that saw the event not yet happened (so it happened
// after that). Pure: the analysis gathers, per timing, the lower bounds its observations support, and
// this keeps the honest ones.
//
// Where the lower bounds come from (each is "an observation that saw it not yet happened"):
// - configureMs: the request was sent at t0, so the answer came after it.
// - jobCreatedMs, pod stages: the watch's previous delivery (any object's change, a bookmark, a list)
//   before the snapshot that first showed the stage, else the pod's own previous snapshot. A watch
//   delivers in resourceVersion order, so the namespace as of that delivery did not hold the change.
// - queueCreatedMs: the check each broker source began just before it first saw the queue.
// - consumerAttachedMs: the same checks (no queue, no consumer), and a source's check that saw 0
//   consumers, minus the lag of that source's figures (the management API's statistics interval).
//   Pushed broker events count as such checks at the broker's own stamp of the event, placed on the
//   probe's clock by the probe's own consumer event (broker/brokerEvents.ts).
// - consumerReadyMs: when the last answered, not-ready metadata attempt was sent (before the first
//   ready one).
// - Every one of them: t0. Everything the backend does for a job happens after its POST /configure
//   left (a job's objects cannot exist before the request that creates them), so t0 bounds any timing
//   that is not before it.
import { TIMING_KEYS, type TimingKey, type TimingWindows, type Timings } from './model';

/** Rounds a difference of µs-rounded times back to the µs (no `1134.4439999`). */
export function roundMs(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

/** The larger of the bounds that are known; null when none is. */
export function latest(...bounds: (number | null | undefined)[]): number | null {
  let best: number | null = null;
  for (const b of bounds) if (b !== null && b !== undefined && Number.isFinite(b) && (best === null || b > best)) best = b;
  return best;
}

/**
 * One window per non-null timing: `afterMs` the latest of the timing's lower bounds and `floorMs` (t0)
 * that does not contradict the timing (a bound after the reported time is dropped), null when none is
 * left; `atOrBeforeMs` the timing itself.
 */
export function timingWindowsOf(
  timings: Timings,
  lowerBounds: Partial<Record<TimingKey, number | null>>,
  floorMs: number | null,
): TimingWindows {
  const windows: TimingWindows = {};
  for (const key of TIMING_KEYS) {
    const at = timings[key];
    if (at === null) continue;
    const honest = [lowerBounds[key], floorMs].filter((b): b is number => b !== null && b !== undefined && b <= at);
    windows[key] = { afterMs: latest(...honest), atOrBeforeMs: at };
  }
  return windows;
}
