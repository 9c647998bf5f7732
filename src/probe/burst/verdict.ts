// What a burst says as a whole: pure, from the runs. The scenario and cause counts, then where
// capacity ended, in words with the evidence that shows it:
//   GPUs:      "6 of 10 jobs became ready; the other 4 stayed Pending: 0/3 nodes are available: … (GPU capacity ≈ 6 concurrent jobs)"
//   backend:   "jobs 31–32 were refused by the backend: HTTP 503 …"
//   load:      "consumer_ready p95 grew from 1.5 s to 9.8 s while pods were ready by 1.0 s: the backend is the bottleneck"
// Early and late jobs are the first and last quarter by send order; their p95 counts the censored too.
import { count, formatSeconds, quote } from '../phrasing';
import { oneLine } from '../text';
import type { TimingKey } from '../model';
import type { BurstRun, BurstVerdict, ThresholdResult } from './model';
import { stageName } from './model';
import { censoredPercentile } from './stats';

interface Story {
  title: string;
  sentence: string;
  evidence: string[];
  suggestions: string[];
}

const seconds = (ms: number | null) => (ms === null ? '> timeout' : formatSeconds(ms));

/** `[1, 2, 3, 7]` → `jobs 1–3, 7` (`job 7` alone). */
export function jobRanges(indexes: readonly number[]): string {
  const sorted = [...new Set(indexes)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; i++) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(j === i ? `${sorted[i]}` : `${sorted[i]}–${sorted[j]}`);
    i = j;
  }
  return `${sorted.length === 1 ? 'job' : 'jobs'} ${parts.join(', ')}`;
}

/** The most jobs that held a GPU at once: from their pod's scheduling until it ended (or the end of the run). */
export function peakGpuHolders(runs: readonly BurstRun[]): number {
  const spans = runs
    .filter((r) => r.timings.podScheduledMs !== null)
    .map((r) => {
      const from = r.sentAtMs + r.timings.podScheduledMs!;
      const primary = r.pods.find((p) => p.role === 'primary');
      const ended = primary?.history.find((h) => h.phase === 'Succeeded' || h.phase === 'Failed');
      return { from, to: ended ? r.sentAtMs + ended.atMs : Number.POSITIVE_INFINITY };
    });
  let peak = 0;
  for (const s of spans) peak = Math.max(peak, spans.filter((o) => o.from <= s.from && o.to > s.from).length);
  return peak;
}

function gpuStory(runs: readonly BurstRun[]): Story | null {
  const waiting = runs.filter((r) => r.scenario.cause === 'unschedulable_gpu');
  if (waiting.length === 0) return null;
  const ready = runs.filter((r) => r.timings.consumerReadyMs !== null).length;
  const message = waiting.flatMap((r) => r.events.filter((e) => e.reason === 'FailedScheduling').map((e) => e.message))[0];
  const capacity = peakGpuHolders(runs);
  const others = ready + waiting.length === runs.length ? `the other ${waiting.length}` : count(waiting.length, 'job');
  const sentence =
    `${ready} of ${runs.length} jobs became ready; ${others} stayed Pending` +
    `${message ? `: ${quote(message, 300)}` : ' waiting for a GPU'} (GPU capacity ≈ ${count(capacity, 'concurrent job')})`;
  return {
    title: `GPU capacity ended at ≈ ${count(capacity, 'concurrent job')}: ${waiting.length} of ${runs.length} jobs stayed Pending`,
    sentence,
    evidence: [sentence, `${jobRanges(waiting.map((r) => r.index))} waited for a GPU until the timeout`],
    suggestions: [`Keep --concurrency at or below ${Math.max(1, capacity)}, free GPUs held by finished or stale jobs, or add GPU nodes.`],
  };
}

/** The backend's words for a refused configure, from the run's diagnosis. */
function refusalOf(run: BurstRun): string {
  const m = /did not return a job id: (.*?)\.?$/.exec(run.scenario.summary);
  return oneLine(m ? m[1]! : run.scenario.summary, 300);
}

