// What a burst's live view says about one job: its state changes, not its observations (a job makes
// hundreds of those). One tracker per job turns the run's observation stream into short state lines:
// sent, its job id or the backend's refusal, each change of its primary pod, its queue, its consumer.
import { matchPod } from '../matching';
import type { Observation } from '../model';
import type { MatchRules } from '../options';
import { podReason } from '../podState';
import { oneLine } from '../text';
import { podState } from '../report/format';

export type JobStateKind = 'sent' | 'answered' | 'refused' | 'pod' | 'queue' | 'consumer' | 'finished';

export interface JobState {
  kind: JobStateKind;
  /** ms since the job's own POST /configure (negative before it). */
  atMs: number;
  /** The state in words, one line: `pod Running`, `refused: HTTP 503 …`. */
  text: string;
}

/** Returns the sink for one job's observations; `change` hears each new state once. */
export function createJobStateTracker(
  match: MatchRules,
  change: (state: JobState, jobId: string | null) => void,
): (o: Observation) => void {
  let jobId: string | null = null;
  let podText = '';
  let queueSeen = false;
  let consumerSeen = false;
  const say = (kind: JobStateKind, atMs: number, text: string) => change({ kind, atMs, text }, jobId);
  return (o) => {
    switch (o.kind) {
      case 'configure.sent':
        return say('sent', o.atMs, 'POST /configure sent');
      case 'configure.answered':
        jobId = o.jobId;
        if (o.jobId !== null) return say('answered', o.atMs, `job id ${oneLine(o.jobId, 60)}`);
        return say('refused', o.atMs, `no job id: ${oneLine(o.error ?? `HTTP ${o.status ?? '?'}`, 200)}`);
      case 'pod.changed': {
        if (jobId === null || matchPod(o.pod, jobId, match)?.role !== 'primary') return;
        const text = o.pod.deleted ? 'pod deleted' : `pod ${podState(o.pod.phase, o.pod.ready, podReason(o.pod))}`;
        if (text === podText) return;
        podText = text;
        return say('pod', o.atMs, text);
      }
      case 'queue.changed':
        if (!queueSeen) {
          queueSeen = true;
          say('queue', o.atMs, `queue ${oneLine(o.queue.name, 80)}`);
        }
        if (!consumerSeen && (o.queue.consumers ?? 0) > 0) {
          consumerSeen = true;
          say('consumer', o.atMs, 'consumer attached');
        }
        return;
      default:
        return;
    }
  };
}
