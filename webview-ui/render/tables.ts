// Pods, events and milestone durations as real tables: one set of columns shared by every row, a
// header row, and a sideways-scrolling wrapper so a narrow page keeps rows short instead of wrapping
// words letter by letter. Cell content is always text.
import type { EventRow, PodRow, TimelineView } from '../viewModel';
import { el } from './dom';

type Cell = string | Node | { text: string | Node; class: string };

function table(id: string, label: string, headers: string[], rows: { cells: Cell[]; class?: string }[]): HTMLElement {
  const cell = (c: Cell) => (typeof c === 'object' && !(c instanceof Node) ? el('td', { class: c.class }, c.text) : el('td', {}, c));
  return el(
    'div',
    { class: 'table-wrap', 'data-scroll-key': id, role: 'region', 'aria-label': label, tabindex: 0 },
    el(
      'table',
      { id, class: 'data' },
      el('thead', {}, el('tr', {}, ...headers.map((h) => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, ...rows.map((r, i) => el('tr', { class: r.class, 'data-row': i }, ...r.cells.map(cell)))),
    ),
  );
}

export interface PodTableOptions {
  /** Every label instead of the job's relevant ones. */
  allLabels: boolean;
  onLogs(row: PodRow): void;
  onToggleLabels(all: boolean): void;
}

/** `empty`: what stands in for no rows (no pod seen, or none could be: the view-model says which). */
export function renderPods(rows: PodRow[], empty: string, opts: PodTableOptions): HTMLElement {
  if (rows.length === 0) return el('p', { id: 'pods', class: 'muted' }, empty);
  const hidden = rows.some((p) => p.allLabels.length > p.labels.length);
  const toggle = el(
    'vscode-button',
    { appearance: 'secondary', id: 'labels-toggle', 'data-key': 'labels-toggle', 'aria-pressed': String(opts.allLabels) },
    opts.allLabels ? 'Show the job’s labels only' : 'Show all labels',
  );
  toggle.addEventListener('click', () => opts.onToggleLabels(!opts.allLabels));
  const body = table(
    'pods',
    'Pods of the job',
    ['pod', 'role', 'state', 'restarts', 'node', 'labels', 'matched by', 'first seen', 'logs'],
    rows.map((p) => {
      const logs = el(
        'vscode-button',
        { appearance: 'secondary', 'aria-label': `Show logs of ${p.name}`, 'data-key': `logs:${p.name}` },
        'Logs',
      );
      logs.addEventListener('click', () => opts.onLogs(p));
      const labels = opts.allLabels ? p.allLabels : p.labels;
      const more = p.allLabels.length - p.labels.length;
      return {
        cells: [
          p.name,
          p.role,
          p.state,
          { text: p.restarts, class: 'num' },
          p.node,
          el(
            'span',
            { class: 'labels' },
            ...labels.map((l) => el('span', { class: 'label' }, l)),
            !opts.allLabels && more > 0 ? el('span', { class: 'muted' }, `+${more}`) : null,
          ),
          p.matchedBy,
          { text: p.firstSeen, class: 'num' },
          logs,
        ],
      };
    }),
  );
  return el('div', { class: 'pods' }, body, hidden || opts.allLabels ? el('div', { class: 'table-actions' }, toggle) : null);
}

export function renderEvents(rows: EventRow[]): HTMLElement {
  if (rows.length === 0) return el('p', { id: 'events', class: 'muted' }, 'No Kubernetes events about the job were seen.');
  return table(
    'events',
    'Kubernetes events',
    ['at', 'type', 'reason', 'object', 'message'],
    rows.map((e) => ({
      class: e.warning ? 'warning' : undefined,
      cells: [
        { text: e.at, class: 'num' },
        e.warning ? el('span', { class: 'type-warning' }, '⚠ ', e.type) : e.type,
        e.reason,
        e.object,
        { text: e.message, class: 'message' },
      ],
    })),
  );
}

export function renderDurations(view: TimelineView): HTMLElement {
  return table(
    'durations',
    'Time between milestones',
    ['stage', 'took'],
    view.durations.map((d) => ({ class: d.ms === null ? 'muted' : undefined, cells: [d.label, { text: d.text, class: 'num' }] })),
  );
}
