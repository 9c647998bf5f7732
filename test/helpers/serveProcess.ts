// `consumer-probe serve` (the built dist/cli.js) as a child process probing an in-process sandbox: its
// own process group, a fresh HOME and no KUBECONFIG, started once it says where it listens, killed with
// its group at teardown if it is still running. Plus a plain GET for its endpoints.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { request } from 'node:http';
import type { SandboxProfile } from '../../src/sandbox/profiles';
import type { Sandbox } from '../../src/sandbox/sandbox';
import { CLI } from './runCli';
import { makeTempDir, type CleanupScope } from './tmp';
import { withDeadline } from './waitFor';

export interface ServeProcess {
  readonly child: ChildProcessWithoutNullStreams;
  /** `http://127.0.0.1:PORT` as serve printed it. */
  readonly url: string;
  /** `127.0.0.1:PORT`, a Prometheus target. */
  readonly target: string;
  /** Everything printed so far. */
  stdout(): string;
  stderr(): string;
  /** Settles when the process exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** serve's flags for one profile of the sandbox: its backend, kubeconfig, broker and thresholds. */
export function sandboxServeArgs(sandbox: Sandbox, profile: SandboxProfile): string[] {
  return [
    '--backend',
    sandbox.backendUrlFor(profile.name),
    '--kubeconfig',
    sandbox.kubeconfigFor(profile.name),
    '--namespace',
    sandbox.namespace,
    '--rabbitmq',
    sandbox.brokerUrl,
    '--timeout',
    String(profile.probe.timeoutMs / 1000),
    '--slow',
    String(profile.probe.slowThresholdMs / 1000),
  ];
}

export async function startServeProcess(scope: CleanupScope, args: string[]): Promise<ServeProcess> {
  const home = makeTempDir(scope, 'cp-serve-');
  const { KUBECONFIG: _ignored, ...base } = process.env;
  const env = { ...base, HOME: home, CONSUMER_PROBE_RABBITMQ_USER: 'guest', CONSUMER_PROBE_RABBITMQ_PASSWORD: 'guest' };
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--bind', '127.0.0.1', ...args], {
    env,
    stdio: 'pipe',
    detached: true,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  scope.after(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      /* already gone */
    }
    await exited;
  });
  const url = await withDeadline(
    new Promise<string>((resolve, reject) => {
      const look = () => {
        const m = /^listening on (http:\/\/127\.0\.0\.1:\d+):/m.exec(stdout);
        if (m) resolve(m[1]!);
      };
      child.stdout.on('data', look);
      void exited.then(({ code }) => reject(new Error(`serve exited (${code}) before listening:\n${stdout}\n${stderr}`)));
    }),
    { what: 'serve to print where it listens', timeoutMs: 20_000 },
  );
  return { child, url, target: url.replace('http://', ''), stdout: () => stdout, stderr: () => stderr, exited };
}

export interface HttpAnswer {
  status: number;
  contentType: string;
  body: string;
  json<T = any>(): T;
}

/** One request on a fresh connection (nothing pooled outlives the test). */
export function httpCall(url: string, method = 'GET'): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, agent: false, timeout: 10_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          contentType: String(res.headers['content-type'] ?? ''),
          body,
          json: () => JSON.parse(body),
        }),
      );
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from ${url} in 10 s`)));
    req.on('error', reject);
    req.end();
  });
}
