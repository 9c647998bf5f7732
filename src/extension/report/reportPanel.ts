// The report webview's host side: one panel, a locked-down page (CSP with a nonce, scripts and styles
// only from the bundle folder, no network), and whole-state snapshots sent once the page says it is
// ready. The latest snapshot waits while the page is hidden or loading. A panel may be *pinned*: it keeps
// one run while the main panel follows the newest (the host decides what each shows).
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { panelTitle, PIN } from './panelTitle';
import { CopyText, DidChangeState, ExportReport, PageReady, RunFix, RunInTerminal, ShowPodLogs, type ReportViewState } from './protocol';
import type { ReportActions } from './reportActions';

export const REPORT_VIEW_TYPE = 'consumerProbe.report';

export interface ReportPanelHandlers extends ReportActions {
  showPodLogs(runId: string, namespace: string, pod: string): void;
  exportReport(runId: string, format: 'markdown' | 'json'): void;
}

export interface ReportPanelOptions {
  /** A pinned panel keeps its run; its title starts with 📌. */
  pinned?: boolean;
}

export function reportWebviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions & vscode.WebviewPanelOptions {
  return {
    enableScripts: true,
    enableCommandUris: false,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview')],
    retainContextWhenHidden: false,
  };
}

export class ReportPanel implements vscode.Disposable {
  private ready = false;
  /** The newest snapshot: sent at once when the page can take it, else when it says it is ready. */
  private latest: ReportViewState | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private disposed = false;
  private readonly closed = new vscode.EventEmitter<void>();
  readonly onDidClose = this.closed.event;
  private readonly runChanged = new vscode.EventEmitter<string | undefined>();
  /** Fires with the run id when the panel starts showing another run (for keeping the tree in step). */
  readonly onDidShowRun = this.runChanged.event;
  readonly pinned: boolean;

  static create(extensionUri: vscode.Uri, handlers: ReportPanelHandlers, opts: ReportPanelOptions = {}): ReportPanel {
    const panel = vscode.window.createWebviewPanel(
      REPORT_VIEW_TYPE,
      panelTitle(undefined, opts.pinned),
      // A pinned report opens beside the one it is compared with.
      { viewColumn: opts.pinned ? vscode.ViewColumn.Beside : vscode.ViewColumn.Active, preserveFocus: true },
      reportWebviewOptions(extensionUri),
    );
    return new ReportPanel(panel, extensionUri, handlers, opts);
  }

  /** Adopts a panel VS Code restored after a reload (a pinned one still has its 📌 title). */
  constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly extensionUri: vscode.Uri,
    private readonly handlers: ReportPanelHandlers,
    opts: ReportPanelOptions = {},
  ) {
    this.pinned = opts.pinned ?? panel.title.startsWith(PIN);
    panel.webview.options = reportWebviewOptions(extensionUri);
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'probe.svg');
    panel.webview.html = this.html();
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((m: unknown) => this.receive(m)),
      panel.onDidChangeViewState(() => {
        // A page that was hidden without retained context reloads and says "ready" again.
        if (!panel.visible) this.ready = false;
      }),
    );
  }

  get visible(): boolean {
    return !this.disposed && this.panel.visible;
  }

  reveal(): void {
    this.panel.reveal(undefined, true);
  }

  /** The run the panel shows (undefined before any, or when idle). */
  get runId(): string | undefined {
    return this.latest?.runId;
  }

  show(state: ReportViewState): void {
    const previous = this.latest?.runId;
    this.latest = state;
    const title = panelTitle(state, this.pinned);
    if (!this.disposed && this.panel.title !== title) this.panel.title = title;
    if (state.runId !== previous) this.runChanged.fire(state.runId);
    if (this.ready && this.panel.visible) this.post(state);
  }

  private post(state: ReportViewState): void {
    // The trend chart's threshold line: the setting, unless the host said otherwise.
    const seconds = vscode.workspace.getConfiguration('consumerProbe').get<number>('slowThresholdSeconds', 20);
    const slowThresholdMs = state.slowThresholdMs ?? (Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : undefined);
    void this.panel.webview.postMessage(DidChangeState.make({ state: { ...state, slowThresholdMs } }));
  }

  private receive(m: unknown): void {
    if (PageReady.is(m)) {
      this.ready = true;
      if (this.latest) this.post(this.latest);
    } else if (ShowPodLogs.is(m)) {
      this.handlers.showPodLogs(m.params.runId, m.params.namespace, m.params.pod);
    } else if (ExportReport.is(m)) {
      this.handlers.exportReport(m.params.runId, m.params.format === 'json' ? 'json' : 'markdown');
    } else if (CopyText.is(m)) {
      if (typeof m.params.text === 'string') this.handlers.copyText(m.params.text);
    } else if (RunInTerminal.is(m)) {
      if (typeof m.params.command === 'string') this.handlers.runInTerminal(m.params.runId, m.params.command);
    } else if (RunFix.is(m)) {
      this.handlers.runFix(m.params.runId, m.params.fix);
    }
  }

  private html(): string {
    const webview = this.panel.webview;
    const nonce = randomBytes(16).toString('base64');
    // Its own nonce: the page can read this one (the toolkit does), so it must not also admit scripts.
    const styleNonce = randomBytes(16).toString('base64');
    const root = vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview');
    const script = webview.asWebviewUri(vscode.Uri.joinPath(root, 'report.js'));
    const style = webview.asWebviewUri(vscode.Uri.joinPath(root, 'report.css'));
    const csp = [
      "default-src 'none'",
      // The nonce lets the toolkit's one probe <style> (does :focus-visible parse?) in; nothing else inline.
      `style-src ${webview.cspSource} 'nonce-${styleNonce}'`,
      `font-src ${webview.cspSource}`,
      `img-src ${webview.cspSource}`,
      `script-src 'nonce-${nonce}'`,
      "connect-src 'none'",
      "frame-src 'none'",
      "form-action 'none'",
      "base-uri 'none'",
    ].join('; ');
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta property="csp-nonce" content="${styleNonce}">
<link rel="stylesheet" href="${style}">
<title>Consumer Probe Report</title>
</head>
<body>
<main id="app"></main>
<script nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.closed.fire();
    this.closed.dispose();
    this.runChanged.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }
}
