// The timeline chart: one lane per stage with bars between milestones and markers at them, a strip of
// metadata attempts coloured by status, and a time axis. Drawn at the page's own pixel width (one SVG
// unit = one CSS pixel), so its type keeps its size at any width; below NARROW_PX each lane's label
// goes above its bars instead of beside them. Colours come from the theme through CSS classes. The
// chart is an image for assistive technology: its legend and a table of its marks say it in words.
import { formatSeconds, truncate } from '../../src/probe/report/format';
import { trimSeconds } from '../scale';
import type { Bar, DetailRow, LegendEntry, TimelineView } from '../viewModel';
import { el, svg } from './dom';

/** Below this the lane labels go above the bars. */
const NARROW_PX = 560;
/** Narrower than this the chart scrolls sideways rather than squeeze its bars. */
export const MIN_CHART_PX = 320;
const AXIS_H = 28;
const BAR_H = 14;
/** Average width of a character of the 11 px label type, for fitting labels into bars. */
const CHAR_W = 6.6;
/** Room a tick label needs. */
const TICK_ROOM = 44;

export function renderTimeline(view: TimelineView, widthPx: number): SVGElement {
  const width = Math.max(MIN_CHART_PX, Math.round(widthPx));
  const narrow = width < NARROW_PX;
  const labelW = narrow ? 0 : Math.min(200, Math.round(width * 0.22));
  const labelRoom = narrow ? 16 : 0;
  const laneH = 34 + labelRoom;
  const chartW = width - labelW - 16;
  const x = (ms: number) => labelW + 6 + Math.max(0, Math.min(1, ms / view.spanMs)) * chartW;
  const rows = view.lanes.length + 1;
  const height = AXIS_H + rows * laneH + 6;
  const root = svg('svg', {
    id: 'timeline',
    width,
    height,
    viewBox: `0 0 ${width} ${height}`,
    role: 'img',
    'aria-label': `Timeline of the run over ${formatSeconds(view.spanMs)}; the table below lists its milestones`,
  });

  // Thin the tick labels out until they fit; the grid lines stay.
  const every = Math.max(1, Math.ceil((TICK_ROOM * view.ticks.length) / chartW));
  view.ticks.forEach((t, i) => {
    root.append(svg('line', { class: 'grid', x1: x(t), x2: x(t), y1: AXIS_H - 4, y2: height - 4 }));
    if (i % every === 0)
      root.append(svg('text', { class: 'tick', x: x(t), y: AXIS_H - 10, 'text-anchor': 'middle' }, `${trimSeconds(t)}s`));
  });

  const laneLabel = (label: string, top: number, mid: number) =>
    narrow
      ? svg('text', { class: 'lane-label', x: 2, y: top + 12 }, truncate(label, Math.floor(width / CHAR_W)))
      : svg('text', { class: 'lane-label', x: 4, y: mid + 4 }, truncate(label, Math.floor((labelW - 8) / CHAR_W)));

  view.lanes.forEach((lane, i) => {
    const top = AXIS_H + i * laneH;
    const mid = top + labelRoom + (laneH - labelRoom) / 2;
    const group = svg('g', { class: `lane lane-${lane.id}`, 'data-lane': lane.id });
    group.append(laneLabel(lane.label, top, mid));
    for (const bar of lane.bars) group.append(barNode(bar, x, mid));
    for (const m of lane.markers) {
      const cx = x(m.atMs);
      const when = m.window ? `${formatSeconds(m.atMs)}, ${m.window.note}` : formatSeconds(m.atMs);
      // A wide window: a thin span under the lane from the last "not yet" observation to the marker.
      if (m.window && m.window.fromMs !== null) {
        const x1 = x(m.window.fromMs);
        group.append(
          svg(
            'rect',
            { class: 'window', x: x1, y: mid + BAR_H / 2 + 2, width: Math.max(2, x(m.window.toMs) - x1), height: 3 },
            svg('title', {}, `${m.label}: ${m.window.note}`),
          ),
        );
      }
      group.append(
        svg(
          'path',
          { class: `marker tone-${m.tone}`, d: `M${cx} ${mid - 9} l6 9 l-6 9 l-6 -9 z` },
          svg('title', {}, `${m.label} (${when})`),
        ),
      );
    }
    root.append(group);
  });

  const top = AXIS_H + view.lanes.length * laneH;
  const mid = top + labelRoom + (laneH - labelRoom) / 2;
  const strip = svg('g', { class: 'lane lane-attempts', 'data-lane': 'attempts' });
  strip.append(laneLabel('metadata attempts', top, mid));
  for (const a of view.attempts) {
    const x1 = x(a.fromMs);
    const w = Math.max(2, x(a.toMs) - x1);
    strip.append(
      svg(
        'rect',
        { class: `attempt tone-${a.tone}`, x: x1, y: mid - 5, width: w, height: 10 },
        svg('title', {}, `${a.label} (${formatSeconds(a.fromMs)}–${formatSeconds(a.toMs)})`),
      ),
    );
  }
  root.append(strip);
  return root;
}

function barNode(bar: Bar, x: (ms: number) => number, mid: number): SVGElement {
  const x1 = x(bar.fromMs);
  const w = Math.max(2, x(bar.toMs) - x1);
  const g = svg('g', { class: `bar tone-${bar.tone}${bar.open ? ' open' : ''}` });
  g.append(
    svg(
      'rect',
      { x: x1, y: mid - BAR_H / 2, width: w, height: BAR_H, rx: 3 },
      svg('title', {}, `${bar.label}: ${formatSeconds(bar.fromMs)} → ${formatSeconds(bar.toMs)}`),
    ),
  );
  // Clear of the milestone marker drawn at the bar's start.
  if (bar.label.length * CHAR_W + 14 < w) g.append(svg('text', { class: 'bar-label', x: x1 + 10, y: mid + 4 }, bar.label));
  return g;
}

/** A legend: one swatch drawn like the mark it explains, and its meaning. */
export function renderLegend(id: string, entries: LegendEntry[]): HTMLElement | null {
  if (entries.length === 0) return null;
  return el(
    'ul',
    { id, class: 'legend', 'aria-label': 'Legend' },
    ...entries.map((e) =>
      el('li', {}, el('span', { class: `swatch swatch-${e.mark} tone-${e.tone}`, 'aria-hidden': 'true' }), ' ', e.label),
    ),
  );
}

/** The chart's marks as a table, folded: what the keyboard and a screen reader get instead of hovering. */
export function renderTimelineDetails(rows: DetailRow[], open: boolean, onToggle: (open: boolean) => void): HTMLElement {
  const table = el(
    'table',
    { id: 'timeline-details', class: 'data' },
    el('caption', { class: 'visually-hidden' }, 'Milestones and metadata attempts'),
    el('thead', {}, el('tr', {}, ...['lane', 'what', 'at', 'window'].map((h) => el('th', { scope: 'col' }, h)))),
    el(
      'tbody',
      {},
      ...rows.map((r) =>
        el('tr', {}, el('td', {}, r.lane), el('td', {}, r.what), el('td', { class: 'num' }, r.at), el('td', {}, r.window)),
      ),
    ),
  );
  const details = el(
    'details',
    { class: 'chart-details', open },
    el('summary', { 'data-key': 'timeline-details' }, 'Timeline as a table'),
    el('div', { class: 'table-wrap', 'data-scroll-key': 'timeline-details' }, table),
  ) as HTMLDetailsElement;
  details.addEventListener('toggle', () => onToggle(details.open));
  return details;
}
