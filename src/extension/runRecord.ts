// What the extension keeps of one probe run: where it pointed, how it went, and the report (a live
// snapshot while it runs, the final one after). Plain data, so it persists as JSON and the tree and the
// report page can be computed from it without VS Code.
import type { Report } from '../probe/model';

export type RunStatus = 'running' | 'done' | 'failed';

/** Where a run pointed; enough to fetch pod logs afterwards. Never holds credentials. */
export interface RunTarget {
  kind: 'sandbox' | 'cluster';
  backendUrl: string;
  kubeconfig?: string;
  context?: string;
  namespace: string;
  /** Sandbox runs only: the scenario profile that played. */
  scenario?: string;
}

export interface RunRecord {
  id: string;
  /** Wall-clock ISO time the run was started (a label only; report times are ms since t0). */
  startedAt: string;
  status: RunStatus;
  target: RunTarget;
  report: Report | null;
  /** Milliseconds since the run started, as of the latest snapshot (drives "running · 3.2 s"). */
  elapsedMs: number;
  /** Why the probe could not run at all (`failed`), one sentence. */
  error?: string;
  /** The ProbeError code of that failure (`KUBECONFIG_UNREADABLE`, …), to offer the fix. */
  errorCode?: string;
  /** The broker refused the probe's credentials (the reason, never the credentials): the queue went unwatched. */
  brokerAuthRefused?: string;
}

/** How many finished runs are kept across reloads. */
export const HISTORY_LIMIT = 20;

/** Newest first; the running run (if any) stays, then the latest finished ones up to the limit. */
export function trimHistory(runs: readonly RunRecord[], limit = HISTORY_LIMIT): RunRecord[] {
  return [...runs].sort((a, b) => b.startedAt.localeCompare(a.startedAt)).slice(0, limit);
}
