// The timeline chart: one lane per stage with bars between milestones and markers at them, a strip of
// metadata attempts coloured by status, and a time axis. SVG built node by node; colours come from
// the theme through CSS classes.
import { formatSeconds, truncate } from '../../src/probe/report/format';
import type { Bar, TimelineView } from '../viewModel';
import { svg } from './dom';

const WIDTH = 1000;
const LABEL_W = 190;
const CHART_W = WIDTH - LABEL_W - 20;
const AXIS_H = 26;
const LANE_H = 34;
const BAR_H = 14;
const CHAR_W = 6.4;

export function renderTimeline(view: TimelineView): SVGElement {
  const x = (ms: number) => LABEL_W + Math.max(0, Math.min(1, ms / view.spanMs)) * CHART_W;
  const rows = view.lanes.length + 1;
  const height = AXIS_H + rows * LANE_H + 6;
  const root = svg('svg', {
    id: 'timeline',
    viewBox: `0 0 ${WIDTH} ${height}`,
    role: 'img',
    'aria-label': `Timeline of the run over ${formatSeconds(view.spanMs)}`,
  });

  for (const t of view.ticks) {
    root.append(
      svg('line', { class: 'grid', x1: x(t), x2: x(t), y1: AXIS_H - 4, y2: height - 4 }),
      svg('text', { class: 'tick', x: x(t), y: AXIS_H - 10, 'text-anchor': 'middle' }, `${trimSeconds(t)}s`),
    );
  }

  view.lanes.forEach((lane, i) => {
    const y = AXIS_H + i * LANE_H;
    const mid = y + LANE_H / 2;
    const group = svg('g', { class: `lane lane-${lane.id}`, 'data-lane': lane.id });
    group.append(svg('text', { class: 'lane-label', x: 4, y: mid + 4 }, truncate(lane.label, 28)));
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

  const y = AXIS_H + view.lanes.length * LANE_H;
  const strip = svg('g', { class: 'lane lane-attempts', 'data-lane': 'attempts' });
  strip.append(svg('text', { class: 'lane-label', x: 4, y: y + LANE_H / 2 + 4 }, 'metadata attempts'));
  for (const a of view.attempts) {
    const x1 = x(a.fromMs);
    const w = Math.max(2, x(a.toMs) - x1);
    strip.append(
      svg(
        'rect',
        { class: `attempt tone-${a.tone}`, x: x1, y: y + LANE_H / 2 - 5, width: w, height: 10 },
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

function trimSeconds(ms: number): string {
  return String(Number((ms / 1000).toFixed(3)));
}
