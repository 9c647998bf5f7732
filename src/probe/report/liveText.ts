// The live log while a probe runs. It must stay readable at 10 metadata polls a second and a watch
// that re-sends unchanged pods, so it prints changes, not observations: one line per visible pod
// change, metadata outcomes only when they change (plus a heartbeat), each Kubernetes event once.

import { matchPod } from '../matching';
import type { JobSnapshot, Observation, PodRole, PodSnapshot } from '../model';
import type { MatchRules } from '../options';
import { podReason } from '../podState';
import { count } from '../phrasing';
import { redactUrl } from '../text';
import { describeOutcome, formatSeconds, formatStamp, oneLine, podState } from './format';

export interface LiveTextOptions {
  /**
   * The run's matching rules decide roles once the configure answer names the job (before that every
   * pod is shown as the job's own): the same rules, read the same way, as the report's.
   */
  match: MatchRules;
  /** How often an unchanged metadata outcome is restated (default 5 s). */
  heartbeatMs?: number;
}

/** Normal events worth a line; the rest (e.g. SandboxChanged noise) would drown the story. */
const NORMAL_REASONS = new Set(['Scheduled', 'Pulling', 'Pulled', 'Created', 'Started', 'SuccessfulCreate', 'Killing']);

interface PodSeen {
  phase: string;
  ready: boolean;
  restartCount: number;
  reason: string | null;
  deleted: boolean;
}

/** Returns the sink for observations; `write` receives single lines without a trailing newline. */
export function createLiveTextLog(write: (line: string) => void, opts: LiveTextOptions): (obs: Observation) => void {
  let jobId: string | null = null;
  const match = opts.match;
  const roleOf = (pod: PodSnapshot): PodRole => (jobId ? (matchPod(pod, jobId, match)?.role ?? 'related') : 'primary');
  const heartbeatMs = opts.heartbeatMs ?? 5_000;
  const pods = new Map<string, PodSeen>();
  const jobs = new Map<string, string>();
  const events = new Set<string>();
  const queues = new Map<string, number | null>();
  const brokerStates = new Map<string, string>();
  let logsUnavailable = '';
  let configurePath = '';
  const meta = { count: 0, outcome: null as string | null, lastLineMs: 0 };

  const emit = (atMs: number, text: string) => write(`${formatStamp(atMs)} ${text}`);

  return (obs) => {
    switch (obs.kind) {
      case 'probe.started':
        emit(obs.atMs, `START  probe started at ${oneLine(obs.wallClock)}${obs.jobIdHint ? ` (job ${oneLine(obs.jobIdHint)})` : ''}`);
        return;
      case 'configure.sent':
        configurePath = pathOf(obs.url);
        emit(obs.atMs, `STEP 1  POST ${redactUrl(obs.url)}`);
        return;
      case 'configure.answered': {
        jobId = obs.jobId;
        const status = obs.status === null ? 'no response' : String(obs.status);
        const tail = obs.jobId !== null ? `job_id=${oneLine(obs.jobId)}` : `no job_id${obs.error ? `: ${oneLine(obs.error)}` : ''}`;
        emit(obs.atMs, `STEP 1  POST ${configurePath || 'configure'} → ${status}, ${tail}`);
        return;
      }
      case 'metadata.attempt': {
        meta.count += 1;
        const outcome = describeOutcome(obs.status, obs.error);
        if (meta.count === 1) {
          emit(obs.atMs, `STEP 2  metadata attempt 1 → ${outcome}`);
        } else if (outcome !== meta.outcome) {
          emit(obs.atMs, `METADATA attempt ${meta.count} → ${outcome} (was ${meta.outcome})`);
        } else if (obs.atMs - meta.lastLineMs >= heartbeatMs) {
          emit(obs.atMs, `METADATA still waiting: ${count(meta.count, 'attempt')}, last ${outcome}`);
        } else {
          meta.outcome = outcome;
          return;
        }
        meta.outcome = outcome;
        meta.lastLineMs = obs.atMs;
        return;
      }
      case 'cluster.access': {
        const a = obs.access;
        if (a.state === 'watching') {
          const ctx = a.context ? `, context ${oneLine(a.context)}` : '';
          emit(obs.atMs, `CLUSTER watching namespace ${oneLine(a.namespace)} on ${redactUrl(a.server)}${ctx}`);
        } else {
          emit(obs.atMs, `CLUSTER unavailable (${a.code}): ${oneLine(a.reason)}`);
        }
        return;
      }
      case 'cluster.notice':
        emit(obs.atMs, `CLUSTER note: ${oneLine(obs.text)}`);
        return;
      case 'cluster.namespace':
        if (!obs.exists) emit(obs.atMs, `CLUSTER namespace ${oneLine(obs.namespace)} does not exist: ${oneLine(obs.detail)}`);
        return;
      case 'probe.notice':
        emit(obs.atMs, `PROBE note: ${oneLine(obs.text)}`);
        return;
      case 'pod.changed': {
        const line = podLine(obs.pod, pods, roleOf);
        if (line) emit(obs.atMs, line);
        return;
      }
      case 'job.changed': {
        const summary = jobSummary(obs.job);
        const key = obs.job.uid || obs.job.name;
        const before = jobs.get(key);
        jobs.set(key, summary);
        if (before === undefined) emit(obs.atMs, `JOB ${oneLine(obs.job.name)} created (${summary})`);
        else if (before !== summary) emit(obs.atMs, `JOB ${oneLine(obs.job.name)} ${summary}`);
        return;
      }
      case 'event.seen': {
        const e = obs.event;
        if (e.type !== 'Warning' && !NORMAL_REASONS.has(e.reason)) return;
        // The API re-sends an event with a higher count each time it recurs; one line is enough.
        const key = `${e.type}\u0000${e.reason}\u0000${e.object}\u0000${e.message}`;
        if (events.has(key)) return;
        events.add(key);
        emit(obs.atMs, `EVENT ${oneLine(e.type)} ${oneLine(e.reason)} ${oneLine(e.object)}: ${oneLine(e.message)}`);
        return;
      }
      case 'queue.changed': {
        const q = obs.queue;
        const consumers = q.consumers ?? null;
        const via = q.via ?? 'management';
        const key = `${via}\u0000${q.name}`;
        if (![...queues.keys()].some((k) => k.endsWith(`\u0000${q.name}`))) {
          emit(obs.atMs, `QUEUE ${oneLine(q.name)} appeared (consumers ${consumers ?? '?'}, via ${oneLine(q.source)})`);
        } else if (queues.has(key) && queues.get(key) !== consumers) {
          emit(obs.atMs, `QUEUE ${oneLine(q.name)} consumers ${queues.get(key) ?? '?'} → ${consumers ?? '?'} (${via})`);
        } else if (!queues.has(key)) {
          emit(obs.atMs, `QUEUE ${oneLine(q.name)} consumers ${consumers ?? '?'} (${via}: ${oneLine(q.source)})`);
        }
        queues.set(key, consumers);
        return;
      }
      case 'broker.access': {
        const a = obs.access;
        const via = a.via ?? 'management';
        const text =
          a.state === 'watching' ? `BROKER watching through ${oneLine(a.source)}` : `BROKER unavailable (${via}): ${oneLine(a.reason)}`;
        if (brokerStates.get(via) !== text) emit(obs.atMs, text);
        brokerStates.set(via, text);
        return;
      }
      case 'log.line': {
        const l = obs.line;
        // Errors and warnings, and of a traceback only its exception line: the report has the rest.
        const exception = l.reason === 'traceback' && l.level === 'ERROR' && !/Traceback \(most recent call last\)/.test(l.text);
        if (exception || (l.reason === 'error' && (l.level === 'ERROR' || l.level === 'WARN'))) {
          emit(obs.atMs, `LOG ${obs.source} ${oneLine(l.pod)}/${oneLine(l.container)}: ${oneLine(l.text, 200)}`);
        }
        return;
      }
      case 'log.tail': {
        const t = obs.tail;
        const last = [...t.lines].reverse().find((l) => l.text.trim() !== '');
        emit(obs.atMs, `LOG ${oneLine(t.container)} run ${t.instance + 1} ended${last ? `; last line: ${oneLine(last.text, 160)}` : ''}`);
        return;
      }
      case 'log.access': {
        const a = obs.access;
        if (a.state === 'following') emit(obs.atMs, `LOGS following ${obs.source} ${oneLine(a.pods.join(', '))}`);
        else if (a.state === 'unavailable' && a.reason !== logsUnavailable) {
          logsUnavailable = a.reason;
          emit(obs.atMs, `LOGS unavailable (${obs.source}): ${oneLine(a.reason)}`);
        }
        return;
      }
      case 'probe.ended': {
        const last = meta.outcome ? `, last ${meta.outcome}` : '';
        const attempts = `${count(meta.count, 'metadata attempt')}${last}`;
        const how = {
          consumer_ready: `consumer ready after ${formatSeconds(obs.atMs)}`,
          timeout: `timed out after ${formatSeconds(obs.atMs)}, consumer never ready`,
          aborted: `stopped after ${formatSeconds(obs.atMs)}`,
          configure_failed: 'configure failed, nothing to wait for',
        }[obs.reason];
        emit(obs.atMs, `END  ${how} (${attempts})`);
        return;
      }
    }
  };
}

