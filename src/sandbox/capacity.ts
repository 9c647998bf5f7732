// The sandbox's capacity model, played on timers: the backend's job windows, the GPUs every job pod
// needs one of, and the scheduler that keeps a pod Pending (FailedScheduling, retried) until a running
// job completes and frees its GPU. The numbers (jitter, gaps, slowdown) come from capacityPlan.ts.
import {
  SCHEDULER_RETRY_MS,
  afterBinding,
  afterQueue,
  attachLoadMs,
  configureDelayMs,
  jobJitter,
  untilScheduling,
  type JobJitter,
  type ResolvedCapacity,
} from './capacityPlan';
import type { ProfileStep } from './profiles';

/** What the model needs from the sandbox: apply a step as the job's script would (recording its truth). */
export interface CapacityHost {
  apply(jobId: string, step: ProfileStep): void;
  /** The job completed (its script is over). */
  finished(jobId: string): void;
}

/** The backend's answer to the refused configure, in the words the sandbox's backend uses for it. */
export interface WindowRefusal {
  status: number;
  contentType: string;
  body: string;
  /** The backend's own log line. */
  log: string;
}

/** A configure of a capacity profile, as the model takes it in: its arrival index, its delay, and a window or a refusal. */
export type Admission = { index: number; delayMs: number } & ({ window: number } | { refusal: WindowRefusal });

/** How one job met the model, in ms after its configure arrived (for tests and reports). */
export interface CapacityTrace {
  /** 0-based arrival order among the capacity profiles' configures, refused ones included. */
  index: number;
  window: number;
  /** The jitter each stage got (profile ms): a function of the seed and `index` only. */
  jitter: JobJitter;
  /** When the scheduler first tried the pod. */
  gpuRequestedMs?: number;
  /** When the pod got a GPU and its node (`podScheduledMs`). */
  gpuBoundMs?: number;
  /** FailedScheduling attempts while no GPU was free. */
  schedulingFailures: number;
  /** Windows in use when the job's queue appeared, and the attach slowdown that gave (profile ms). */
  inFlightAtQueue?: number;
  attachLoadMs?: number;
  /** When the job completed and freed its GPU and window. */
  completedMs?: number;
}

export interface CapacitySnapshot {
  gpus: number;
  gpusInUse: number;
  windows: number;
  windowsInUse: number;
  /** Jobs whose pod waits for a GPU, first come first served. */
  waitingForGpu: string[];
  admitted: number;
  refused: number;
}

/** What the backend answers when every window is taken (the same words as the `configure_failed` profile). */
export function windowsBusyRefusal(windows: number): WindowRefusal {
  return {
    status: 503,
    contentType: 'application/json',
    body: JSON.stringify({ detail: `All ${windows} job windows are busy` }),
    log: `ERROR focus.api: POST /configure refused: all ${windows} job windows are busy`,
  };
}

interface Timed {
  atMs: number;
  run: () => void;
}

interface Playing {
  jobId: string;
  receivedAt: number;
  trace: CapacityTrace;
  /** One timer at a time plays the job's steps in order. */
  timer?: NodeJS.Timeout;
  /** The scheduler's next try while the pod waits for a GPU. */
  retry?: NodeJS.Timeout;
}

export class CapacityModel {
  private readonly windowsInUse = new Set<number>();
  private readonly playing = new Map<string, Playing>();
  private readonly waiting: Playing[] = [];
  private gpusInUse = 0;
  private arrivals = 0;
  private refused = 0;
  private stopped = false;

  constructor(
    readonly options: ResolvedCapacity,
    private readonly timeScale: number,
    private readonly host: CapacityHost,
  ) {}

  /** A configure arrived: take the lowest free window, or say how the backend refuses it. */
  admit(): Admission {
    const index = this.arrivals++;
    const delayMs = configureDelayMs(this.jitterOf(index)) * this.timeScale;
    let window = 0;
    while (this.windowsInUse.has(window)) window++;
    if (window >= this.options.windows) {
      this.refused++;
      return { index, delayMs, refusal: windowsBusyRefusal(this.options.windows) };
    }
    this.windowsInUse.add(window);
    return { index, delayMs, window };
  }

  /** The backend issued the job (its window was admitted): play it until it completes. */
  play(jobId: string, receivedAt: number, admitted: { index: number; window: number }): CapacityTrace {
    const trace: CapacityTrace = { ...admitted, jitter: this.jitterOf(admitted.index), schedulingFailures: 0 };
    const job: Playing = { jobId, receivedAt, trace };
    this.playing.set(jobId, job);
    const pre = untilScheduling(trace.jitter);
    const scheduleAt = receivedAt + pre.scheduleAtMs * this.timeScale;
    this.playSteps(job, receivedAt, [
      ...this.timed(job, pre.steps),
      { atMs: pre.scheduleAtMs, run: () => this.requestGpu(job, scheduleAt) },
    ]);
    return trace;
  }

