// consumer_never_ready: the pod ran, the consumer never answered. How far the queue got decides the
// cause: no queue (the analyzer never declared it), a queue without a consumer (the backend never
// attached one), a consumer that never made metadata ready. When the broker was not watched, only the
// backend's own error line about the job (or a 5xx from /metadata) can name a cause; else it is unknown.
import type { AnalysedPod, Analysis } from '../analysis';
import type { CauseOf, Scenario } from '../model';
import { count } from '../phrasing';
import {
  backendError,
  backendErrorEvidence,
  backendErrorSuggestion,
  brokerEvidence,
  logProblems,
  metadataEvidence,
  podErrorEvidence,
  queueStage,
  queueSuggestions,
  s,
} from '../diagnoseEvidence';
import type { RuleContext } from './context';
import { verdict } from './verdict';

type ConsumerCause = CauseOf<'consumer_never_ready'>;

/** The cause the observations name, never more: a stage only the broker could show needs the broker. */
export function consumerCause(a: Analysis): ConsumerCause {
  switch (queueStage(a)) {
    case 'no_queue':
      return 'queue_not_created';
    case 'consumer_attached':
      return 'metadata_failing';
    case 'no_consumer':
      // "No consumer" needs a figure: a queue whose consumer count was never known could have one.
      if (a.queue?.consumers !== null) return 'consumer_not_attached';
      break;
    default:
      break;
  }
  const found = backendError(a);
  const lastStatus = a.metadataAttempts[a.metadataAttempts.length - 1]?.status ?? null;
  if ((found && found.namesJob) || (lastStatus !== null && lastStatus >= 500)) return 'backend_error';
  return 'unknown';
}

const TITLES: Record<ConsumerCause, string> = {
  queue_not_created: "Pod ran, but the job's queue was never created",
  consumer_not_attached: 'Queue created, but the backend never attached a consumer',
  metadata_failing: 'Consumer attached, but metadata never became ready',
  backend_error: 'Pod ran, but the backend failed on the job',
  unknown: 'Pod ran, but the consumer never became ready (the broker was not watched)',
};

export function consumerFinding(a: Analysis, pod: AnalysedPod, ctx: RuleContext, unobserved: string | null): Scenario {
  const cause = consumerCause(a);
  const stage = queueStage(a);
  const queueLine =
    a.broker === null && a.queue
      ? [`queue ${a.queue.name} seen at ${s(a.queue.firstSeenMs)} with ${count(a.queue.consumers, 'consumer', 'consumers', 'unknown')}`]
      : brokerEvidence(a);
  const what: Record<ConsumerCause, string> = {
    queue_not_created: 'no queue for the job appeared on the broker',
    consumer_not_attached: `its queue was created, but no consumer attached`,
    metadata_failing: `a consumer attached at ${s(a.timings.consumerAttachedMs)}, but GET /metadata never answered ready`,
    backend_error: 'the backend failed on the job',
    unknown: 'where it stopped is unknown without the broker',
  };
  return verdict({
    id: 'consumer_never_ready',
    cause,
    title:
      cause === 'unknown' && a.broker !== null
        ? 'Pod ran, but the consumer never became ready (the broker could not be read)'
        : TITLES[cause],
    summary: `Pod ${pod.name} ran${pod.readyMs !== null ? ` and was ready at ${s(pod.readyMs)}` : ' (never Ready)'}, but the consumer never became ready ${ctx.ended}: ${what[cause]}.`,
    evidence: [
      `pod ${pod.name}: Running at ${s(pod.runningMs)}, Ready at ${s(pod.readyMs)}, ${count(pod.restartCount, 'restart')}`,
      ...queueLine,
      metadataEvidence(a),
      backendErrorEvidence(a),
      stage === 'no_queue' ? podErrorEvidence(a) : '',
      ...logProblems(a),
      unobserved ? `cluster observation stopped: ${unobserved}` : '',
    ],
    suggestions: [
      ...queueSuggestions(a, ctx.kubectl, pod.name),
      ...backendErrorSuggestion(a, ctx.kubectl),
      `Search the backend logs for the job id ${a.jobId}: the consumer is created there.`,
      ...(stage === 'not_watched'
        ? [
            `Check that ${a.names?.queue ? `the queue ${a.names.queue}` : `the queue of job ${a.jobId}`} exists and has a consumer (RabbitMQ management UI, or rabbitmqctl list_queues name consumers).`,
          ]
        : []),
      `Check the analyzer's output: ${ctx.kubectl('logs', pod.name)}`,
    ],
  });
}
