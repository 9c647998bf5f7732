// Container logs of the simulated cluster. Like the kubelet, it keeps the current container's log and
// the one of the instance before the last restart (what `kubectl logs --previous` shows), nothing older.

type LineListener = (line: string) => void;

interface Follower {
  onLine: LineListener;
  onEnd?: () => void;
}

interface ContainerLog {
  current: string[];
  previous?: string[];
  followers: Set<Follower>;
}

export interface ReadLogOptions {
  /** The log of the container instance before the last restart. */
  previous?: boolean;
  /** Only the last N lines (negative or undefined: all of them). */
  tailLines?: number;
}

export class PodLogStore {
  private readonly logs = new Map<string, ContainerLog>();

  append(namespace: string, pod: string, container: string, line: string): void {
    const log = this.entry(namespace, pod, container);
    log.current.push(line);
    for (const follower of [...log.followers]) follower.onLine(line);
  }

  /**
   * The running instance exits and a new one starts: its log becomes "previous". Followers of the old
   * instance are ended, as `kubectl logs -f` ends when the container it follows exits.
   */
  restartContainer(namespace: string, pod: string, container: string): void {
    const log = this.entry(namespace, pod, container);
    log.previous = log.current;
    log.current = [];
    const ended = [...log.followers];
    log.followers.clear();
    for (const follower of ended) follower.onEnd?.();
  }

  /** Whether a previous (restarted) instance of the container has a log to show. */
  hasPrevious(namespace: string, pod: string, container: string): boolean {
    return this.logs.get(keyOf(namespace, pod, container))?.previous !== undefined;
  }

  read(namespace: string, pod: string, container: string, options: ReadLogOptions = {}): string[] {
    const log = this.logs.get(keyOf(namespace, pod, container));
    const lines = (options.previous ? log?.previous : log?.current) ?? [];
    const tail = options.tailLines;
    if (tail === undefined || tail < 0) return [...lines];
    return tail === 0 ? [] : lines.slice(-tail);
  }

  /**
   * Calls `onLine` for every line appended from now on to the current instance; `onEnd` when that
   * instance is restarted. Returns the unsubscribe function.
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

  private entry(namespace: string, pod: string, container: string): ContainerLog {
    const key = keyOf(namespace, pod, container);
    let log = this.logs.get(key);
    if (!log) this.logs.set(key, (log = { current: [], followers: new Set() }));
    return log;
  }
}

// NUL cannot appear in Kubernetes names, so keys of different pods never collide.
function keyOf(namespace: string, pod: string, container: string): string {
  return `${namespace}\0${pod}\0${container}`;
}
