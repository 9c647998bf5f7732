// The name an export is offered under: `<job>-<scenario>` (then `.md` or `.json`), so a folder of
// exports reads like a list of runs. Pure; job ids come from the backend, so anything outside a safe
// file-name alphabet is replaced.
import type { RunRecord } from './runRecord';

export function exportBaseName(run: Pick<RunRecord, 'report'>): string {
  const job = run.report?.jobId ? safe(run.report.jobId) : '';
  const scenario = run.report ? safe(run.report.scenario.id) : '';
  return `${job || 'no-job'}-${scenario || 'no-report'}`;
}

function safe(text: string): string {
  return text
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[.-]+|[.-]+$/g, '')
    .slice(0, 80);
}
