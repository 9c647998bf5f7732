// The schedule of `consumer-probe serve`: one probe at a time, never two at once. A probe starts
// `everyMs` after the previous one started; when a probe overran that (a slow backend, a long timeout)
// the next one starts as soon as it ended — runs are never skipped to catch up and never overlap.
// Stopping aborts the probe in flight, which then ends as `stopped` (severity inconclusive) and is
// reported like any other run.
import { randomBytes } from 'node:crypto';
import { abortableDelay } from '../probe/abortableDelay';
import type { Report } from '../probe/model';

/** How long to wait before the next probe, that started `lastStartedAt`, given the time `now` (ms). */
export function nextStartDelayMs(lastStartedAt: number, now: number, everyMs: number): number {
  return Math.max(0, lastStartedAt + everyMs - now);
}

export interface ProbeLoopOptions {
  everyMs: number;
  /** One probe; resolves with its report (also when aborted: then `stopped`), rejects when it could not run. */
  probe(signal: AbortSignal): Promise<Report>;
  onReport(report: Report, run: { runId: string; endedAt: Date }): void;
  onError(error: unknown, run: { runId: string }): void;
  /** Monotonic ms; default performance.now. */
  now?: () => number;
}

/** What the loop is doing, for /healthz (all times from `now`). */
export interface LoopState {
  /** When the probe in flight started; null between probes. */
  inFlightSince: number | null;
  lastStartedAt: number | null;
  lastEndedAt: number | null;
  /** Runs started (ended with a report or not). */
  started: number;
  stopping: boolean;
  /** The loop itself failed (a bug): it no longer probes. */
  crashed: unknown;
}

export class ProbeLoop {
  /** Distinguishes this process's run ids from those of an earlier one (a restarted pod). */
  private readonly processId = randomBytes(3).toString('hex');
  private readonly stopper = new AbortController();
  private readonly now: () => number;
  private readonly current: LoopState = {
    inFlightSince: null,
    lastStartedAt: null,
    lastEndedAt: null,
    started: 0,
    stopping: false,
    crashed: null,
  };
  private running: Promise<void> | null = null;

  constructor(private readonly opts: ProbeLoopOptions) {
    this.now = opts.now ?? (() => performance.now());
  }

  get state(): Readonly<LoopState> {
    return { ...this.current };
  }

  start(): void {
    this.running ??= this.loop().catch((e: unknown) => {
      this.current.crashed = e;
    });
  }

  /**
   * Aborts the probe in flight and the wait; resolves true once the loop ended, or false when it had
   * not after `graceMs` (the probe did not stop: nothing more can be done from here).
   */
  async stop(graceMs: number): Promise<boolean> {
    this.current.stopping = true;
    this.stopper.abort(new Error('serve is stopping'));
    if (!this.running) return true;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), graceMs)));
    try {
      return await Promise.race([this.running.then(() => true as const), late]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async loop(): Promise<void> {
    const signal = this.stopper.signal;
    while (!signal.aborted) {
      const startedAt = this.now();
      this.current.started += 1;
      this.current.inFlightSince = startedAt;
      this.current.lastStartedAt = startedAt;
      const runId = `${this.processId}-${this.current.started}`;
      try {
        const report = await this.opts.probe(signal);
        this.opts.onReport(report, { runId, endedAt: new Date() });
      } catch (e) {
        this.opts.onError(e, { runId });
      } finally {
        this.current.inFlightSince = null;
        this.current.lastEndedAt = this.now();
      }
      const delay = nextStartDelayMs(startedAt, this.now(), this.opts.everyMs);
      await abortableDelay(delay, signal).catch(() => undefined);
    }
  }
}