function refusalStories(runs: readonly BurstRun[]): Story[] {
  const refused = runs.filter((r) => r.scenario.id === 'configure_failed');
  const byMessage = new Map<string, number[]>();
  for (const r of refused) byMessage.set(refusalOf(r), [...(byMessage.get(refusalOf(r)) ?? []), r.index]);
  return [...byMessage].map(([message, indexes]) => {
    const sentence = `${jobRanges(indexes)} ${indexes.length === 1 ? 'was' : 'were'} refused by the backend: ${message}`;
    const first = Math.min(...indexes);
    return {
      title: `The backend refused ${indexes.length} of ${runs.length} jobs`,
      sentence,
      evidence: [sentence],
      suggestions: [
        first > 1
          ? `The backend took ${first - 1} jobs before refusing: stay below its limit of concurrent jobs (--concurrency ${first - 1}), or let jobs finish first (--ramp).`
          : 'The backend refused the very first job: check its URL, token and request body with `consumer-probe run`.',
      ],
    };
  });
}

const p95 = (runs: readonly BurstRun[], key: TimingKey) =>
  censoredPercentile(
    runs.map((r) => r.timings[key]).filter((t): t is number => t !== null),
    runs.length,
    95,
  );

/** First vs last quarter by send order: did the consumer or the pod get slower under load? */
export function loadStory(runs: readonly BurstRun[]): Story | null {
  if (runs.length < 4) return null;
  const ordered = [...runs].sort((a, b) => a.index - b.index);
  const q = Math.max(1, Math.floor(ordered.length / 4));
  const early = ordered.slice(0, q);
  const late = ordered.slice(-q);
  const consumerEarly = p95(early, 'consumerReadyMs');
  const consumerLate = p95(late, 'consumerReadyMs');
  const podEarly = p95(early, 'podReadyMs');
  const podLate = p95(late, 'podReadyMs');
  if (consumerEarly === null) return null;
  const grew = (from: number, to: number | null) => to === null || (to > from * 1.5 && to - from >= 100);
  if (!grew(consumerEarly, consumerLate)) return null;
  const consumerGrowth = consumerLate === null ? Number.POSITIVE_INFINITY : consumerLate - consumerEarly;
  const podGrowth = podEarly === null || podLate === null ? null : podLate - podEarly;
  const grewText = `consumer_ready p95 grew from ${seconds(consumerEarly)} to ${seconds(consumerLate)} (first vs last ${count(q, 'job')} sent)`;
  if (podLate !== null && podGrowth !== null && podGrowth < consumerGrowth / 2) {
    const sentence = `${grewText} while pods were ready by ${seconds(podLate)}: the backend is the bottleneck`;
    return {
      title: `The backend is the bottleneck: consumer_ready p95 grew from ${seconds(consumerEarly)} to ${seconds(consumerLate)}`,
      sentence,
      evidence: [sentence],
      suggestions: [
        'The pods were ready in time: look at how the backend creates consumers under load (its logs, its metadata endpoint), and find the load it handles with a smaller --concurrency or a --ramp.',
      ],
    };
  }
  if (podEarly !== null && grew(podEarly, podLate)) {
    const sentence = `${grewText} as pod_ready p95 grew from ${seconds(podEarly)} to ${seconds(podLate)}: the cluster is the bottleneck`;
    return {
      title: `The cluster is the bottleneck: pod_ready p95 grew from ${seconds(podEarly)} to ${seconds(podLate)}`,
      sentence,
      evidence: [sentence],
      suggestions: ['The pods themselves were slower under load: look at scheduling, image pulls and node capacity.'],
    };
  }
  return null;
}

function thresholdEvidence(results: readonly ThresholdResult[], runs: readonly BurstRun[]): string[] {
  return results
    .filter((t) => !t.passed)
    .map((t) => {
      const limit = formatSeconds(t.limitMs);
      if (t.valueMs !== null) return `threshold ${t.stage} ${t.percentile} ≤ ${limit} failed: ${formatSeconds(t.valueMs)}`;
      const key = Object.keys(runs[0]?.timings ?? {}).find((k) => stageName(k as TimingKey) === t.stage) as TimingKey | undefined;
      const missing = key ? runs.filter((r) => r.timings[key] === null).length : 0;
      return `threshold ${t.stage} ${t.percentile} ≤ ${limit} failed: > timeout (${missing} of ${runs.length} jobs never reached ${t.stage})`;
    });
}

