// The probeCost benchmark's table: per method and namespace size, the start delay, the lag of each stage
// (p50 / max), what it cost the API server and the backend, the peak RSS, and the ratios.
import type { Method, ProbeCostResult, RunMeasurement, Stage } from './probeCost';

const STAGE_LABELS: Record<Stage, string> = {
  podCreatedMs: 'pod created lag p50 / max (ms)',
  podRunningMs: 'pod running lag p50 / max (ms)',
  podReadyMs: 'pod ready lag p50 / max (ms)',
  consumerReadyMs: 'consumer ready lag p50 / max (ms)',
};

export function percentile(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  // Nearest rank: p50 of [1, 2, 3, 4] is 2 (a value that occurred, never an interpolation).
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const mean = (values: number[]): number | null => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : null);

function ms(v: number | null): string {
  if (v === null) return '–';
  return Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(1);
}

function num(v: number | null, digits = 0): string {
  return v === null ? '–' : v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

function ratio(a: number | null, b: number | null): string {
  if (a === null || b === null || b === 0) return '–';
  const r = a / b;
  return `${r >= 10 ? r.toFixed(0) : r.toFixed(r >= 1 ? 1 : 2)}×`;
}

interface Cell {
  /** What the cell shows. */
  text: string;
  /** The figure ratios are taken of (null: no ratio for this row). */
  value: number | null;
}

export function renderProbeCost(result: ProbeCostResult): string {
  const { options, machine } = result;
  const sizes = [0, options.pods];
  const methods = options.methods;
  const runsOf = (method: Method, pods: number) => result.runs.filter((r) => r.method === method && r.unrelatedPods === pods);
  const summaryOf = (method: Method, pods: number) => result.methods.find((m) => m.method === method && m.unrelatedPods === pods);

  const rows: { label: string; cell: (runs: RunMeasurement[], method: Method, pods: number) => Cell }[] = [
    {
      label: 'start delay p50 (ms)',
      cell: (runs) => {
        const v = percentile(
          runs.flatMap((r) => (r.startDelayMs === null ? [] : [r.startDelayMs])),
          50,
        );
        return { text: ms(v), value: null };
      },
    },
    ...Object.entries(STAGE_LABELS).map(([stage, label]) => ({
      label,
      cell: (runs: RunMeasurement[]): Cell => {
        const lags = runs.flatMap((r) => (r.lagMs[stage as Stage] === undefined ? [] : [r.lagMs[stage as Stage]!]));
        const missed = runs.filter((r) => r.missed.includes(stage as Stage)).length;
        const text = lags.length ? `${ms(percentile(lags, 50))} / ${ms(Math.max(...lags))}` : '–';
        return { text: missed ? `${text} (${missed} missed)` : text, value: null };
      },
    })),
    {
      label: 'API requests / run',
      cell: (runs) => {
        const v = mean(runs.map((r) => r.apiRequests));
        return { text: num(v, 1), value: v };
      },
    },
    {
      label: 'API KiB / run',
      cell: (runs) => {
        const v = mean(runs.map((r) => r.apiBytes / 1024));
        return { text: num(v), value: v };
      },
    },
    ...options.scenarios.map((scenario) => ({
      label: `  … ${scenario}`,
      cell: (runs: RunMeasurement[]): Cell => {
        const v = mean(runs.filter((r) => r.scenario === scenario).map((r) => r.apiBytes / 1024));
        return { text: num(v), value: v };
      },
    })),
    {
      label: 'backend requests / run',
      cell: (runs) => {
        const v = mean(runs.map((r) => r.backendRequests));
        return { text: num(v, 1), value: v };
      },
    },
    {
      label: 'backend requests / s of run',
      cell: (runs) => {
        const v = mean(runs.flatMap((r) => (r.runMs ? [r.backendRequests / (r.runMs / 1000)] : [])));
        return { text: num(v, 1), value: v };
      },
    },
    {
      label: 'peak RSS (MiB)',
      cell: (_runs, method, pods) => {
        const kib = summaryOf(method, pods)?.peakRssKiB ?? null;
        return { text: kib === null ? '–' : num(kib / 1024), value: kib };
      },
    },
    {
      label: '  … over an idle worker (MiB)',
      cell: (_runs, method, pods) => {
        const s = summaryOf(method, pods);
        const growth = s?.peakRssKiB != null && s.idleRssKiB != null ? s.peakRssKiB - s.idleRssKiB : null;
        return { text: growth === null ? '–' : num(growth / 1024), value: growth };
      },
    },
    {
      label: 'event-loop stall p50 / max (ms)',
      cell: (runs) => {
        const stalls = runs.map((r) => r.loopStallMaxMs);
        return { text: stalls.length ? `${ms(percentile(stalls, 50))} / ${ms(Math.max(...stalls))}` : '–', value: null };
      },
    },
    {
      label: 'wrong pods taken / run',
      cell: (runs) => {
        const v = mean(runs.map((r) => r.wrongPods));
        return { text: num(v, 1), value: null };
      },
    },
  ];

  const header = [
    '',
    ...sizes.flatMap((pods) => [...methods.map((m) => `${m} @${pods}`), ...(methods.length === 2 ? [`old/probe @${pods}`] : [])]),
    ...methods.map((m) => `${m} ${options.pods}/0`),
  ];
  const table: string[][] = [header];
  for (const row of rows) {
    const line = [row.label];
    const bySize = sizes.map((pods) => methods.map((m) => row.cell(runsOf(m, pods), m, pods)));
    for (const cells of bySize) {
      line.push(...cells.map((c) => c.text));
      if (methods.length === 2)
        line.push(ratio(cells[methods.indexOf('old')]?.value ?? null, cells[methods.indexOf('probe')]?.value ?? null));
    }
    for (let i = 0; i < methods.length; i++) line.push(ratio(bySize[1]![i]!.value, bySize[0]![i]!.value));
    table.push(line);
  }

  const widths = header.map((_, col) => Math.max(...table.map((r) => r[col]!.length)));
  const text = table.map((r) =>
    r
      .map((c, col) => (col === 0 ? c.padEnd(widths[col]!) : c.padStart(widths[col]!)))
      .join('  ')
      .trimEnd(),
  );

  const noisy = `${num(options.pods)} unrelated pods + ${num(options.events)} unrelated events${options.trickle ? ` + ${options.trickle} changes/s` : ''}`;
  const where = Object.entries(bytesByKind(result, 'probe', options.pods))
    .sort((a, b) => b[1] - a[1])
    .map(([kind, kib]) => `${kind} ${num(kib)} KiB`)
    .join(', ');
  return [
    `probeCost: the product's probe vs the old test's method (list every pod every 500 ms, name contains the id; metadata every 100 ms)`,
    `scenarios ${options.scenarios.join(', ')} × ${options.reps} reps, namespace @0 = empty (backend + broker pods only) vs @${options.pods} = ${noisy}`,
    `machine: ${machine.cores} × ${machine.cpu}, Node ${machine.node}, load ${machine.loadavg.map((l) => l.toFixed(2)).join(' ')}; ` +
      `clock check worker → sandbox ${result.methods.map((m) => `${m.clockCheckMs.toFixed(2)}`).join(', ')} ms (IPC latency, ≥ 0)`,
    '',
    ...text,
    '',
    "lag = reported − sandbox truth for the job's own pod (old method: when a 500 ms poll first saw the state).",
    'start delay = first Kubernetes API request (as the API server received it) → POST /configure sent; the old method sends',
    '  POST first, so its start delay is negative. API bytes = response bodies the API server wrote, watches and log follows',
    '  included. Peak RSS = maxRSS of the worker process that ran the method (node + tsx + the method).',
    `wrong pods = pods the name-contains match took for the job's (decoy jobs whose ids contain the id).`,
    `event-loop stall = the longest the method's process was blocked in a run (monitorEventLoopDelay): every observation waits for it.`,
    where ? `where the probe's API bytes go @${options.pods} (KiB/run): ${where}` : '',
    '',
  ].join('\n');
}

function bytesByKind(result: ProbeCostResult, method: Method, pods: number): Record<string, number> {
  const runs = result.runs.filter((r) => r.method === method && r.unrelatedPods === pods);
  const total: Record<string, number> = {};
  for (const r of runs)
    for (const [kind, bytes] of Object.entries(r.apiBytesByKind)) total[kind] = (total[kind] ?? 0) + bytes / 1024 / runs.length;
  return total;
}
