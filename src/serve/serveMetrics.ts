// The metrics of `consumer-probe serve` (names are a contract, DESIGN.md "CLI: serve"), exposed through
// prom-client in the Prometheus text format. Every label set is bounded and known in advance (scenario
// ids, stage names, error codes), and each is created at zero when the process starts, so `increase()`
// and `rate()` see a series from its first scrape instead of missing the first run.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { stageName } from '../probe/burst/model';
import { ProbeError, type ProbeErrorCode } from '../probe/errors';
import { SCENARIO_IDS, TIMING_KEYS, type Report } from '../probe/model';

/**
 * Stage durations in seconds since POST /configure: fine below a second (configure answers in
 * 0.2–0.5 s), the pod and broker stages in the seconds, the consumer up to two minutes. 20 s, the default
 * slow threshold, is a bucket boundary, so "p95 above the slow threshold" is read exactly.
 */
export const STAGE_BUCKETS_SECONDS = [0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 7.5, 10, 15, 20, 30, 45, 60, 90, 120] as const;

/** `reason` of consumer_probe_probe_errors_total: the ProbeError code in snake case, or `unexpected`. */
export const PROBE_ERROR_REASONS = [
  'bad_argument',
  'bad_output',
  'file_unreadable',
  'kubeconfig_unreadable',
  'body_unreadable',
  'sandbox_failed',
  'aborted',
  'unexpected',
] as const satisfies readonly (Lowercase<ProbeErrorCode> | 'unexpected')[];
export type ProbeErrorReason = (typeof PROBE_ERROR_REASONS)[number];

/** A run that ended with a report: is its scenario the one that makes `run` exit 0. */
export function isSuccess(report: Pick<Report, 'scenario'>): boolean {
  return report.scenario.id === 'healthy';
}

export class ServeMetrics {
  readonly registry = new Registry();
  private readonly runs: Counter<'scenario'>;
  private readonly stages: Histogram<'stage'>;
  private readonly lastRun: Gauge;
  private readonly lastSuccess: Gauge;
  private readonly lastScenario: Gauge<'scenario'>;
  private readonly probeErrors: Counter<'reason'>;

  constructor() {
    const registers = [this.registry];
    this.runs = new Counter({
      name: 'consumer_probe_runs_total',
      help: 'Probe runs that ended with a report, by scenario id.',
      labelNames: ['scenario'],
      registers,
    });
    this.stages = new Histogram({
      name: 'consumer_probe_stage_seconds',
      help: 'Seconds from POST /configure until each stage was observed, per run that reached the stage.',
      labelNames: ['stage'],
      buckets: [...STAGE_BUCKETS_SECONDS],
      registers,
    });
    this.lastRun = new Gauge({
      name: 'consumer_probe_last_run_timestamp_seconds',
      help: 'Unix time when the last run ended (0 before the first).',
      registers,
    });
    this.lastSuccess = new Gauge({
      name: 'consumer_probe_last_success_timestamp_seconds',
      help: 'Unix time when the last healthy run ended (0 before the first).',
      registers,
    });
    this.lastScenario = new Gauge({
      name: 'consumer_probe_last_scenario',
      help: "1 for the last run's scenario id, 0 for the others.",
      labelNames: ['scenario'],
      registers,
    });
    this.probeErrors = new Counter({
      name: 'consumer_probe_probe_errors_total',
      help: 'Probe runs that could not start, by reason.',
      labelNames: ['reason'],
      registers,
    });
    for (const scenario of SCENARIO_IDS) {
      this.runs.inc({ scenario }, 0);
      this.lastScenario.set({ scenario }, 0);
    }
    for (const key of TIMING_KEYS) this.stages.zero({ stage: stageName(key) });
    for (const reason of PROBE_ERROR_REASONS) this.probeErrors.inc({ reason }, 0);
  }

  /** Counts a finished run: its scenario, the stages it reached, and when it ended (`endedAtMs`, epoch ms). */
  recordRun(report: Report, endedAtMs: number): void {
    this.runs.inc({ scenario: report.scenario.id });
    for (const key of TIMING_KEYS) {
      const ms = report.timings[key];
      if (ms !== null && Number.isFinite(ms) && ms >= 0) this.stages.observe({ stage: stageName(key) }, ms / 1000);
    }
    this.lastRun.set(endedAtMs / 1000);
    if (isSuccess(report)) this.lastSuccess.set(endedAtMs / 1000);
    for (const scenario of SCENARIO_IDS) this.lastScenario.set({ scenario }, scenario === report.scenario.id ? 1 : 0);
  }

  recordProbeError(reason: ProbeErrorReason): void {
    this.probeErrors.inc({ reason });
  }

  /** The exposition, and its content type (`text/plain; version=0.0.4; charset=utf-8`). */
  async exposition(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

/** The `reason` label for what kept a run from starting. */
export function probeErrorReason(e: unknown): ProbeErrorReason {
  if (!ProbeError.is(e)) return 'unexpected';
  const reason = e.code.toLowerCase();
  return (PROBE_ERROR_REASONS as readonly string[]).includes(reason) ? (reason as ProbeErrorReason) : 'unexpected';
}
