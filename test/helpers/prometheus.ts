// A real, throwaway Prometheus server for tests (Debian's `prometheus`, run by hand, not the packaged
// service): its own config and TSDB in a temp dir, loopback only, scraping the given targets every
// second. Teardown kills its process group and removes the directory. Also `promtool check metrics`.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './freePort';
import type { CleanupScope } from './tmp';
import { waitFor } from './waitFor';

function onPath(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/** Why a real Prometheus cannot run here, or null when it can. */
export function prometheusUnavailable(): string | null {
  const missing = ['prometheus', 'promtool'].filter((c) => !onPath(c));
  return missing.length === 0 ? null : `${missing.join(' and ')} not on PATH (apt-get install prometheus; npm test installs it as root)`;
}

/** The skip option for node:test: in CI a missing Prometheus fails the test; elsewhere it is skipped with the reason. */
export function prometheusSkip(): string | false {
  const reason = prometheusUnavailable();
  if (reason === null || process.env.CI) return false;
  return `real Prometheus not available: ${reason}`;
}

export interface PromSample {
  metric: Record<string, string>;
  value: [number, string];
}

export interface PrometheusServer {
  url: string;
  /** An instant query through the HTTP API; rejects unless `status` is success. */
  query(promql: string): Promise<PromSample[]>;
  /** The scrape targets as Prometheus sees them (health, lastError). */
  targets(): Promise<{ scrapeUrl: string; health: string; lastError: string }[]>;
  readonly process: ChildProcess;
  /** Idempotent; also registered with the scope. */
  stop(): Promise<void>;
}

async function getJson(url: string): Promise<any> {
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  const body = (await res.json()) as { status?: string; error?: string; data?: unknown };
  if (body.status !== 'success') throw new Error(`${url}: ${res.status} ${body.error ?? JSON.stringify(body)}`);
  return body.data;
}

export async function startPrometheus(scope: CleanupScope, targets: string[]): Promise<PrometheusServer> {
  const unavailable = prometheusUnavailable();
  if (unavailable) throw new Error(`cannot start a real Prometheus: ${unavailable}`);
  const dir = mkdtempSync(join(tmpdir(), 'consumer-probe-prometheus-'));
  const port = await freePort();
  const config = [
    'global:',
    '  scrape_interval: 1s',
    '  evaluation_interval: 1s',
    'scrape_configs:',
    '  - job_name: consumer-probe',
    '    scrape_interval: 1s',
    '    scrape_timeout: 1s',
    '    static_configs:',
    `      - targets: [${targets.map((t) => JSON.stringify(t)).join(', ')}]`,
    '',
  ].join('\n');
  writeFileSync(join(dir, 'prometheus.yml'), config);
  const child = spawn(
    'prometheus',
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (c: string) => (output = (output + c).slice(-4000)));
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (output = (output + c).slice(-4000)));
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }
      await exited;
      rmSync(dir, { recursive: true, force: true });
    })());
  scope.after(stop);

  const url = `http://127.0.0.1:${port}`;
  let died = false;
  void exited.then(() => (died = true));
  try {
    await waitFor(
      async () => {
        if (died) throw new Error('exited');
        return (await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(2000) })).status === 200;
      },
      { what: 'Prometheus to be ready', timeoutMs: 30_000, intervalMs: 100 },
    );
  } catch (e) {
    await stop();
    throw new Error(`Prometheus did not start: ${(e as Error).message}\n${output}`, { cause: e });
  }
  return {
    url,
    process: child,
    query: async (promql) => (await getJson(`${url}/api/v1/query?query=${encodeURIComponent(promql)}`)).result as PromSample[],
    targets: async () => (await getJson(`${url}/api/v1/targets`)).activeTargets,
    stop,
  };
}

/** `promtool check metrics` on an exposition (stdin), as Prometheus's own linter sees it. */
export function promtoolCheckMetrics(exposition: string): { status: number | null; output: string } {
  const run = spawnSync('promtool', ['check', 'metrics'], { input: exposition, encoding: 'utf8', timeout: 30_000 });
  return { status: run.status, output: `${run.stdout}${run.stderr}`.trim() };
}
