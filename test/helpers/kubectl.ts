// Running the real kubectl against a (simulated) cluster in tests. Each run gets the HOME it is given,
// because kubectl caches discovery in $HOME/.kube/cache and a cache from another server would lie.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { CleanupScope } from './tmp';
import { withDeadline } from './waitFor';

export const KUBECTL_PATH = '/usr/bin/kubectl';

/** Fails with a clear message when kubectl is not installed (these tests need a real client). */
export function requireKubectl(): string {
  if (!existsSync(KUBECTL_PATH)) {
    throw new Error(`kubectl not found at ${KUBECTL_PATH}: these tests use the real kubectl as the API server's conformance peer`);
  }
  return KUBECTL_PATH;
}

export interface KubectlOptions {
  kubeconfig: string;
  /** Becomes $HOME for kubectl (its discovery cache lives there). */
  home: string;
}

export interface KubectlResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A running kubectl whose output can be awaited while it runs. It is killed when the scope ends. */
export class KubectlProcess {
  stdout = '';
  stderr = '';
  readonly exited: Promise<KubectlResult>;
  private readonly child: ChildProcess;
  private listeners = new Set<() => void>();

  constructor(args: string[], opts: KubectlOptions, scope: CleanupScope) {
    this.child = spawn(requireKubectl(), ['--kubeconfig', opts.kubeconfig, ...args], {
      env: { ...process.env, HOME: opts.home },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    scope.after(() => {
      if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    });
    this.child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      this.stdout += chunk;
      this.notify();
    });
    this.child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderr += chunk;
      this.notify();
    });
    this.exited = new Promise((resolve, reject) => {
      this.child.once('error', reject);
      this.child.once('close', (code, signal) => {
        this.notify();
        resolve({ code, signal, stdout: this.stdout, stderr: this.stderr });
      });
    });
  }

  /** Resolves once stdout matches `pattern`; fails with the output so far on timeout or early exit. */
  async waitForStdout(pattern: RegExp, { timeoutMs = 10_000, what = String(pattern) } = {}): Promise<RegExpMatchArray> {
    const found = new Promise<RegExpMatchArray>((resolve, reject) => {
      const check = () => {
        const match = this.stdout.match(pattern);
        if (match) {
          this.listeners.delete(check);
          resolve(match);
        } else if (this.child.exitCode !== null || this.child.signalCode !== null) {
          this.listeners.delete(check);
          reject(new Error(`kubectl exited before printing ${what}\nstdout: ${this.stdout}\nstderr: ${this.stderr}`));
        }
      };
      this.listeners.add(check);
      check();
    });
    try {
      return await withDeadline(found, { timeoutMs, what: `kubectl to print ${what}` });
    } catch (error) {
      throw new Error(`${(error as Error).message}\nstdout: ${this.stdout}\nstderr: ${this.stderr}`, { cause: error });
    }
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }
}

/** Runs kubectl to completion (bounded by `timeoutMs`, after which it is killed and the test fails). */
export async function runKubectl(args: string[], opts: KubectlOptions, scope: CleanupScope, timeoutMs = 20_000): Promise<KubectlResult> {
  const proc = new KubectlProcess(args, opts, scope);
  return withDeadline(proc.exited, { timeoutMs, what: `kubectl ${args.join(' ')} to exit` });
}
