// The composition root: owns every long-lived piece (log, tree, status bar, report panel, sandbox,
// history) and the one probe run at a time. Commands call into it; nothing else holds state.
import * as vscode from 'vscode';
import { userMessage } from '../probe/errors';
import type { ProbeOptions } from '../probe/options';
import type { Sandbox } from '../sandbox/sandbox';
import { Config } from './config';
import { RunHistory } from './history';
import { createLogger, type Logger } from './log';
import { alreadyRunning, sandboxGone, showFailure, showProblem } from './messages';
import { loadEngine } from './lazy';
import { PodLogDocuments, POD_LOG_SCHEME } from './podLogDocuments';
import type { ProbeSession } from './probeSession';
import type { ReportViewState, TrendPoint } from './report/protocol';
import { REPORT_VIEW_TYPE, ReportPanel, type ReportPanelHandlers } from './report/reportPanel';
import { reportActions } from './report/reportActions';
import { trimHistory, type RunRecord, type RunTarget } from './runRecord';
import { progressMessage } from './runSummary';
import { runProblem, startProblem } from './problems';
import { SandboxHost } from './sandboxHost';
import { Secrets } from './secrets';
import { ProbeStatusBar } from './statusBar';
import { RunTreeProvider } from './tree/runTree';
import type { TreeNodeModel } from './tree/runTreeModel';

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
  /** Reports pinned to one run each, to compare side by side with the main one. */
  private readonly pinnedPanels = new Set<ReportPanel>();
  private readonly treeView: vscode.TreeView<TreeNodeModel>;
  /** What the last Clear History removed, until the next one or a new run: Undo puts it back. */
  private cleared: RunRecord[] | undefined;

  constructor(readonly ext: vscode.ExtensionContext) {
    ext.subscriptions.push(this);
    this.secrets = new Secrets(ext.secrets);
    this.history = new RunHistory(ext.globalState);
    this.runs = this.history.load();
    this.treeView = vscode.window.createTreeView('consumerProbe.runs', { treeDataProvider: this.tree, showCollapseAll: true });
    ext.subscriptions.push(
      this.treeView,
      // Selecting a run (with the mouse or the keys) shows it in the report, when one is open.
      this.treeView.onDidChangeSelection(({ selection }) => {
        const runId = selection[0]?.runId;
        if (runId && this.panel && runId !== this.panelRunId) this.openReport(runId, { focus: false });
      }),
      // Opening the view finds the run the report shows already selected.
      this.treeView.onDidChangeVisibility(({ visible }) => {
        if (visible && this.panel && this.panelRunId) this.revealInTree(this.panelRunId);
      }),
      this.log,
      this.tree,
      this.statusBar,
      this.ended,
      this.updated,
      vscode.workspace.registerTextDocumentContentProvider(
        POD_LOG_SCHEME,
        new PodLogDocuments(
          (id) => this.runById(id),
          (reason) => void showFailure(this.log, 'Show Pod Logs', reason),
          (target) => this.sandboxes.serves(target),
          (run) => void sandboxGone(run),
        ),
      ),
      vscode.window.registerWebviewPanelSerializer(REPORT_VIEW_TYPE, {
        deserializeWebviewPanel: async (panel, state) => {
          const restored = new ReportPanel(panel, ext.extensionUri, this.panelHandlers());
          // A pinned report comes back on its run when the page kept its id, else on the newest run.
          const kept = (state as { runId?: unknown } | undefined)?.runId;
          const runId = typeof kept === 'string' && this.runById(kept) ? kept : this.runs[0]?.id;
          if (restored.pinned) this.adoptPinned(restored, runId);
          else this.adoptPanel(restored, runId);
        },
      }),
    );
    this.runsChanged();
    void vscode.commands.executeCommand('setContext', 'consumerProbe.running', false);
  }

  /** The status bar's text, undefined while hidden (for the in-VS-Code tests). */
  get statusText(): string | undefined {
    return this.statusBar.text;
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
      void showProblem(this.log, startProblem(userMessage(e), (e as { code?: string }).code));
      return undefined;
    } finally {
      this.preparing = false;
    }
    const { options, target } = prepared;
    const startedAtMs = performance.now();
    this.log.info(`── ${title}: backend ${target.backendUrl}, namespace ${target.namespace}, timeout ${options.timeoutMs / 1000} s ──`);
    const { ProbeSession } = loadEngine();
    this.cleared = undefined;
    this.setContextKey('consumerProbe.canUndoClearHistory', false);
    await this.foldOtherRuns();
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
    if (final.status === 'failed') {
      // A run that could not start measured nothing: it is no run of the history or the trend. The
      // notification says why, with the buttons that fix it; the report shows the same sentence.
      this.runs = this.runs.filter((r) => r.id !== final.id);
      this.runsChanged();
      this.statusBar.showLatest(this.runs.find((r) => r.status !== 'running'));
      const problem = startProblem(final.error ?? 'unknown reason', final.errorCode);
      if (this.panel && this.panelRunId === final.id) {
        this.panelRunId = undefined;
        this.panel.show({ status: 'failed', error: problem.sentence, trend: this.trend() });
      }
      void showProblem(this.log, problem);
    } else {
      this.statusBar.finished(final);
      if (final.report) this.log.info(`${final.report.scenario.id}: ${final.report.scenario.summary}`);
      const problem = runProblem(final);
      if (problem) void showProblem(this.log, problem);
    }
    await this.history.save(this.runs);
    this.ended.fire(final);
    return final;
  }

  /** Only the running run (and the one the user picks) stays open in the tree. */
  private async foldOtherRuns(): Promise<void> {
    if (!this.treeView.visible || this.runs.length === 0) return;
    await vscode.commands.executeCommand('workbench.actions.treeView.consumerProbe.runs.collapseAll').then(undefined, () => undefined);
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
    this.revealInTree(run.id);
    return true;
  }

  /** Opens a second report beside the first, fixed to one run (the main report's, else the newest). */
  pinReport(runId: string | undefined): boolean {
    const run = this.runById(runId ?? this.panelRunId);
    if (!run) return false;
    const existing = [...this.pinnedPanels].find((p) => p.runId === run.id);
    if (existing) existing.reveal();
    else this.adoptPinned(ReportPanel.create(this.ext.extensionUri, this.panelHandlers(), { pinned: true }), run.id);
    return true;
  }

  get treeSelection(): string[] {
    return this.treeView.selection.map((n) => n.id);
  }

  /** The report tabs open now and the run each shows (for the in-VS-Code tests). */
  get reportPanels(): { runId: string | undefined; pinned: boolean }[] {
    const main = this.panel ? [{ runId: this.panelRunId, pinned: false }] : [];
    return [...main, ...[...this.pinnedPanels].map((p) => ({ runId: p.runId, pinned: true }))];
  }

  /** Empties the history (a running run stays); Undo in the notification, or the command, puts it back. */
  async clearHistory(): Promise<number> {
    const removed = this.runs.filter((r) => r.status !== 'running');
    if (removed.length === 0) return 0;
    this.cleared = removed;
    await this.setRuns(this.runs.filter((r) => r.status === 'running'));
    this.statusBar.showLatest(undefined);
    return removed.length;
  }

  /** Puts back what the last Clear History removed; false when there is nothing to put back. */
  async undoClearHistory(): Promise<boolean> {
    const cleared = this.cleared;
    if (!cleared) return false;
    this.cleared = undefined;
    await this.setRuns(trimHistory([...this.runs, ...cleared]));
    this.statusBar.showLatest(this.runs.find((r) => r.status !== 'running'));
    return true;
  }

  private async setRuns(runs: RunRecord[]): Promise<void> {
    this.runs = runs;
    await this.history.save(this.runs);
    this.runsChanged();
    if (this.panel && !this.runById(this.panelRunId)) this.panel.show({ status: 'idle', trend: this.trend() });
    else if (this.panel && this.panelRunId) this.panel.show(this.viewState(this.runById(this.panelRunId)!));
    for (const pinned of this.pinnedPanels) {
      const run = pinned.runId ? this.runs.find((r) => r.id === pinned.runId) : undefined;
      pinned.show(run ? this.viewState(run) : { status: 'idle', trend: this.trend() });
    }
  }

  /** The tree, and the context keys that show or hide commands in the palette. */
  private runsChanged(): void {
    this.tree.show(this.runs);
    this.setContextKey('consumerProbe.hasRuns', this.runs.length > 0);
    this.setContextKey(
      'consumerProbe.hasReport',
      this.runs.some((r) => r.report),
    );
    this.setContextKey('consumerProbe.canUndoClearHistory', this.cleared !== undefined);
  }

  private readonly contextKeys = new Map<string, boolean>();

  /** Sets a `when`-clause key, only when its value changes (live runs change often). */
  private setContextKey(key: string, value: boolean): void {
    if (this.contextKeys.get(key) === value) return;
    this.contextKeys.set(key, value);
    void vscode.commands.executeCommand('setContext', key, value);
  }

  /** Selects (and opens) the run in the tree when the tree is shown; never opens the side bar for it. */
  private revealInTree(runId: string): void {
    const node = this.tree.runNode(runId);
    if (!node || !this.treeView.visible) return;
    if (this.treeView.selection[0]?.id === node.id) return;
    this.treeView.reveal(node, { select: true, focus: false, expand: true }).then(undefined, (e: unknown) => {
      this.log.warn(`could not reveal the run in the tree: ${userMessage(e)}`);
    });
  }

  private adoptPanel(panel: ReportPanel, runId: string | undefined): void {
    this.panel = panel;
    this.panelRunId = runId;
    panel.onDidClose(() => {
      if (this.panel === panel) this.panel = undefined;
    });
    panel.onDidShowRun((shown) => {
      if (shown && this.panel === panel) this.revealInTree(shown);
    });
    const run = this.runById(runId);
    panel.show(run ? this.viewState(run) : { status: 'idle', trend: this.trend() });
  }

  private adoptPinned(panel: ReportPanel, runId: string | undefined): void {
    this.pinnedPanels.add(panel);
    panel.onDidClose(() => this.pinnedPanels.delete(panel));
    const run = this.runById(runId);
    panel.show(run ? this.viewState(run) : { status: 'idle', trend: this.trend() });
  }

  private panelHandlers(): ReportPanelHandlers {
    return {
      showPodLogs: (runId, namespace, pod) =>
        void vscode.commands.executeCommand('consumerProbe.showPodLogs', { runId, pod: { name: pod, namespace } }),
      exportReport: (runId, format) =>
        void vscode.commands.executeCommand(format === 'json' ? 'consumerProbe.exportJson' : 'consumerProbe.exportMarkdown', runId),
      ...reportActions({ suggestions: (runId) => this.runs.find((r) => r.id === runId)?.report?.scenario.suggestions }),
    };
  }

  private recordChanged(record: RunRecord): void {
    const others = this.runs.filter((r) => r.id !== record.id);
    this.runs = trimHistory([record, ...others]);
    this.runsChanged();
    if (this.panel && this.panelRunId === record.id) this.panel.show(this.viewState(record));
    for (const pinned of this.pinnedPanels) if (pinned.runId === record.id) pinned.show(this.viewState(record));
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
      .filter((r) => r.status === 'done' && r.report && r.report.scenario.id !== 'stopped')
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
    for (const pinned of this.pinnedPanels) pinned.dispose();
    void this.sandboxes.stop();
  }
}
