// Container logs of the simulated cluster. Like the kubelet, it keeps the current container's log and
// the one of the instance before the last restart (what `kubectl logs --previous` shows), nothing older,
// and stamps every line with the time it was written (what `timestamps=true` prefixes).

type LineListener = (line: LogEntry) => void;

export interface LogEntry {
  /** RFC 3339 with sub-second digits, like the container runtime's timestamps (the wall clock). */
  time: string;
  /** Epoch ms of `time`, for sinceTime / sinceSeconds filtering. */
  ms: number;
  /** performance.now() when it was written: the ground truth tests compare the probe's times with. */
  at: number;
  text: string;
}

interface Follower {
  onLine: LineListener;
  onEnd?: () => void;
}

interface ContainerLog {
  current: LogEntry[];
  previous?: LogEntry[];
  /** The current instance has exited (crashed or completed) and not been restarted yet. */
  exited: boolean;
  followers: Set<Follower>;
}

export interface ReadLogOptions {
  /** The log of the container instance before the last restart. */
  previous?: boolean;
  /** Only the last N lines (negative or undefined: all of them). */
  tailLines?: number;
  /** Only lines written at or after this epoch ms (sinceTime / sinceSeconds). */
  sinceMs?: number;
}

let lastEpochMs = 0;

/** The wall clock, with a microsecond added when two lines fall in one ms, so times keep the lines' order. */
function nowEpochMs(): number {
  lastEpochMs = Math.max(Date.now(), lastEpochMs + 0.001);
  return lastEpochMs;
}

/** `2024-05-01T10:00:00.123456Z`, trailing zeros trimmed as Go's RFC3339Nano does. */
function timestampOf(ms: number): string {
  const whole = Math.floor(ms);
  const micros = Math.floor((ms - whole) * 1000);
  const iso = new Date(whole).toISOString();
  return `${iso.slice(0, -1)}${String(micros).padStart(3, '0')}Z`.replace(/\.?0+Z$/, 'Z');
}

export class PodLogStore {
  private readonly logs = new Map<string, ContainerLog>();

  append(namespace: string, pod: string, container: string, line: string): void {
    const log = this.entry(namespace, pod, container);
    const ms = nowEpochMs();
    const entry: LogEntry = { time: timestampOf(ms), ms, at: performance.now(), text: line };
    log.current.push(entry);
    for (const follower of [...log.followers]) follower.onLine(entry);
  }

  /**
   * The running instance exits (a crash, or the end of its work): `kubectl logs -f` ends, as it does when
   * the container it follows exits. Its log stays the current one until the container restarts.
   */
  exitContainer(namespace: string, pod: string, container: string): void {
    const log = this.entry(namespace, pod, container);
    log.exited = true;
    this.endFollowers(log);
  }

  /**
   * A new instance starts: the log of the one before becomes "previous". Followers of the old instance
   * are ended (if its exit did not end them already).
   */
  restartContainer(namespace: string, pod: string, container: string): void {
    const log = this.entry(namespace, pod, container);
    log.previous = log.current;
    log.current = [];
    log.exited = false;
    this.endFollowers(log);
  }

  /** Whether a previous (restarted) instance of the container has a log to show. */
  hasPrevious(namespace: string, pod: string, container: string): boolean {
    return this.logs.get(keyOf(namespace, pod, container))?.previous !== undefined;
  }

  /** Whether the current instance has exited (a follow then ends after what was written). */
  hasExited(namespace: string, pod: string, container: string): boolean {
    return this.logs.get(keyOf(namespace, pod, container))?.exited === true;
  }

  read(namespace: string, pod: string, container: string, options: ReadLogOptions = {}): string[] {
    return this.readEntries(namespace, pod, container, options).map((e) => e.text);
  }

  readEntries(namespace: string, pod: string, container: string, options: ReadLogOptions = {}): LogEntry[] {
    const log = this.logs.get(keyOf(namespace, pod, container));
    let lines = (options.previous ? log?.previous : log?.current) ?? [];
    if (options.sinceMs !== undefined) lines = lines.filter((e) => e.ms >= options.sinceMs!);
    const tail = options.tailLines;
    if (tail === undefined || tail < 0) return [...lines];
    return tail === 0 ? [] : lines.slice(-tail);
  }

  /**
   * Calls `onLine` for every line appended from now on to the current instance; `onEnd` when that
   * instance exits or is restarted. Returns the unsubscribe function.
   */
  follow(namespace: string, pod: string, container: string, onLine: LineListener, onEnd?: () => void): () => void {
    const log = this.entry(namespace, pod, container);
    const follower: Follower = { onLine, onEnd };
    log.followers.add(follower);
    return () => log.followers.delete(follower);
  }

  /** Names of the pod's containers that have a log (current or previous), in order of first use. */
  containers(namespace: string, pod: string): string[] {
    const prefix = keyOf(namespace, pod, '');
    return [...this.logs.entries()]
      .filter(([key, log]) => key.startsWith(prefix) && (log.current.length > 0 || log.previous !== undefined))
      .map(([key]) => key.slice(prefix.length));
  }

  private endFollowers(log: ContainerLog): void {
    const ended = [...log.followers];
    log.followers.clear();
    for (const follower of ended) follower.onEnd?.();
  }

  private entry(namespace: string, pod: string, container: string): ContainerLog {
    const key = keyOf(namespace, pod, container);
    let log = this.logs.get(key);
    if (!log) this.logs.set(key, (log = { current: [], exited: false, followers: new Set() }));
    return log;
  }
}

// NUL cannot appear in Kubernetes names, so keys of different pods never collide.
function keyOf(namespace: string, pod: string, container: string): string {
  return `${namespace}\0${pod}\0${container}`;
}
