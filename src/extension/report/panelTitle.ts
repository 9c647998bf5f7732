// The report panel's tab title, from what it shows: "job 12-70788 · pod_pending", so two reports side
// by side (or a pinned one) tell apart at a glance.
import type { ReportViewState } from './protocol';

export const PIN = '📌 ';

export function panelTitle(state: ReportViewState | undefined, pinned = false): string {
  return (pinned ? PIN : '') + baseTitle(state);
}

function baseTitle(state: ReportViewState | undefined): string {
  if (!state || state.status === 'idle') return 'Consumer Probe Report';
  if (state.status === 'running') return 'Probe running…';
  if (state.status === 'failed') return 'Probe could not run';
  const report = state.report;
  if (!report) return 'Consumer Probe Report';
  return `${report.jobId ? `job ${report.jobId}` : 'no job id'} · ${report.scenario.id}`;
}
