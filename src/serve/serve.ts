// `consumer-probe serve` put together: the probe loop feeds the metrics and the run history, and the
// HTTP server shows them. Each probe is the engine's run exactly as `consumer-probe run` starts it.
//
// The cluster watches are not kept open between probes. A probe's watches start from "now" and cost a
// handful of requests (one cheap list and one watch per kind, one namespace look-up); held open for the
// minutes between probes they would stream every change in the namespace to a process that has no run
// to hand it to, so what the probe costs would grow with the namespace's activity again.
import type { Report } from '../probe/model';
import { oneLine } from '../probe/text';
import { describeError } from '../probe/errors';
import { healthOf, type HealthLimits } from './health';
import { startHttp, type ServeHttp } from './httpServer';
import { ProbeLoop } from './probeLoop';
import { RunHistory } from './runHistory';
import { ServeMetrics, probeErrorReason } from './serveMetrics';

export interface ServeOptions {
  everyMs: number;
  bind: string;
  port: number;
  /** One probe (the engine's run); resolves with its report, rejects when it could not run. */
  probe(signal: AbortSignal): Promise<Report>;
  /** See health.ts. */
  wedgedAfterMs: number;
  /** One line per run and per error (stdout: `kubectl logs` shows it). */
  log(line: string): void;
  historySize?: number;
}

export interface ServeHandle {
  readonly url: string;
  readonly port: number;
  readonly metrics: ServeMetrics;
  readonly history: RunHistory;
  readonly loop: ProbeLoop;
  /**
   * Aborts the probe in flight (it is recorded as `stopped`), then closes the server. Resolves false
   * when the probe had not ended after `graceMs`; the server is closed either way.
   */
  stop(graceMs: number): Promise<boolean>;
}

export async function startServe(opts: ServeOptions): Promise<ServeHandle> {
  const metrics = new ServeMetrics();
  const history = new RunHistory(opts.historySize);
  const loop = new ProbeLoop({
    everyMs: opts.everyMs,
    probe: opts.probe,
    onReport: (report, run) => {
      metrics.recordRun(report, run.endedAt.getTime());
      const summary = history.add(run.runId, report, run.endedAt);
      const cause = summary.cause ? `/${summary.cause}` : '';
      opts.log(
        `${summary.endedAt} run ${run.runId} ${summary.scenario}${cause} (${summary.severity}): ${oneLine(report.scenario.summary, 300)}`,
      );
    },
    onError: (error, run) => {
      const reason = probeErrorReason(error);
      metrics.recordProbeError(reason);
      opts.log(`${new Date().toISOString()} run ${run.runId} could not start (${reason}): ${describeError(error)}`);
    },
  });
  const limits: HealthLimits = { everyMs: opts.everyMs, wedgedAfterMs: opts.wedgedAfterMs, lateAfterMs: 60_000 };
  let http: ServeHttp;
  try {
    http = await startHttp(
      {
        metrics: () => metrics.exposition(),
        health: () => ({ ...healthOf(loop.state, performance.now(), limits) }),
        runs: () => history.summaries(),
        report: (which) => (which === 'latest' ? history.latestJson() : history.jsonOf(which)),
      },
      opts.bind,
      opts.port,
    );
  } catch (e) {
    throw new Error(`cannot listen on ${opts.bind}:${opts.port}: ${describeError(e)}`, { cause: e });
  }
  loop.start();
  let stopping: Promise<boolean> | null = null;
  return {
    url: http.url,
    port: http.port,
    metrics,
    history,
    loop,
    stop: (graceMs) =>
      (stopping ??= (async () => {
        const ended = await loop.stop(graceMs);
        await http.close();
        return ended;
      })()),
  };
}
