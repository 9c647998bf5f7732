// Pods, events and milestone durations as toolkit data grids. Cell content is always text.
import type { EventRow, PodRow, TimelineView } from '../viewModel';
import { el } from './dom';

function grid(id: string, headers: string[], rows: (string | HTMLElement)[][], label: string): HTMLElement {
  const columns = headers.map(() => 'auto').join(' ');
  const header = el(
    'vscode-data-grid-row',
    { 'row-type': 'header' },
    ...headers.map((h, i) => el('vscode-data-grid-cell', { 'cell-type': 'columnheader', 'grid-column': i + 1 }, h)),
  );
  const body = rows.map((cells, r) =>
    el('vscode-data-grid-row', { 'data-row': r }, ...cells.map((c, i) => el('vscode-data-grid-cell', { 'grid-column': i + 1 }, c))),
  );
  return el('vscode-data-grid', { id, 'aria-label': label, 'grid-template-columns': columns, 'generate-header': 'none' }, header, ...body);
}

/** `empty`: what stands in for no rows (no pod seen, or none could be: the view-model says which). */
export function renderPods(rows: PodRow[], empty: string, onLogs: (row: PodRow) => void): HTMLElement {
  if (rows.length === 0) return el('p', { id: 'pods', class: 'muted' }, empty);
  return grid(
    'pods',
    ['pod', 'role', 'state', 'restarts', 'node', 'labels', 'matched by', 'first seen', ''],
    rows.map((p) => {
      const logs = el('vscode-button', { appearance: 'secondary', 'aria-label': `Show logs of ${p.name}` }, 'Logs');
      logs.addEventListener('click', () => onLogs(p));
      return [p.name, p.role, p.state, p.restarts, p.node, p.labels, p.matchedBy, p.firstSeen, logs];
    }),
    'Pods of the job',
  );
}

export function renderEvents(rows: EventRow[]): HTMLElement {
  if (rows.length === 0) return el('p', { id: 'events', class: 'muted' }, 'No Kubernetes events about the job were seen.');
  return grid(
    'events',
    ['at', 'type', 'reason', 'object', 'message'],
    rows.map((e) => [e.at, e.type, e.reason, e.object, e.message]),
    'Kubernetes events',
  );
}

export function renderDurations(view: TimelineView): HTMLElement {
  return el(
    'ul',
    { id: 'durations', class: 'durations' },
    ...view.durations.map((d) =>
      el('li', { class: d.ms === null ? 'muted' : '' }, el('span', { class: 'duration-label' }, d.label), ' ', el('strong', {}, d.text)),
    ),
  );
}
