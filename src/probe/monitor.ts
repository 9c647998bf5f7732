// The seam every source of observations plugs into. A run starts each monitor with the same
// dependencies, then drives all of them through one lifecycle:
//
//   start(deps) → ready → onT0() → onJobId(id) → finalLook() → (signal aborts) → done
//
// `ready` gates t0 (POST /configure waits for every monitor's ready, so make it mean "I will not miss
// the job's first moment", e.g. watches established; never "a log has spoken"). `onJobId` comes only
// when the configure answer carried one; `finalLook` only when the run ended by itself (not aborted).
// Monitors see each other only through the observation stream.
import type { ProbeClock, Stamp } from './clock';
import type { ApiMeter } from './kube/kubeHttp';
import type { ResolvedKubeconfig } from './kube/kubeconfig';
import type { StampedKind, StampedObservation } from './model';
import type { LogOptions, ProbeOptions } from './options';

/** The run's observations as monitors emit them (stamped; before t0 too), for monitors that react to others. */
export interface ObservationStream {
  /** Calls `listener` for every later observation of these kinds; returns the unsubscribe function. */
  on<K extends StampedKind>(kinds: K | readonly K[], listener: (o: Extract<StampedObservation, { kind: K }>) => void): () => void;
}

/** What every monitor gets: one object, the same for all. */
export interface MonitorDeps {
  /** The probe's clock reading, for `at`. */
  readonly now: () => Stamp;
  /** For turning wall-clock times (log timestamps) into stamps, and t0's wall-clock time. */
  readonly clock: ProbeClock;
  readonly emit: (o: StampedObservation) => void;
  /** Aborts when the run stops (finished, or stopped by the caller): stop everything, then settle `done`. */
  readonly signal: AbortSignal;
  readonly observations: ObservationStream;
  /** The resolved kubeconfig; null when Kubernetes observation is turned off. */
  readonly kube: ResolvedKubeconfig | null;
  /** The namespace the run looks at. */
  readonly namespace: string;
  readonly options: ProbeOptions;
  readonly logs: LogOptions;
  /** Upper bound for one request that should answer (not for streams that wait for data). */
  readonly requestTimeoutMs: number;
  /** Where the run counts its Kubernetes API requests and response bytes: pass it to every request. */
  readonly apiMeter: ApiMeter;
}

/** One started monitor. */
export interface MonitorRun {
  /** Settles when the monitor is ready for t0 (or gave up trying); never rejects. */
  readonly ready: Promise<void>;
  /** t0 was just marked; POST /configure is about to be sent. */
  onT0(): void;
  /** The configure answer named the job. */
  onJobId(jobId: string): void;
  /** The run ended by itself: one last look before everything stops. */
  finalLook(): Promise<void>;
  /** Settles once everything the monitor started has stopped (after the signal aborts); never rejects. */
  readonly done: Promise<void>;
  /**
   * How long after the run's end (not after an abort) the monitor may still deliver what had already
   * happened by then (log lines trail what they describe); the run waits the longest of these.
   */
  readonly trailMs?: number;
  /** What shared resources (watches other runs use too) have cost while this run used them; counted with the run's own requests. */
  sharedApiCost?(): ApiMeter;
}

export interface Monitor {
  readonly name: string;
  /** Starts watching; null when there is nothing to watch with these options. */
  start(deps: MonitorDeps): MonitorRun | null;
}

/** A ready promise and its resolver. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** Settles once the signal aborts (at once if it already has). */
export function whenAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

/** A typed fan-out of stamped observations to the monitors that subscribed. */
export class ObservationBus implements ObservationStream {
  private readonly listeners = new Map<StampedKind, Set<(o: StampedObservation) => void>>();

  on<K extends StampedKind>(kinds: K | readonly K[], listener: (o: Extract<StampedObservation, { kind: K }>) => void): () => void {
    const list = (typeof kinds === 'string' ? [kinds] : [...kinds]) as K[];
    const l = listener as (o: StampedObservation) => void;
    for (const kind of list) {
      let set = this.listeners.get(kind);
      if (!set) this.listeners.set(kind, (set = new Set()));
      set.add(l);
    }
    return () => list.forEach((kind) => this.listeners.get(kind)?.delete(l));
  }

  publish(o: StampedObservation): void {
    const set = this.listeners.get(o.kind);
    if (set) for (const listener of [...set]) listener(o);
  }
}
