// slow_consumer: the pod started fast, the backend side took the time. Which stretch after the pod
// dominated names the cause: until the queue appeared, until a consumer attached to it, or until
// GET /metadata answered ready. Without the queue's times (no broker watched) the stretches cannot be
// told apart, and no cause is named.
import type { Analysis } from '../analysis';
import type { CauseOf, Scenario } from '../model';
import { backendErrorEvidence, backendErrorSuggestion, s } from '../diagnoseEvidence';
import type { RuleContext } from './context';
import { verdict } from './verdict';

type SlowConsumerCause = CauseOf<'slow_consumer'>;

export interface ConsumerStretches {
  queue: number | null;
  attach: number | null;
  metadata: number | null;
}

export function consumerStretches(a: Analysis, podStart: number | null, ready: number): ConsumerStretches {
  const t = a.timings;
  const from = podStart ?? t.configureMs ?? 0;
  return {
    queue: t.queueCreatedMs !== null ? Math.max(0, t.queueCreatedMs - from) : null,
    attach: t.queueCreatedMs !== null && t.consumerAttachedMs !== null ? Math.max(0, t.consumerAttachedMs - t.queueCreatedMs) : null,
    metadata: t.consumerAttachedMs !== null ? Math.max(0, ready - t.consumerAttachedMs) : null,
  };
}

/** The longest stretch, when all three were measured; null otherwise. */
export function slowConsumerCause(st: ConsumerStretches): SlowConsumerCause | null {
  if (st.queue === null || st.attach === null || st.metadata === null) return null;
  const ranked: [SlowConsumerCause, number][] = [
    ['slow_queue', st.queue],
    ['slow_consumer_attach', st.attach],
    ['slow_metadata', st.metadata],
  ];
  return ranked.sort((x, y) => y[1] - x[1])[0]![0];
}

const TITLES: Record<SlowConsumerCause, string> = {
  slow_queue: "Consumer ready, but the job's queue appeared late",
  slow_consumer_attach: 'Consumer ready, but the backend attached its consumer late',
  slow_metadata: 'Consumer ready, but metadata took long after the consumer attached',
};

const ADVICE: Record<SlowConsumerCause, string> = {
  slow_queue:
    'The analyzer declared its queue late after it started: see what it does first (model loading, RabbitMQ connection) in its output.',
  slow_consumer_attach: 'The backend was slow to create the consumer: check its load and logs around this job id.',
  slow_metadata:
    'The consumer was attached early, yet GET /metadata answered ready much later: see what the backend does for this job between the two (its log around this job id).',
};

export function slowConsumerFinding(a: Analysis, ctx: RuleContext, ready: number, podStart: number | null, evidence: string[]): Scenario {
  const st = consumerStretches(a, podStart, ready);
  const cause = slowConsumerCause(st);
  const after = podStart !== null ? ready - podStart : null;
  return verdict({
    id: 'slow_consumer',
    cause,
    title: cause ? TITLES[cause] : 'Consumer ready, but slowly (backend side)',
    summary:
      `The consumer was ready after ${s(ready)}, over the ${s(ctx.slowThresholdMs)} threshold${after !== null ? `; the pod was ready at ${s(podStart)}, so ${s(after)} went to the backend` : ''}` +
      `${cause ? '' : a.timings.queueCreatedMs === null ? ' (the queue was not observed, so where that time went is unknown)' : ''}.`,
    evidence: [
      ...evidence,
      st.queue !== null ? `queue appeared ${s(st.queue)} after the pod was ready` : '',
      st.attach !== null ? `a consumer attached ${s(st.attach)} after the queue appeared` : '',
      st.metadata !== null ? `GET /metadata answered ready ${s(st.metadata)} after the consumer attached` : '',
      backendErrorEvidence(a),
    ],
    suggestions: [
      cause ? ADVICE[cause] : ADVICE.slow_consumer_attach,
      'Compare with other runs: a steady rise suggests the backend is saturated (30 concurrent jobs at most).',
      ...backendErrorSuggestion(a, ctx.kubectl),
    ],
  });
}
