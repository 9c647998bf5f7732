// The last runs of `consumer-probe serve`, newest first, at most `capacity` of them: the process's
// memory does not grow with its uptime. Each report is kept as its rendered JSON (the contract's
// document, built once) beside a small summary for `GET /runs`.
import { renderJson } from '../probe/report/json';
import type { CauseCode, Report, ScenarioId, Severity } from '../probe/model';

export const DEFAULT_HISTORY_SIZE = 50;

/** One element of `GET /runs` (README, "serve"): additive, like the report. */
export interface RunSummary {
  /** Unique in this process and across its restarts: `<process id>-<sequence>`. */
  runId: string;
  startedAt: string;
  endedAt: string;
  jobId: string | null;
  scenario: ScenarioId;
  cause: CauseCode | null;
  severity: Severity;
  title: string;
  consumerReadyMs: number | null;
}

interface Kept {
  summary: RunSummary;
  json: string;
}

export class RunHistory {
  private readonly kept: Kept[] = [];

  constructor(private readonly capacity = DEFAULT_HISTORY_SIZE) {}

  add(runId: string, report: Report, endedAt: Date): RunSummary {
    const summary: RunSummary = {
      runId,
      startedAt: report.startedAt,
      endedAt: endedAt.toISOString(),
      jobId: report.jobId ?? null,
      scenario: report.scenario.id,
      cause: report.scenario.cause ?? null,
      severity: report.scenario.severity,
      title: report.scenario.title,
      consumerReadyMs: report.timings.consumerReadyMs,
    };
    this.kept.unshift({ summary, json: renderJson(report) });
    this.kept.length = Math.min(this.kept.length, this.capacity);
    return summary;
  }

  /** Newest first. */
  summaries(): RunSummary[] {
    return this.kept.map((k) => k.summary);
  }

  /** The report JSON of the newest run; null before the first. */
  latestJson(): string | null {
    return this.kept[0]?.json ?? null;
  }

  /** The report JSON of a kept run; null when unknown or already dropped. */
  jsonOf(runId: string): string | null {
    return this.kept.find((k) => k.summary.runId === runId)?.json ?? null;
  }

  get size(): number {
    return this.kept.length;
  }
}
