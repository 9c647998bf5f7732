// Axis arithmetic shared by the charts: round tick steps and labels in seconds.

/** A tick step of 1, 2 or 5 × 10ⁿ ms giving at most ~`count` ticks. */
export function ticksFor(spanMs: number, count = 8): number[] {
  // Whole milliseconds at least: a sub-millisecond step rounds to 0 (and a span of NaN).
  const rough = Math.max(Number.isFinite(spanMs) ? spanMs : 0, count) / count;
  const base = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * base).find((s) => s >= rough) ?? rough;
  const ticks: number[] = [];
  for (let t = 0; t <= spanMs + 1e-9; t += step) ticks.push(Math.round(t));
  return ticks;
}

export function niceSpan(ms: number, count = 8): number {
  const step = ticksFor(ms, count)[1] ?? ms;
  return Math.ceil(ms / step) * step;
}

/** `2.5` for 2500 ms: axis labels without trailing zeros. */
export function trimSeconds(ms: number): string {
  return String(Number((ms / 1000).toFixed(3)));
}
