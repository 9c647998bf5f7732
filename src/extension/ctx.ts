// The composition root: owns every long-lived piece (log, tree, status bar, report panel, sandbox,
// history) and the one probe run at a time. Commands call into it; nothing else holds state.
import * as vscode from 'vscode';
import { userMessage } from '../probe/errors';
import type { ProbeOptions } from '../probe/options';
import type { Sandbox } from '../sandbox/sandbox';
import { Config } from './config';
import { RunHistory } from './history';
import { createLogger, type Logger } from './log';
import { alreadyRunning, showFailure } from './messages';
import { loadEngine } from './lazy';
import { PodLogDocuments, POD_LOG_SCHEME } from './podLogDocuments';
import type { ProbeSession } from './probeSession';
import type { ReportViewState, TrendPoint } from './report/protocol';
import { REPORT_VIEW_TYPE, ReportPanel, type ReportPanelHandlers } from './report/reportPanel';
import { trimHistory, type RunRecord, type RunTarget } from './runRecord';
import { progressMessage } from './runSummary';
import { SandboxHost } from './sandboxHost';
import { Secrets } from './secrets';
import { ProbeStatusBar } from './statusBar';
import { RunTreeProvider } from './tree/runTree';

export interface PreparedRun {
  options: ProbeOptions;
  target: RunTarget;
}

export class ProbeCtx implements vscode.Disposable {
  readonly log: Logger = createLogger();
  readonly config = new Config();
  readonly secrets: Secrets;
  readonly tree = new RunTreeProvider();
  readonly sandboxes = new SandboxHost();
  private readonly history: RunHistory;
  private readonly statusBar = new ProbeStatusBar();
  private readonly ended = new vscode.EventEmitter<RunRecord>();
  readonly onDidEndRun = this.ended.event;
  private readonly updated = new vscode.EventEmitter<RunRecord>();
  private runs: RunRecord[];
  private session: ProbeSession | undefined;
  /** A run is being prepared (e.g. the sandbox is starting): a second start must wait its turn. */
  private preparing = false;
  private panel: ReportPanel | undefined;
  /** The run the report panel shows. */
  private panelRunId: string | undefined;

  constructor(readonly ext: vscode.ExtensionContext) {
    ext.subscriptions.push(this);
    this.secrets = new Secrets(ext.secrets);
    this.history = new RunHistory(ext.globalState);
    this.runs = this.history.load();
    ext.subscriptions.push(
      this.log,
      this.tree,
      this.statusBar,
      this.ended,
      this.updated,
      vscode.window.createTreeView('consumerProbe.runs', { treeDataProvider: this.tree, showCollapseAll: true }),
      vscode.workspace.registerTextDocumentContentProvider(
        POD_LOG_SCHEME,
        new PodLogDocuments(
          (id) => this.runById(id),
          (reason) => void showFailure(this.log, 'Show Pod Logs', reason),
        ),
      ),
      vscode.window.registerWebviewPanelSerializer(REPORT_VIEW_TYPE, {
        deserializeWebviewPanel: async (panel) =>
          this.adoptPanel(new ReportPanel(panel, ext.extensionUri, this.panelHandlers()), this.runs[0]?.id),
      }),
    );
    this.tree.show(this.runs);
    void vscode.commands.executeCommand('setContext', 'consumerProbe.running', false);
  }

  get running(): boolean {
    return this.session?.running ?? false;
  }

  get allRuns(): readonly RunRecord[] {
    return this.runs;
  }

  get sandbox(): Sandbox | undefined {
    return this.sandboxes.current;
  }

  runById(id: string | undefined): RunRecord | undefined {
    return id === undefined ? this.runs[0] : this.runs.find((r) => r.id === id);
  }

