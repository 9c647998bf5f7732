// The trend chart of consumer-ready times over the stored runs: a value axis in seconds, the slow
// threshold as a dashed line, one bar per run, a cross at the top for a run that never became ready and
// a triangle under the run shown above. Drawn at a fixed pixel size (its type never shrinks); a legend
// and a folded table say the same in words.
import type { TrendView } from '../viewModel';
import { el, svg } from './dom';
import { renderLegend } from './timeline';

const W = 340;
const AXIS_W = 40;
const TOP = 18;
const PLOT_H = 100;
const H = TOP + PLOT_H + 14;

export function renderTrend(view: TrendView, tableOpen: boolean, onToggle: (open: boolean) => void): HTMLElement {
  if (view.points.length === 0) return el('p', { class: 'muted' }, 'No finished runs yet.');
  const n = view.points.length;
  const slot = (W - AXIS_W - 4) / n;
  const barW = Math.max(3, Math.min(24, slot * 0.7));
  const y = (ms: number) => TOP + PLOT_H - (Math.min(ms, view.maxMs) / view.maxMs) * PLOT_H;
  const chart = svg('svg', {
    id: 'trend',
    width: W,
    height: H,
    viewBox: `0 0 ${W} ${H}`,
    role: 'img',
    'aria-label': `Consumer-ready time of the last ${n} runs; the table below lists them`,
  });
  for (const t of view.ticks) {
    chart.append(
      svg('line', { class: 'grid', x1: AXIS_W, x2: W, y1: y(t.ms), y2: y(t.ms) }),
      svg('text', { class: 'tick', x: AXIS_W - 4, y: y(t.ms) + 4, 'text-anchor': 'end' }, t.label),
    );
  }
  if (view.thresholdMs !== null) {
    const ty = y(view.thresholdMs);
    chart.append(svg('line', { class: 'threshold', x1: AXIS_W, x2: W, y1: ty, y2: ty }, svg('title', {}, 'slow threshold')));
  }
  view.points.forEach((p, i) => {
    const cx = AXIS_W + 2 + i * slot + slot / 2;
    if (p.ms === null) {
      chart.append(
        svg('path', { class: `never tone-${p.tone}`, d: `M${cx - 5} 4 l10 10 M${cx + 5} 4 l-10 10` }, svg('title', {}, p.label)),
      );
    } else {
      const top = y(p.ms);
      chart.append(
        svg(
          'rect',
          { class: `trend-bar tone-${p.tone}`, x: cx - barW / 2, y: top, width: barW, height: Math.max(2, TOP + PLOT_H - top), rx: 2 },
          svg('title', {}, p.label),
        ),
      );
    }
    if (p.current) chart.append(svg('path', { class: 'current-mark', d: `M${cx} ${TOP + PLOT_H + 3} l5 9 l-10 0 z` }));
  });
  chart.append(svg('line', { class: 'axis', x1: AXIS_W, x2: W, y1: TOP + PLOT_H, y2: TOP + PLOT_H }));

  const table = el(
    'table',
    { id: 'trend-table', class: 'data' },
    el('thead', {}, el('tr', {}, ...['job', 'scenario', 'consumer ready', 'started'].map((h) => el('th', { scope: 'col' }, h)))),
    el(
      'tbody',
      {},
      ...view.rows.map((r) =>
        el(
          'tr',
          { class: r.current ? 'current' : undefined, 'aria-current': r.current ? 'true' : undefined },
          el('td', {}, r.job, r.current ? ' (shown above)' : ''),
          el('td', {}, r.scenario),
          el('td', { class: 'num' }, r.ready),
          el('td', {}, r.startedAt),
        ),
      ),
    ),
  );
  const details = el(
    'details',
    { class: 'chart-details', open: tableOpen },
    el('summary', { 'data-key': 'trend-details' }, 'Runs as a table'),
    el('div', { class: 'table-wrap', 'data-scroll-key': 'trend-table' }, table),
  ) as HTMLDetailsElement;
  details.addEventListener('toggle', () => onToggle(details.open));
  return el(
    'div',
    { class: 'trend' },
    el('div', { class: 'chart-wrap', 'data-scroll-key': 'trend-chart' }, chart),
    renderLegend('trend-legend', view.legend),
    details,
  );
}
