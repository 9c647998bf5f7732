// One-line summaries of a run for the progress notification and the status bar. Pure.
import type { Report } from '../probe/model';
import { formatSeconds, oneLine, podState } from '../probe/report/format';
import type { RunRecord } from './runRecord';

/** Where a running probe is: `job 19-5 · pod Running (ready) · waiting for /metadata`. */
export function progressMessage(run: RunRecord): string {
  const r: Report | null = run.report;
  if (!r || r.timings.configureMs === null) return 'sending POST /configure…';
  if (r.jobId === null) return 'configure answered without a job id';
  const primary = r.pods.find((p) => p.role === 'primary');
  const pod = primary ? `pod ${oneLine(podState(primary.phase, primary.ready, primary.reason))}` : 'no pod yet';
  const last = r.metadataAttempts[r.metadataAttempts.length - 1];
  const meta = last ? `metadata ${last.status ?? 'no answer'}` : 'waiting for /metadata';
  return `job ${oneLine(r.jobId)} · ${pod} · ${meta}`;
}

/** `healthy · ready 2.900s`, `pod_pending`, `stopped after 6.201s`, `could not run`. */
export function resultLabel(run: RunRecord): string {
  if (run.status === 'failed' || !run.report) return 'could not run';
  if (run.report.scenario.id === 'stopped') return `stopped after ${formatSeconds(run.elapsedMs)}`;
  const ready = run.report.timings.consumerReadyMs;
  return ready !== null ? `${run.report.scenario.id} · ready ${formatSeconds(ready)}` : run.report.scenario.id;
}
