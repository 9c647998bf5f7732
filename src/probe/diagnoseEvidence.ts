// Evidence and suggestions the cause rules (causes/) share: where the queue stood, which source said so
// (and how coarse it is), what GET /metadata answered, the backend's first error about the job, the last
// words of a container that ended, and who holds the GPUs. Pure.
import type { Analysis } from './analysis';
import { foldAttempts } from './attempts';
import type { Kubectl } from './causes/kubectl';
import type { LogLine, QueueSourceKind } from './model';
import { count, formatAge, formatSeconds, quote } from './phrasing';

/** A time in a diagnosis sentence: `2.362s`, or `never`. */
export const s = (ms: number | null): string => formatSeconds(ms, 'never');

function via(kind: QueueSourceKind | null): string {
  if (kind === 'events') return 'broker event, real time';
  if (kind === 'amqp') return 'AMQP check, real time';
  if (kind === 'management') return 'management API, statistics may lag';
  return 'unknown source';
}

/** How far the queue got: not watched, no queue, queue without consumer, consumer attached. */
export type QueueStage = 'not_watched' | 'unobservable' | 'no_queue' | 'no_consumer' | 'consumer_attached';

export function queueStage(a: Analysis): QueueStage {
  if (a.queue) return a.timings.consumerAttachedMs !== null ? 'consumer_attached' : 'no_consumer';
  if (a.broker === null) return 'not_watched';
  return a.broker.state === 'watching' ? 'no_queue' : 'unobservable';
}

/** Sources that failed (one line each), e.g. the AMQP check refused while the management API worked. */
export function brokerProblems(a: Analysis): string[] {
  return Object.entries(a.brokerSources).flatMap(([kind, access]) =>
    access.state === 'unavailable' ? [`${kind === 'amqp' ? 'AMQP check' : 'management API'} unavailable: ${access.reason}`] : [],
  );
}

/** One sentence on the queue, naming the source of each figure. Empty when no broker was watched. */
export function queueEvidence(a: Analysis): string {
  const end = a.end.atMs;
  const stage = queueStage(a);
  const q = a.queue;
  if (q) {
    const created = `queue ${q.name} created at ${s(q.firstSeenMs)} (${via(a.queueSeenVia.created)})`;
    const consumer =
      a.timings.consumerAttachedMs !== null
        ? `, a consumer attached at ${s(a.timings.consumerAttachedMs)} (${via(a.queueSeenVia.attached)})`
        : `, but no consumer attached${end !== null ? ` by ${s(end)}` : ''}`;
    const consumers = count(q.consumers, 'consumer', 'consumers', 'an unknown number of');
    const messages = q.messages === null ? '' : `, ${count(q.messages, 'message')}`;
    return `${created}${consumer}; last seen with ${consumers}${messages} (source: ${q.source})`;
  }
  if (stage === 'no_queue') {
    const watched = Object.entries(a.brokerSources)
      .filter(([, b]) => b.state === 'watching')
      .map(([kind]) => (kind === 'amqp' ? 'AMQP' : 'the management API'))
      .join(' and ');
    return `no queue for job ${a.jobId} appeared on the broker (watched through ${watched}${end !== null ? ` until ${s(end)}` : ''})`;
  }
  return '';
}

/** The queue line and every broker source that failed (which also says why the queue was not observed). */
export function brokerEvidence(a: Analysis): string[] {
  return [queueEvidence(a), ...brokerProblems(a)].filter(Boolean);
}

/** What to do next, given how far the queue got (empty when the broker was not watched). */
export function queueSuggestions(a: Analysis, kubectl: Kubectl, podName: string | null): string[] {
  const q = a.names?.queue ?? `of job ${a.jobId}`;
  switch (queueStage(a)) {
    case 'no_queue':
      return [
        `The analyzer never declared its queue ${q}: check that it reaches RabbitMQ and what it logged${podName ? ` (${kubectl('logs', podName)})` : ''}.`,
      ];
    case 'no_consumer':
      return [
        `The queue ${q} exists but the backend never attached a consumer: search the backend's log for job ${a.jobId} (see the backend lines in the report).`,
      ];
    case 'consumer_attached':
      return [
        `A consumer is attached to ${q}, yet metadata never became ready: the backend's consumer is up, so look at the backend's handling of job ${a.jobId} (its errors are in the report's logs).`,
      ];
    case 'unobservable':
      return ['Give the probe access to the broker (management URL and credentials, or --amqp) to see the queue and its consumer.'];
    default:
      return [];
  }
}

const isError = (l: LogLine) => l.level === 'ERROR' || l.reason === 'traceback';

/** The exception line (`KeyError: 'stream_port'`) closing the traceback that starts at, or right after, `from`. */
function exceptionAfter(lines: readonly LogLine[], from: number): LogLine | null {
  const start = lines[from]!;
  const stream = lines.slice(from).filter((l) => l.pod === start.pod && l.container === start.container);
  let k = start.reason === 'traceback' ? 0 : 1;
  // An error line's own traceback follows it at once, not some other traceback much later.
  if (stream[k]?.reason !== 'traceback' || stream[k]!.atMs - start.atMs > 1_000) return null;
  let last: LogLine | null = null;
  while (stream[k]?.reason === 'traceback') last = stream[k++]!;
  return last && !/^\s/.test(last.text) && !/Traceback \(most recent call last\)/.test(last.text) ? last : null;
}

/** The backend's first error about the job (else its first error at all), with the exception it ended in. */
export function backendError(a: Analysis): { line: LogLine; exception: LogLine | null; namesJob: boolean } | null {
  const lines = a.logs.backend?.lines ?? [];
  let index = lines.findIndex((l) => l.mentionsJob && isError(l));
  const namesJob = index >= 0;
  if (index < 0) index = lines.findIndex(isError);
  if (index < 0) return null;
  const line = lines[index]!;
  return { line, exception: exceptionAfter(lines, index), namesJob };
}

