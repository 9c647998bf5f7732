// The burst report: pure, from what runBurst returned and the thresholds asked for.
import type { ScenarioId } from '../model';
import type { BurstReport, Threshold } from './model';
import type { BurstOutcome } from './runBurst';
import { burstStages } from './stats';
import { evaluateThresholds } from './thresholds';
import { burstVerdict, scenarioCounts } from './verdict';

export function buildBurstReport(outcome: BurstOutcome, thresholds: readonly Threshold[] = []): BurstReport {
  const runs = [...outcome.runs].sort((a, b) => a.index - b.index);
  const stages = burstStages(runs);
  const results = evaluateThresholds(thresholds, stages);
  return {
    schemaVersion: 1,
    kind: 'burst',
    startedAt: outcome.startedAt,
    jobs: outcome.jobs,
    concurrency: outcome.concurrency,
    rampMs: outcome.rampMs,
    runs,
    scenarios: scenarioCounts(runs) as Partial<Record<ScenarioId, number>>,
    stages,
    thresholds: results,
    verdict: burstVerdict(runs, results, outcome.jobs),
  };
}

/** 0 every job healthy and every threshold met; 1 otherwise (DESIGN.md, "CLI: burst"). */
export function burstExitCode(report: BurstReport): 0 | 1 {
  const allHealthy = report.runs.length === report.jobs && report.runs.every((r) => r.scenario.id === 'healthy');
  return allHealthy && report.thresholds.every((t) => t.passed) ? 0 : 1;
}
