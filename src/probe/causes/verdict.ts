// The one way a cause rule states its finding: scenario id, cause code, a title that names the cause in
// words, and the evidence and suggestions (empty lines dropped, repeated suggestions said once).
import type { CauseOf, Scenario, ScenarioId, Severity } from '../model';

const SEVERITY: Record<ScenarioId, Severity> = {
  healthy: 'ok',
  slow_consumer: 'warning',
  slow_pod_start: 'warning',
  consumer_never_ready: 'error',
  pod_never_created: 'error',
  pod_pending: 'error',
  pod_failed: 'error',
  configure_failed: 'error',
  cluster_unavailable: 'inconclusive',
  stopped: 'inconclusive',
};

export interface Finding<Id extends ScenarioId> {
  id: Id;
  /** Null only where nothing observed names the cause: a rule never guesses one. */
  cause: CauseOf<Id> | null;
  title: string;
  summary: string;
  evidence: readonly string[];
  suggestions: readonly string[];
}

export function verdict<Id extends ScenarioId>(f: Finding<Id>): Scenario {
  return {
    id: f.id,
    cause: f.cause,
    severity: SEVERITY[f.id],
    title: f.title,
    summary: f.summary,
    evidence: f.evidence.filter(Boolean),
    suggestions: [...new Set(f.suggestions.filter(Boolean))],
  };
}
