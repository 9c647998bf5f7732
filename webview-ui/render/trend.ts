// The small trend chart of consumer-ready times over the stored runs; runs that never became ready are
// drawn as a cross at the top.
import type { TrendView } from '../viewModel';
import { el, svg } from './dom';

const W = 420;
const H = 90;

export function renderTrend(view: TrendView): HTMLElement {
  if (view.points.length === 0) return el('p', { class: 'muted' }, 'No finished runs yet.');
  const n = view.points.length;
  const slot = W / Math.max(n, 1);
  const barW = Math.max(3, Math.min(24, slot * 0.7));
  const max = view.maxMs || 1;
  const chart = svg('svg', {
    id: 'trend',
    viewBox: `0 0 ${W} ${H + 14}`,
    role: 'img',
    'aria-label': `Consumer-ready time of the last ${n} runs`,
  });
  view.points.forEach((p, i) => {
    const cx = i * slot + slot / 2;
    const cls = `tone-${p.tone}${p.current ? ' current' : ''}`;
    if (p.ms === null) {
      chart.append(svg('path', { class: `never ${cls}`, d: `M${cx - 5} 4 l10 10 M${cx + 5} 4 l-10 10` }, svg('title', {}, p.label)));
    } else {
      const h = Math.max(2, (p.ms / max) * (H - 18));
      chart.append(
        svg('rect', { class: `trend-bar ${cls}`, x: cx - barW / 2, y: H - h, width: barW, height: h, rx: 2 }, svg('title', {}, p.label)),
      );
    }
  });
  chart.append(svg('line', { class: 'grid', x1: 0, x2: W, y1: H, y2: H }));
  return el('div', { class: 'trend' }, chart);
}
