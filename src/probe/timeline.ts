// The run's single record: observations in arrival order, with listeners for live views. Monitors
// emit stamped facts; this is the one place a stamp becomes ms since t0. Facts stamped before t0 wait
// for it (they then get negative times), so the timeline never mixes two time bases.
import type { ProbeClock } from './clock';
import type { Observation, StampedKind, StampedObservation } from './model';

/**
 * Observations kept per kind in one run. Far above what a run sees (a job's pod changes a dozen times,
 * its events are a few dozen, the poller's budget is 10 attempts a second), they bound what a flood
 * (an event storm, a log loop) can make a run hold; later ones of that kind are dropped, and said so once.
 */
export const TIMELINE_LIMITS: Partial<Record<StampedKind, number>> = {
  'event.seen': 2_000,
  'log.line': 20_000,
  'pod.changed': 10_000,
  'job.changed': 2_000,
  'queue.changed': 10_000,
  'metadata.attempt': 50_000,
};

const KIND_NAMES: Partial<Record<StampedKind, string>> = {
  'event.seen': 'Kubernetes events',
  'log.line': 'log lines',
  'pod.changed': 'pod changes',
  'job.changed': 'Job changes',
  'queue.changed': 'queue observations',
  'metadata.attempt': 'metadata attempts',
};

export class Timeline {
  private readonly items: Observation[] = [];
  private readonly kept = new Map<StampedKind, number>();
  private readonly listeners = new Set<(o: Observation) => void>();
  private readonly beforeT0: StampedObservation[] = [];

  constructor(private readonly clock: ProbeClock) {}

  /** Records what a monitor emitted, unless its kind is over its limit (TIMELINE_LIMITS). */
  record(stamped: StampedObservation): void {
    const limit = TIMELINE_LIMITS[stamped.kind];
    if (limit !== undefined) {
      const kept = this.kept.get(stamped.kind) ?? 0;
      if (kept >= limit) {
        if (kept === limit) {
          this.kept.set(stamped.kind, kept + 1);
          const text = `more than ${limit} ${KIND_NAMES[stamped.kind]} in this run: only the first ${limit} are kept`;
          this.record({ kind: 'probe.notice', text, at: stamped.at });
        }
        return;
      }
      this.kept.set(stamped.kind, kept + 1);
    }
    if (this.clock.t0 === null) this.beforeT0.push(stamped);
    else this.append(stamped);
  }

  /** Marks t0 on the clock and records what waited for it. */
  markT0(): void {
    if (this.clock.t0 !== null) return;
    this.clock.markT0();
    for (const stamped of this.beforeT0.splice(0)) this.append(stamped);
  }

  /** Calls `listener` for every later observation; returns the unsubscribe function. */
  subscribe(listener: (o: Observation) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get observations(): readonly Observation[] {
    return this.items;
  }

  private append(stamped: StampedObservation): void {
    const { at, ...fact } = stamped;
    const o = { ...fact, atMs: this.clock.sinceT0(at) } as Observation;
    this.items.push(o);
    for (const listener of this.listeners) listener(o);
  }
}
