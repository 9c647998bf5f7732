// What `GET /healthz` says. It is about the prober, not the pipeline it probes: a failing backend is a
// scenario, counted in the metrics for the alerts; restarting the probe would not fix it. /healthz
// fails (503) only when restarting the process would help: the loop crashed, a probe has run far past
// its own timeout (wedged), the loop has not started a probe long after one was due, or the process is
// stopping.
import type { LoopState } from './probeLoop';

export interface HealthLimits {
  everyMs: number;
  /** A probe running longer than this is wedged: the engine ends every run by its timeout. */
  wedgedAfterMs: number;
  /** How late a due probe may start before the loop counts as stalled. */
  lateAfterMs: number;
}

/** A probe ends at its timeout after POST /configure; before that its watches may take their sync timeout. Twice that, plus a minute. */
export function wedgedAfterMs(timeoutMs: number, syncTimeoutMs: number): number {
  return 2 * (timeoutMs + syncTimeoutMs) + 60_000;
}

export interface Health {
  ok: boolean;
  /** Why not; absent when ok. */
  reason?: string;
  runsStarted: number;
  /** How long the probe in flight has run; null between probes. */
  probeRunningForMs: number | null;
}

export function healthOf(state: Readonly<LoopState>, now: number, limits: HealthLimits): Health {
  const base = {
    runsStarted: state.started,
    probeRunningForMs: state.inFlightSince === null ? null : Math.round(now - state.inFlightSince),
  };
  const fail = (reason: string): Health => ({ ok: false, reason, ...base });
  if (state.crashed) return fail('the probe loop stopped with an internal error');
  if (state.stopping) return fail('stopping');
  if (state.inFlightSince !== null && now - state.inFlightSince > limits.wedgedAfterMs) {
    return fail(
      `a probe has been running for ${seconds(now - state.inFlightSince)} (limit ${seconds(limits.wedgedAfterMs)}): the loop is wedged`,
    );
  }
  if (state.inFlightSince === null && state.lastStartedAt !== null) {
    const dueAt = Math.max(state.lastStartedAt + limits.everyMs, state.lastEndedAt ?? 0);
    if (now - dueAt > limits.lateAfterMs) return fail(`no probe started for ${seconds(now - dueAt)} after one was due`);
  }
  return { ok: true, ...base };
}

function seconds(ms: number): string {
  return `${Math.round(ms / 1000)} s`;
}
