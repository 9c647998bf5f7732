// The one message protocol between the extension host and the report page. Both sides import this
// file, so it must stay free of `vscode` and DOM imports. Host → page messages are whole snapshots,
// never deltas: a hidden page only keeps the newest one.
import type { Report, ScenarioId } from '../../probe/model';
import type { RunStatus } from '../runRecord';

export interface Envelope<P = unknown> {
  method: string;
  params: P;
}

export interface MessageType<P> {
  readonly method: string;
  is(m: unknown): m is Envelope<P>;
  make(params: P): Envelope<P>;
}

function message<P>(method: string): MessageType<P> {
  return {
    method,
    is: (m: unknown): m is Envelope<P> =>
      typeof m === 'object' && m !== null && (m as { method?: unknown }).method === method && 'params' in m,
    make: (params: P) => ({ method, params }),
  };
}

/** One earlier run, for the trend chart of consumer-ready times. */
export interface TrendPoint {
  runId: string;
  startedAt: string;
  jobId: string | null;
  scenarioId: ScenarioId | null;
  consumerReadyMs: number | null;
}

export interface ReportViewState {
  status: RunStatus | 'idle';
  runId?: string;
  /** The whole report object (schema 1): a live snapshot while running. */
  report?: Report;
  /** Ms since the run started, for "running for 3.2 s". */
  elapsedMs?: number;
  /** Why the probe could not run; shown instead of an endless spinner. */
  error?: string;
  /** Stored runs, oldest first. */
  trend: TrendPoint[];
}

// host → page
export const DidChangeState = message<{ state: ReportViewState }>('state/didChange');

// page → host
export const PageReady = message<Record<string, never>>('page/ready');
export const ShowPodLogs = message<{ runId: string; pod: string; namespace: string }>('pod/showLogs');
export const ExportReport = message<{ runId: string; format: 'markdown' | 'json' }>('report/export');
