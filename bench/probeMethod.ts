// The product's probe, as the benchmark runs it: the one place that knows how to build its options for a
// sandbox profile and how to start it (the engine's API may be renamed; only this file follows it).
import type { TimingKey } from '../src/probe/model';
import { probeOptions, type ProbeOptions } from '../src/probe/options';
import { createProbeClock } from '../src/probe/clock';
import { startProbe } from '../src/probe/runProbe';
import { probeOverridesForProfile } from '../src/sandbox/probeOptions';
import { profileByName } from '../src/sandbox/profiles';
import type { Sandbox } from '../src/sandbox/sandbox';

export interface ProbeMethodResult {
  jobId: string | null;
  /** performance.now() when POST /configure was sent (the probe's t0). */
  t0: number;
  /** The report's timings: ms since t0, null when never observed. */
  timings: Record<TimingKey, number | null>;
  scenario: string;
  /** When the run ended (consumer ready, timeout, configure failure), ms since t0. */
  endedMs: number | null;
}

/** Plain data (it crosses to a worker process as JSON). */
export function probeOptionsFor(sandbox: Sandbox, profileName: string): ProbeOptions {
  const profile = profileByName(profileName);
  if (!profile) throw new Error(`unknown sandbox profile "${profileName}"`);
  return probeOptions(probeOverridesForProfile(sandbox, profile));
}

export async function runProductProbe(options: ProbeOptions): Promise<ProbeMethodResult> {
  const clock = createProbeClock();
  const handle = startProbe(options, { clock });
  const report = await handle.report;
  const ended = handle.timeline.observations.find((o) => o.kind === 'probe.ended');
  return { jobId: report.jobId, t0: clock.t0!, timings: report.timings, scenario: report.scenario.id, endedMs: ended?.atMs ?? null };
}
