// The report page: receives whole-state snapshots from the host, renders them, and sends back the
// few things a user can ask for (pod logs, export). It never talks to the network.
import {
  provideVSCodeDesignSystem,
  vsCodeBadge,
  vsCodeButton,
  vsCodeDataGrid,
  vsCodeDataGridCell,
  vsCodeDataGridRow,
  vsCodeDivider,
} from '@vscode/webview-ui-toolkit';
import { DidChangeState, ExportReport, PageReady, ShowPodLogs, type ReportViewState } from '../src/extension/report/protocol';
import { renderBanner } from './render/banner';
import { renderLogs } from './render/logs';
import { el } from './render/dom';
import { renderDurations, renderEvents, renderPods } from './render/tables';
import { renderTimeline } from './render/timeline';
import { renderTrend } from './render/trend';
import { INITIAL_UI, toggleFolded, type UiState } from './uiState';
import { reportView, type ReportView } from './viewModel';
import { host } from './vscodeApi';
import './report.css';

provideVSCodeDesignSystem().register(
  vsCodeBadge(),
  vsCodeButton(),
  vsCodeDataGrid(),
  vsCodeDataGridCell(),
  vsCodeDataGridRow(),
  vsCodeDivider(),
);

let ui: UiState = host.getState() ?? INITIAL_UI;
let state: ReportViewState = { status: 'idle', trend: [] };
const app = document.getElementById('app')!;

function section(id: string, title: string, ...content: (Node | null)[]): HTMLElement {
  const details = el(
    'details',
    { id: `section-${id}`, class: 'section', open: !ui.folded.includes(id) },
    el('summary', {}, title),
    ...content,
  ) as HTMLDetailsElement;
  details.addEventListener('toggle', () => {
    ui = toggleFolded(ui, id, details.open);
    host.setState(ui);
  });
  return details;
}

function actions(view: ReportView): HTMLElement | null {
  if (!view.canExport || !view.runId) return null;
  const runId = view.runId;
  const button = (label: string, format: 'markdown' | 'json') => {
    const b = el('vscode-button', { appearance: 'secondary' }, label);
    b.addEventListener('click', () => host.postMessage(ExportReport.make({ runId, format })));
    return b;
  };
  return el('div', { class: 'actions' }, button('Export Markdown', 'markdown'), button('Export JSON', 'json'));
}

function render(): void {
  const view = reportView(state);
  const runId = view.runId;
  const parts: Node[] = [renderBanner(view.banner, actions(view))];
  if (view.timeline) {
    parts.push(
      section('timeline', 'Timeline', renderTimeline(view.timeline), renderDurations(view.timeline)),
      section(
        'pods',
        'Pods',
        renderPods(
          view.pods,
          view.noPods,
          (p) => runId && host.postMessage(ShowPodLogs.make({ runId, pod: p.name, namespace: p.namespace })),
        ),
      ),
      section('events', 'Events', renderEvents(view.events)),
      section('logs', 'Logs', renderLogs(view.logs)),
    );
  }
  parts.push(section('trend', 'Consumer-ready time, recent runs', renderTrend(view.trend)));
  app.replaceChildren(...parts);
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  if (!DidChangeState.is(event.data)) return;
  state = event.data.params.state;
  render();
});

render();
host.postMessage(PageReady.make({}));
