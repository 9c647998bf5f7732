// The status-bar item: elapsed time while a probe runs (click to stop), the verdict afterwards (click
// to open the report).
import * as vscode from 'vscode';
import type { RunRecord } from './runRecord';
import { resultLabel } from './runSummary';

const SEVERITY_ICON = { ok: 'pass', warning: 'warning', error: 'error', inconclusive: 'question' } as const;

export class ProbeStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('consumerProbe.status', vscode.StatusBarAlignment.Left, 10);
  private ticker: NodeJS.Timeout | undefined;

  constructor() {
    this.item.name = 'Consumer Probe';
  }

  running(run: RunRecord, startedAtMs: number): void {
    const tick = () => {
      const seconds = ((performance.now() - startedAtMs) / 1000).toFixed(1);
      this.item.text = `$(sync~spin) Probe ${seconds} s`;
    };
    tick();
    this.item.tooltip = `Consumer Probe is running (${run.target.kind === 'sandbox' ? `sandbox: ${run.target.scenario}` : run.target.backendUrl}). Click to stop.`;
    this.item.command = 'consumerProbe.stopProbe';
    this.item.show();
    this.shown = true;
    clearInterval(this.ticker);
    this.ticker = setInterval(tick, 200);
  }

  private shown = false;

  /** The status bar's text now, undefined while hidden (for tests through the extension's API). */
  get text(): string | undefined {
    return this.shown ? this.item.text : undefined;
  }

  finished(run: RunRecord): void {
    clearInterval(this.ticker);
    this.ticker = undefined;
    const stopped = run.report?.scenario.id === 'stopped';
    const icon = stopped ? 'debug-stop' : run.report ? SEVERITY_ICON[run.report.scenario.severity] : 'circle-slash';
    this.item.text = `$(${icon}) ${resultLabel(run)}`;
    this.item.tooltip = run.report ? `${run.report.scenario.title}. Click to open the report.` : (run.error ?? 'The probe could not run.');
    this.item.command = { command: 'consumerProbe.openReport', title: 'Open Report', arguments: [run.id] };
    this.item.show();
    this.shown = true;
  }

  /** Shows the latest finished run's verdict, or nothing when there is none (after Clear History). */
  showLatest(run: RunRecord | undefined): void {
    if (run && run.status !== 'running') this.finished(run);
    else if (!run) this.hide();
  }

  hide(): void {
    clearInterval(this.ticker);
    this.item.hide();
    this.shown = false;
  }

  dispose(): void {
    clearInterval(this.ticker);
    this.item.dispose();
  }
}
