// The burst report as JSON (DESIGN.md, "CLI: burst"): the contract's key order; each run is the
// single-run report exactly as `run --json` writes it, plus its index and sentAtMs.
import { TIMING_KEYS } from '../model';
import type { BurstReport } from '../burst/model';
import { renderJson } from './json';

export function burstJsonObject(r: BurstReport): unknown {
  return {
    schemaVersion: r.schemaVersion,
    kind: r.kind,
    startedAt: r.startedAt,
    jobs: r.jobs,
    concurrency: r.concurrency,
    rampMs: r.rampMs,
    runs: r.runs.map((run) => ({ ...(JSON.parse(renderJson(run)) as object), index: run.index, sentAtMs: run.sentAtMs })),
    scenarios: { ...r.scenarios },
    stages: Object.fromEntries(
      TIMING_KEYS.map((key) => {
        const s = r.stages[key];
        return [
          key,
          { reached: s.reached, censored: s.censored, p50: s.p50, p90: s.p90, p95: s.p95, p99: s.p99, max: s.max, mean: s.mean },
        ];
      }),
    ),
    thresholds: r.thresholds.map((t) => ({
      stage: t.stage,
      percentile: t.percentile,
      limitMs: t.limitMs,
      valueMs: t.valueMs,
      passed: t.passed,
    })),
    verdict: {
      severity: r.verdict.severity,
      title: r.verdict.title,
      summary: r.verdict.summary,
      evidence: [...r.verdict.evidence],
      suggestions: [...r.verdict.suggestions],
    },
  };
}

export function renderBurstJson(report: BurstReport): string {
  return `${JSON.stringify(burstJsonObject(report), null, 2)}\n`;
}
