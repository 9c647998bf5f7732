// A child process started in its own process group (detached), whose output is kept for failure
// messages and which is stopped as a whole: code-server forks an extension host, a pty host and file
// watchers, and killing only the parent would leave them running.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { waitFor } from '../../helpers/waitFor';

/** Keeps the last `limit` characters of a process's output. */
const OUTPUT_LIMIT = 64 * 1024;

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export class ProcessGroup {
  readonly child: ChildProcess;
  readonly exited: Promise<ExitStatus>;
  private output = '';
  private listeners = new Set<() => void>();
  private stopping?: Promise<void>;

  constructor(
    readonly name: string,
    command: string,
    args: string[],
    options: Omit<SpawnOptions, 'detached' | 'stdio'> = {},
  ) {
    this.child = spawn(command, args, { ...options, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const take = (chunk: string) => {
      this.output = (this.output + chunk).slice(-OUTPUT_LIMIT);
      for (const listener of [...this.listeners]) listener();
    };
    this.child.stdout!.setEncoding('utf8').on('data', take);
    this.child.stderr!.setEncoding('utf8').on('data', take);
    this.exited = new Promise((resolve) => {
      // 'error' (e.g. ENOENT) is followed by 'close', so resolving on 'close' covers both.
      this.child.once('error', (error) => take(`\n[${name}: ${error.message}]\n`));
      this.child.once('close', (code, signal) => {
        for (const listener of [...this.listeners]) listener();
        resolve({ code, signal });
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get hasExited(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null;
  }

  /** The last output (stdout and stderr interleaved), for failure messages. */
  tail(chars = 4000): string {
    return this.output.slice(-chars);
  }

  /** Resolves with the first match of `pattern` in the output; rejects if the process exits first. */
  waitForOutput(pattern: RegExp, timeoutMs: number, what: string): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => finish(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)), timeoutMs);
      const finish = (result: RegExpMatchArray | Error) => {
        clearTimeout(timer);
        this.listeners.delete(check);
        if (result instanceof Error) reject(new Error(`${result.message}\n--- ${this.name} output ---\n${this.tail()}`));
        else resolve(result);
      };
      const check = () => {
        const match = this.output.match(pattern);
        if (match) finish(match);
        else if (this.hasExited) finish(new Error(`${this.name} exited (${this.child.exitCode ?? this.child.signalCode}) before ${what}`));
      };
      this.listeners.add(check);
      check();
    });
  }

  /** Whether any process of the group is still alive. */
  groupAlive(): boolean {
    if (this.pid === undefined) return false;
    try {
      process.kill(-this.pid, 0);
      return true;
    } catch {
      return false;
    }
  }

  /**
   * SIGTERM to the whole group, SIGKILL after `graceMs`; resolves once the leader has exited and no
   * process of the group is left. Idempotent.
   */
  stop(graceMs = 3000): Promise<void> {
    this.stopping ??= this.stopGroup(graceMs);
    return this.stopping;
  }

  private async stopGroup(graceMs: number): Promise<void> {
    if (this.pid === undefined) return;
    const signal = (sig: NodeJS.Signals) => {
      try {
        process.kill(-this.pid!, sig);
      } catch {
        // ESRCH: the group is already gone.
      }
    };
    signal('SIGTERM');
    try {
      await waitFor(() => this.hasExited && !this.groupAlive(), { what: `${this.name} to exit`, timeoutMs: graceMs, intervalMs: 50 });
    } catch {
      signal('SIGKILL');
      await waitFor(() => this.hasExited && !this.groupAlive(), {
        what: `${this.name}'s process group to die after SIGKILL`,
        timeoutMs: 5000,
        intervalMs: 50,
      });
    }
    await this.exited;
  }
}