export function backendErrorEvidence(a: Analysis): string {
  const found = backendError(a);
  if (!found) {
    const warning = (a.logs.backend?.lines ?? []).find((l) => l.mentionsJob && l.level === 'WARN');
    return warning ? `backend ${warning.pod} warned at ${s(warning.atMs)}: ${quote(warning.text)}` : '';
  }
  const { line, exception, namesJob } = found;
  const tail = exception ? ` → ${quote(exception.text)}` : '';
  return `backend ${line.pod} logged at ${s(line.atMs)}${namesJob ? '' : ' (not naming the job)'}: ${quote(line.text)}${tail}`;
}

export function backendErrorSuggestion(a: Analysis, kubectl: Kubectl): string[] {
  const found = backendError(a);
  if (!found) return [];
  const { line, exception } = found;
  const what = exception ? quote(exception.text) : quote(line.text);
  return [`Fix the backend error ${what} (${kubectl('logs', line.pod, '-c', line.container, '--since=10m')} shows it with its traceback).`];
}

/** The last instance of the job's container that ended, and its most telling line. */
export function crashedContainer(a: Analysis): { container: string; instance: number; via: string; line: string } | null {
  const ended = a.logs.pod?.previous ?? [];
  const last = ended[ended.length - 1];
  if (!last || last.lines.length === 0) return null;
  const lines = last.lines.filter((l) => l.text.trim() !== '');
  const telling = [...lines].reverse().find((l) => l.level === 'ERROR' || /(Error|Exception)\b/.test(l.text)) ?? lines[lines.length - 1];
  if (!telling) return null;
  return { container: last.container, instance: last.instance, via: last.via, line: telling.text };
}

export function crashEvidence(a: Analysis): string {
  const crash = crashedContainer(a);
  if (!crash) return '';
  const how = crash.via === 'previous' ? 'read with --previous' : crash.via === 'follow' ? 'followed live' : 'read after it stopped';
  return `container ${crash.container} (run ${crash.instance + 1}) ended with ${quote(crash.line)} (its last lines, ${how}, are in the report)`;
}

/** The job pod's first error line (it may say why the queue never appeared). */
export function podErrorEvidence(a: Analysis): string {
  const first = (a.logs.pod?.lines ?? []).find((l) => l.level === 'ERROR' || l.reason === 'traceback');
  return first ? `pod ${first.pod} logged at ${s(first.atMs)}: ${quote(first.text)}` : '';
}

/** Why the pods were not observed (the cluster could not be watched), or null when they were. */
export function clusterUnobservedReason(a: Analysis): string | null {
  const last = a.cluster.last;
  if (last === null) return 'the cluster was not observed';
  return last.state === 'unavailable' ? last.reason : null;
}

/** Why logs could not be read, when that is so. */
export function logProblems(a: Analysis): string[] {
  return [
    a.logs.backend?.error ? `backend logs: ${a.logs.backend.error}` : '',
    a.logs.pod?.error ? `pod logs: ${a.logs.pod.error}` : '',
  ].filter(Boolean);
}

/**
 * What GET /metadata last said: `answered 404 "Invalid job_id"` when the backend answered, `failed: no
 * answer before the 5 s timeout` when it did not (an answer that never came is not an answer).
 */
export function metadataEvidence(a: Analysis): string {
  const attempts = a.metadataAttempts;
  if (attempts.length === 0) return 'GET /metadata was never attempted';
  const runs = foldAttempts(attempts);
  const last = runs[runs.length - 1]!;
  const outcome =
    last.status !== null ? `answered ${last.status}${last.error ? ` "${last.error}"` : ''}` : `failed: ${last.error ?? 'no answer'}`;
  return `GET /metadata/${a.jobId} ${outcome} (${count(attempts.length, 'attempt')}, last at ${s(last.lastMs)})`;
}

/**
 * One line per pod that held a GPU when the job's pod waited for one (looked up at the end of the run):
 * `pod grpc-job-12-1-abcde holds 1 nvidia.com/gpu.shared, running for 3h12m (a job of this backend)`.
 * Empty when nobody looked.
 */
export function gpuHolderEvidence(a: Analysis): string[] {
  const found = a.gpuHolders;
  if (!found) return [];
  if (found.error) return [`who holds the GPUs could not be read: ${found.error}`];
  if (found.holders.length === 0) return ['no running pod in the namespace holds a GPU (the GPUs may be held in other namespaces)'];
  return found.holders.map((h) => {
    const running = h.runningForMs === null ? 'start time unknown' : `running for ${formatAge(h.runningForMs)}`;
    return `pod ${h.name} holds ${h.gpus} ${h.resource}, ${running}${h.backendJob ? ' (a job of this backend)' : ''}`;
  });
}

/** When jobs of this backend hold GPUs, the way to find the stale ones and clean them up. */
export function gpuHolderSuggestion(a: Analysis, kubectl: Kubectl): string[] {
  const mine = (a.gpuHolders?.holders ?? []).filter((h) => h.backendJob);
  if (mine.length === 0) return [];
  const named = mine.map((h) => (h.runningForMs === null ? h.name : `${h.name}, ${formatAge(h.runningForMs)}`)).join('; ');
  return [
    `Jobs of this backend hold GPUs (${named}): delete the stale ones that no longer stream, and their GPUs free up ` +
      `(${kubectl('get', 'jobs', '--sort-by=.metadata.creationTimestamp')} lists the Jobs, oldest first).`,
  ];
}
