// The report webview's host side: one panel, a locked-down page (CSP with a nonce, scripts and styles
// only from the bundle folder, no network), and whole-state snapshots sent once the page says it is
// ready. The latest snapshot waits while the page is hidden or loading.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { DidChangeState, ExportReport, PageReady, ShowPodLogs, type ReportViewState } from './protocol';

export const REPORT_VIEW_TYPE = 'consumerProbe.report';

export interface ReportPanelHandlers {
  showPodLogs(runId: string, namespace: string, pod: string): void;
  exportReport(runId: string, format: 'markdown' | 'json'): void;
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

  static create(extensionUri: vscode.Uri, handlers: ReportPanelHandlers): ReportPanel {
    const panel = vscode.window.createWebviewPanel(
      REPORT_VIEW_TYPE,
      'Consumer Probe Report',
      { viewColumn: vscode.ViewColumn.Active, preserveFocus: true },
      reportWebviewOptions(extensionUri),
    );
    return new ReportPanel(panel, extensionUri, handlers);
  }

  /** Adopts a panel VS Code restored after a reload. */
  constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly extensionUri: vscode.Uri,
    private readonly handlers: ReportPanelHandlers,
  ) {
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

  show(state: ReportViewState): void {
    this.latest = state;
    if (this.ready && this.panel.visible) this.post(state);
  }

  private post(state: ReportViewState): void {
    void this.panel.webview.postMessage(DidChangeState.make({ state }));
  }

  private receive(m: unknown): void {
    if (PageReady.is(m)) {
      this.ready = true;
      if (this.latest) this.post(this.latest);
    } else if (ShowPodLogs.is(m)) {
      this.handlers.showPodLogs(m.params.runId, m.params.namespace, m.params.pod);
    } else if (ExportReport.is(m)) {
      this.handlers.exportReport(m.params.runId, m.params.format === 'json' ? 'json' : 'markdown');
    }
  }

  private html(): string {
    const webview = this.panel.webview;
    const nonce = randomBytes(16).toString('base64');
    const root = vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview');
    const script = webview.asWebviewUri(vscode.Uri.joinPath(root, 'report.js'));
    const style = webview.asWebviewUri(vscode.Uri.joinPath(root, 'report.css'));
    const csp = [
      "default-src 'none'",
      `style-src ${webview.cspSource}`,
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
<link rel="stylesheet" href="${style}">
<title>Consumer Probe Report</title>
</head>
<body>
<main id="app" aria-live="polite"></main>
<script nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.closed.fire();
    this.closed.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }
}