function podLine(pod: PodSnapshot, seen: Map<string, PodSeen>, roleOf: (p: PodSnapshot) => PodRole): string | null {
  const key = pod.uid || pod.name;
  const before = seen.get(key);
  const now: PodSeen = {
    phase: pod.phase,
    ready: pod.ready,
    restartCount: pod.restartCount,
    reason: podReason(pod),
    deleted: pod.deleted,
  };
  seen.set(key, now);
  if (
    before &&
    before.phase === now.phase &&
    before.ready === now.ready &&
    before.restartCount === now.restartCount &&
    before.reason === now.reason &&
    before.deleted === now.deleted
  ) {
    return null;
  }
  const state = podState(now.phase, now.ready, now.reason);
  let change: string;
  if (!before) change = `${state} (new)`;
  else if (now.deleted && !before.deleted) change = `${state} (deleted)`;
  else change = `${podState(before.phase, before.ready, before.reason)} → ${state}`;
  const restarts = now.restartCount > 0 ? `, restarts ${now.restartCount}` : '';
  const role = roleOf(pod) === 'related' ? ' (related)' : '';
  return oneLine(`POD ${pod.name}${role}  ${change}${restarts}`);
}

function jobSummary(job: JobSnapshot): string {
  const done = job.conditions.filter((c) => c.status === 'True').map((c) => (c.reason ? `${c.type}: ${c.reason}` : c.type));
  const counts = `active ${job.active}, succeeded ${job.succeeded}, failed ${job.failed}`;
  return oneLine(done.length ? `${counts}; ${done.join(', ')}` : counts);
}

function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return oneLine(url);
  }
}