  /** Runs one probe with a progress notification, the status bar and the live report; resolves with the final record. */
  async startRun(title: string, prepare: () => Promise<PreparedRun>): Promise<RunRecord | undefined> {
    if (this.running || this.preparing) {
      alreadyRunning();
      return undefined;
    }
    let prepared: PreparedRun;
    this.preparing = true;
    try {
      prepared = await prepare();
    } catch (e) {
      void showFailure(this.log, 'Consumer Probe could not start', userMessage(e));
      return undefined;
    } finally {
      this.preparing = false;
    }
    const { options, target } = prepared;
    const startedAtMs = performance.now();
    this.log.info(`── ${title}: backend ${target.backendUrl}, namespace ${target.namespace}, timeout ${options.timeoutMs / 1000} s ──`);
    const { ProbeSession } = loadEngine();
    const session = new ProbeSession(options, target, {
      onUpdate: (record) => this.recordChanged(record),
      log: (line) => this.log.info(line),
    });
    this.session = session;
    void vscode.commands.executeCommand('setContext', 'consumerProbe.running', true);
    this.statusBar.running(session.record, startedAtMs);
    this.openReport(session.id, { focus: false });

    const final = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Consumer Probe: ${title}`, cancellable: true },
      async (progress, token) => {
        const cancel = token.onCancellationRequested(() => session.stop());
        const follow = this.updated.event((r) => r.id === session.id && progress.report({ message: progressMessage(r) }));
        try {
          return await session.done;
        } finally {
          cancel.dispose();
          follow.dispose();
        }
      },
    );
    this.session = undefined;
    void vscode.commands.executeCommand('setContext', 'consumerProbe.running', false);
    this.statusBar.finished(final);
    await this.history.save(this.runs);
    if (final.status === 'failed') void showFailure(this.log, 'The probe could not run', final.error ?? 'unknown reason');
    else if (final.report) this.log.info(`${final.report.scenario.id}: ${final.report.scenario.summary}`);
    this.ended.fire(final);
    return final;
  }

  stopRun(): boolean {
    if (!this.session?.running) return false;
    this.log.info('stopping the probe (requested)');
    this.session.stop();
    return true;
  }

  openReport(runId: string | undefined, opts: { focus: boolean } = { focus: true }): boolean {
    const run = this.runById(runId);
    if (!run) return false;
    if (!this.panel) {
      this.adoptPanel(ReportPanel.create(this.ext.extensionUri, this.panelHandlers()), run.id);
    } else {
      this.panelRunId = run.id;
      if (opts.focus || !this.panel.visible) this.panel.reveal();
    }
    this.panel?.show(this.viewState(run));
    return true;
  }

  async clearHistory(): Promise<void> {
    this.runs = this.runs.filter((r) => r.status === 'running');
    await this.history.save(this.runs);
    this.tree.show(this.runs);
    if (this.panel && !this.runById(this.panelRunId)) this.panel.show({ status: 'idle', trend: [] });
  }

  private adoptPanel(panel: ReportPanel, runId: string | undefined): void {
    this.panel = panel;
    this.panelRunId = runId;
    panel.onDidClose(() => {
      if (this.panel === panel) this.panel = undefined;
    });
    const run = this.runById(runId);
    panel.show(run ? this.viewState(run) : { status: 'idle', trend: this.trend() });
  }

  private panelHandlers(): ReportPanelHandlers {
    return {
      showPodLogs: (runId, namespace, pod) =>
        void vscode.commands.executeCommand('consumerProbe.showPodLogs', { runId, pod: { name: pod, namespace } }),
      exportReport: (runId, format) =>
        void vscode.commands.executeCommand(format === 'json' ? 'consumerProbe.exportJson' : 'consumerProbe.exportMarkdown', runId),
    };
  }

  private recordChanged(record: RunRecord): void {
    const others = this.runs.filter((r) => r.id !== record.id);
    this.runs = trimHistory([record, ...others]);
    this.tree.show(this.runs);
    if (this.panel && this.panelRunId === record.id) this.panel.show(this.viewState(record));
    this.updated.fire(record);
  }

  private viewState(run: RunRecord): ReportViewState {
    return {
      status: run.status,
      runId: run.id,
      report: run.report ?? undefined,
      elapsedMs: run.elapsedMs,
      error: run.error,
      trend: this.trend(),
    };
  }

  private trend(): TrendPoint[] {
    return this.runs
      .filter((r) => r.status === 'done' && r.report)
      .map((r) => ({
        runId: r.id,
        startedAt: r.startedAt,
        jobId: r.report!.jobId,
        scenarioId: r.report!.scenario.id,
        consumerReadyMs: r.report!.timings.consumerReadyMs,
      }))
      .reverse();
  }

  /** Stops the run and the sandbox; awaited by deactivate so nothing keeps running. */
  async shutdown(): Promise<void> {
    const session = this.session;
    session?.stop();
    await session?.done;
    await this.sandboxes.stop();
  }

  dispose(): void {
    this.session?.stop();
    this.panel?.dispose();
    void this.sandboxes.stop();
  }
}
