// The report page: receives whole-state snapshots from the host, renders them, and sends back the
// few things a user can ask for (pod logs, export, copy or run a command, open a fix). It never talks
// to the network. Snapshots arrive several times a second while a probe runs, so a render keeps what
// the user was doing: the focused button, sideways scroll positions, opened blocks.
import { provideVSCodeDesignSystem, vsCodeButton } from '@vscode/webview-ui-toolkit';
import {
  CopyText,
  DidChangeState,
  ExportReport,
  PageReady,
  RunFix,
  RunInTerminal,
  ShowPodLogs,
  type ReportViewState,
} from '../src/extension/report/protocol';
import { renderBanner } from './render/banner';
import { el } from './render/dom';
import { renderLogs } from './render/logs';
import { renderDurations, renderEvents, renderPods } from './render/tables';
import { renderLegend, renderTimeline, renderTimelineDetails } from './render/timeline';
import { renderTrend } from './render/trend';
import { restoreUi, toggleFolded, toggleOpened, type UiState } from './uiState';
import { reportView, type ReportView } from './viewModel';
import { host } from './vscodeApi';
import './report.css';

provideVSCodeDesignSystem().register(vsCodeButton());

let ui: UiState = restoreUi(host.getState());
let state: ReportViewState = { status: 'idle', trend: [] };
const app = document.getElementById('app')!;
/** Says each verdict once when it arrives; outside #app so re-renders never re-announce the page. */
const announcer = el('div', { id: 'announcer', class: 'visually-hidden', role: 'status', 'aria-live': 'polite', 'aria-atomic': 'true' });
document.body.append(announcer);
let announced: string | null = null;
let shownRunId: string | null | undefined;
let renderedWidth = 0;

function setUi(next: UiState, rerender = false): void {
  ui = next;
  host.setState(ui);
  if (rerender) render();
}

function section(id: string, title: string, ...content: (Node | null)[]): HTMLElement {
  const details = el(
    'details',
    { id: `section-${id}`, class: 'section', open: !ui.folded.includes(id) },
    el('summary', { 'data-key': `section:${id}` }, title),
    ...content,
  ) as HTMLDetailsElement;
  details.addEventListener('toggle', () => setUi(toggleFolded(ui, id, details.open)));
  return details;
}

function exportButtons(view: ReportView): HTMLElement | null {
  if (!view.canExport || !view.runId) return null;
  const runId = view.runId;
  const button = (label: string, format: 'markdown' | 'json') => {
    const b = el('vscode-button', { appearance: 'secondary', 'data-key': `export:${format}` }, label);
    b.addEventListener('click', () => host.postMessage(ExportReport.make({ runId, format })));
    return b;
  };
  return el('div', { class: 'actions' }, button('Export Markdown', 'markdown'), button('Export JSON', 'json'));
}

function render(): void {
  const view = reportView(state);
  const runId = view.runId;
  const width = app.clientWidth;
  renderedWidth = width;
  const keep = remember();
  const banner = renderBanner(view.banner, {
    head: exportButtons(view),
    copy: (text) => host.postMessage(CopyText.make({ text })),
    run: runId ? (command) => host.postMessage(RunInTerminal.make({ runId, command })) : null,
    fix: runId ? (fix) => host.postMessage(RunFix.make({ runId, fix })) : null,
  });
  const parts: Node[] = [banner];
  if (view.timeline) {
    const t = view.timeline;
    parts.push(
      section(
        'timeline',
        'Timeline',
        el('div', { class: 'chart-wrap', 'data-scroll-key': 'timeline' }, renderTimeline(t, width)),
        renderLegend('timeline-legend', t.legend),
        renderTimelineDetails(t.details, ui.opened.includes('timeline-details'), (open) =>
          setUi(toggleOpened(ui, 'timeline-details', open)),
        ),
        el('h3', { class: 'sub' }, 'Time between milestones'),
        renderDurations(t),
      ),
      section(
        'pods',
        'Pods',
        renderPods(view.pods, view.noPods, {
          allLabels: ui.allLabels,
          onLogs: (p) => runId && host.postMessage(ShowPodLogs.make({ runId, pod: p.name, namespace: p.namespace })),
          onToggleLabels: (all) => setUi({ ...ui, allLabels: all }, true),
        }),
      ),
      section('events', 'Events', renderEvents(view.events)),
      section('logs', 'Logs', renderLogs(view.logs)),
    );
  }
  parts.push(
    section(
      'trend',
      'Consumer-ready time, recent runs',
      renderTrend(view.trend, ui.opened.includes('trend-details'), (open) => setUi(toggleOpened(ui, 'trend-details', open))),
    ),
  );
  app.replaceChildren(...parts);
  keep.restore();

  // Another run: its verdict is what the user came for, wherever the last one was scrolled to.
  if (runId !== shownRunId) {
    if (shownRunId !== undefined) banner.scrollIntoView({ block: 'start' });
    shownRunId = runId;
  }
  announce(view.runId, view.banner.announcement);
}

function announce(runId: string | null, text: string | null): void {
  const key = text === null ? null : `${runId}\n${text}`;
  if (key === null || key === announced) return;
  announced = key;
  announcer.textContent = text;
}

/** Focus and sideways scroll positions before a render, to put back after it. */
function remember(): { restore(): void } {
  const focused = document.activeElement?.closest<HTMLElement>('[data-key]')?.dataset.key;
  const scrolled = new Map<string, number>();
  for (const node of app.querySelectorAll<HTMLElement>('[data-scroll-key]')) {
    if (node.scrollLeft > 0) scrolled.set(node.dataset.scrollKey!, node.scrollLeft);
  }
  return {
    restore() {
      for (const node of app.querySelectorAll<HTMLElement>('[data-scroll-key]')) {
        const left = scrolled.get(node.dataset.scrollKey!);
        if (left !== undefined) node.scrollLeft = left;
      }
      if (focused === undefined) return;
      const again = [...app.querySelectorAll<HTMLElement>('[data-key]')].find((n) => n.dataset.key === focused);
      again?.focus({ preventScroll: true });
    },
  };
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  if (!DidChangeState.is(event.data)) return;
  state = event.data.params.state;
  render();
});

// The timeline is drawn at the page's width: draw it again when that changes.
new ResizeObserver(() => {
  if (Math.abs(app.clientWidth - renderedWidth) > 1) render();
}).observe(app);

render();
host.postMessage(PageReady.make({}));