/** Jobs that failed for causes no story above covers, one line per cause with the first job's evidence. */
function otherCauses(runs: readonly BurstRun[]): string[] {
  const covered = (r: BurstRun) =>
    r.scenario.id === 'healthy' || r.scenario.id === 'configure_failed' || r.scenario.cause === 'unschedulable_gpu';
  const groups = new Map<string, BurstRun[]>();
  for (const r of runs.filter((r) => !covered(r))) {
    const key = r.scenario.cause ? `${r.scenario.id}/${r.scenario.cause}` : r.scenario.id;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  return [...groups].map(([key, group]) => {
    const first = group[0]!;
    const detail = first.scenario.evidence[0] ?? first.scenario.summary;
    return `${jobRanges(group.map((r) => r.index))}: ${key} — ${oneLine(detail, 300)}`;
  });
}

export function scenarioCounts(runs: readonly BurstRun[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of runs) counts[r.scenario.id] = (counts[r.scenario.id] ?? 0) + 1;
  return counts;
}

export function causeCounts(runs: readonly BurstRun[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of runs)
    if (r.scenario.cause) counts[`${r.scenario.id}/${r.scenario.cause}`] = (counts[`${r.scenario.id}/${r.scenario.cause}`] ?? 0) + 1;
  return counts;
}

const listCounts = (counts: Record<string, number>) =>
  Object.entries(counts)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([k, n]) => `${n} ${k}`)
    .join(', ');

export function burstVerdict(runs: readonly BurstRun[], thresholds: readonly ThresholdResult[], planned = runs.length): BurstVerdict {
  const healthy = runs.filter((r) => r.scenario.id === 'healthy').length;
  const failedThresholds = thresholds.filter((t) => !t.passed);
  // The load story compares the jobs the other stories do not explain (a job that waited for a GPU is slow for that reason).
  const explained = (r: BurstRun) => r.scenario.id === 'configure_failed' || r.scenario.cause === 'unschedulable_gpu';
  const stories = [gpuStory(runs), ...refusalStories(runs), loadStory(runs.filter((r) => !explained(r)))].filter(
    (s): s is Story => s !== null,
  );
  const severities = new Set(runs.map((r) => r.scenario.severity));
  const severity =
    severities.has('error') || failedThresholds.length > 0
      ? 'error'
      : severities.has('warning')
        ? 'warning'
        : severities.has('inconclusive')
          ? 'inconclusive'
          : 'ok';
  const causes = causeCounts(runs);
  const counted = `${healthy} of ${planned} jobs healthy (${listCounts(scenarioCounts(runs)) || 'none ran'})`;
  const notRun = planned - runs.length;
  const evidence = [
    `scenarios: ${listCounts(scenarioCounts(runs)) || 'none'}`,
    ...(Object.keys(causes).length > 0 ? [`causes: ${listCounts(causes)}`] : []),
    ...(notRun > 0 ? [`${count(notRun, 'job')} not sent: the burst was stopped`] : []),
    ...stories.flatMap((s) => s.evidence),
    ...otherCauses(runs),
    ...thresholdEvidence(thresholds, runs),
  ];
  const title =
    stories[0]?.title ??
    (healthy === planned && failedThresholds.length === 0
      ? `All ${planned} jobs healthy`
      : failedThresholds.length > 0 && healthy === planned
        ? `All ${planned} jobs healthy, ${count(failedThresholds.length, 'threshold')} not met`
        : `${counted}`);
  const summary = [`${counted}.`, ...stories.map((s) => `${s.sentence}.`)].join(' ');
  const suggestions = [...new Set(stories.flatMap((s) => s.suggestions))];
  if (suggestions.length === 0 && severity !== 'ok')
    suggestions.push("Open the failed jobs' own reports (runs[]) for their evidence and next steps.");
  return { severity, title, summary, evidence, suggestions };
}
