// Timeline → the one report object every renderer reads.
import { analyse, type AnalyseOptions, type Analysis } from './analysis';
import { diagnose, type DiagnoseContext } from './diagnose';
import type { Observation, Report } from './model';
import type { MatchRules } from './options';

export function reportFromAnalysis(a: Analysis, ctx: DiagnoseContext): Report {
  return {
    schemaVersion: 1,
    jobId: a.jobId,
    startedAt: a.startedAt,
    scenario: diagnose(a, ctx),
    timings: a.timings,
    timingWindows: a.timingWindows,
    pods: a.pods.map((p) => ({
      name: p.name,
      namespace: p.namespace,
      role: p.role,
      matchedBy: p.matchedBy,
      phase: p.phase,
      ready: p.ready,
      restartCount: p.restartCount,
      node: p.node,
      labels: p.labels,
      reason: p.reason,
      firstSeenMs: p.firstSeenMs,
      history: p.history,
    })),
    metadataAttempts: a.metadataAttempts,
    queue: a.queue,
    events: a.events,
    logs: a.logs,
    probe: a.probe,
  };
}

export function buildReport(
  observations: readonly Observation[],
  rules: MatchRules,
  ctx: DiagnoseContext,
  limits: AnalyseOptions = {},
): Report {
  return reportFromAnalysis(analyse(observations, rules, limits), ctx);
}