  snapshot(): CapacitySnapshot {
    return {
      gpus: this.options.gpus,
      gpusInUse: this.gpusInUse,
      windows: this.options.windows,
      windowsInUse: this.windowsInUse.size,
      waitingForGpu: this.waiting.map((j) => j.jobId),
      admitted: this.arrivals - this.refused,
      refused: this.refused,
    };
  }

  stop(): void {
    this.stopped = true;
    for (const job of this.playing.values()) {
      clearTimeout(job.timer);
      clearTimeout(job.retry);
    }
  }

  private jitterOf(index: number): JobJitter {
    return jobJitter(this.options.seed, index, this.options.jitterMs);
  }

  /**
   * Each phase's steps are due after the instant the previous phase was *due*, not when its timer fired,
   * so a busy event loop delays steps without piling the delays up.
   */
  private requestGpu(job: Playing, dueAt: number): void {
    job.trace.gpuRequestedMs = this.sinceArrival(job);
    if (this.gpusInUse < this.options.gpus) return this.bind(job, dueAt);
    this.waiting.push(job);
    this.failScheduling(job);
  }

  /** The scheduler finds no node with a free GPU; it tries again later, as the real one does, until one frees. */
  private failScheduling(job: Playing): void {
    if (this.stopped) return;
    job.trace.schedulingFailures += 1;
    this.host.apply(job.jobId, { atMs: 0, do: 'failScheduling' });
    job.retry = setTimeout(() => this.failScheduling(job), SCHEDULER_RETRY_MS * this.timeScale);
  }

  private bind(job: Playing, origin: number): void {
    clearTimeout(job.retry);
    job.retry = undefined;
    this.gpusInUse += 1;
    job.trace.gpuBoundMs = this.sinceArrival(job);
    this.host.apply(job.jobId, { atMs: 0, do: 'schedule' });
    const bound = afterBinding(job.trace.jitter);
    const next = { atMs: bound.queueAtMs, run: () => this.queueAppeared(job, origin + bound.queueAtMs * this.timeScale) };
    this.playSteps(job, origin, [...this.timed(job, bound.steps), next]);
  }

  /** The backend's consumer pool serves every job in flight: the more there are, the later this one attaches. */
  private queueAppeared(job: Playing, origin: number): void {
    const inFlight = this.windowsInUse.size;
    const loadMs = attachLoadMs(inFlight, this.options.attachMsPerJobInFlight);
    Object.assign(job.trace, { inFlightAtQueue: inFlight, attachLoadMs: loadMs });
    const queued = afterQueue(job.trace.jitter, loadMs, inFlight, this.options.windows);
    const end = { atMs: queued.readyAtMs + this.options.jobLifetimeMs, run: () => this.complete(job) };
    this.playSteps(job, origin, [...this.timed(job, queued.steps), end]);
  }

  private complete(job: Playing): void {
    this.host.apply(job.jobId, { atMs: 0, do: 'completeJob' });
    job.trace.completedMs = this.sinceArrival(job);
    this.windowsInUse.delete(job.trace.window);
    this.gpusInUse -= 1;
    this.playing.delete(job.jobId);
    this.host.finished(job.jobId);
    // The freed GPU goes at once to the pod that has waited longest (the scheduler requeues on the pod's completion).
    const next = this.waiting.shift();
    if (next) this.bind(next, performance.now());
  }

  private timed(job: Playing, steps: ProfileStep[]): Timed[] {
    return steps.map((step) => ({ atMs: step.atMs, run: () => this.host.apply(job.jobId, step) }));
  }

  /** Runs the items at `origin + atMs` (scaled), in time order, ties in the order given; one timer at a time. */
  private playSteps(job: Playing, origin: number, items: Timed[]): void {
    const queue = [...items].sort((a, b) => a.atMs - b.atMs);
    const next = (): void => {
      const first = queue[0];
      if (!first || this.stopped) return;
      const dueIn = origin + first.atMs * this.timeScale - performance.now();
      job.timer = setTimeout(
        () => {
          job.timer = undefined;
          while (queue[0]?.atMs === first.atMs && !this.stopped) queue.shift()!.run();
          next();
        },
        Math.max(0, dueIn),
      );
    };
    next();
  }

  private sinceArrival(job: Playing): number {
    return performance.now() - job.receivedAt;
  }
}
