// The queue as the report tells it, from every `queue.changed` observation of the run: when it was
// first seen (by any source), the freshest figures (AMQP when it was checked, else the management API),
// the consumers the management API listed, and every change each source saw. Pure.
import type { Observation, QueueConsumer, QueueLog, QueueObservation, QueueSample, QueueSourceKind, QueueState } from '../model';

const MAX_HISTORY = 200;

export interface QueueAnalysis {
  queue: QueueState | null;
  /** Consumers and per-source changes, reported as `logs.queue`. */
  queueLog: QueueLog | null;
  queueCreatedMs: number | null;
  consumerAttachedMs: number | null;
  /** Which source saw the queue first and the consumer first. */
  createdVia: QueueSourceKind | null;
  attachedVia: QueueSourceKind | null;
  /** Other queues that matched the job's patterns (reported as evidence, not tracked). */
  otherNames: string[];
}

export function analyseQueue(ordered: readonly Observation[]): QueueAnalysis {
  let name: string | null = null;
  let firstSeenMs: number | null = null;
  let consumerAttachedMs: number | null = null;
  let createdVia: QueueSourceKind | null = null;
  let attachedVia: QueueSourceKind | null = null;
  const latest = new Map<QueueSourceKind, QueueObservation>();
  const history: QueueSample[] = [];
  const others = new Set<string>();
  let details: QueueConsumer[] | null = null;

  for (const o of ordered) {
    if (o.kind !== 'queue.changed') continue;
    const q = o.queue;
    if (name !== null && q.name !== name) {
      others.add(q.name);
      continue;
    }
    const via: QueueSourceKind = q.via ?? 'management';
    if (name === null) {
      name = q.name;
      firstSeenMs = o.atMs;
      createdVia = via;
    }
    if (consumerAttachedMs === null && (q.consumers ?? 0) > 0) {
      consumerAttachedMs = o.atMs;
      attachedVia = via;
    }
    latest.set(via, q);
    if (q.consumerDetails) details = q.consumerDetails;
    if (history.length < MAX_HISTORY) history.push({ atMs: o.atMs, source: via, messages: q.messages, consumers: q.consumers });
  }
  if (name === null || firstSeenMs === null) {
    return {
      queue: null,
      queueLog: null,
      queueCreatedMs: null,
      consumerAttachedMs: null,
      createdVia: null,
      attachedVia: null,
      otherNames: [],
    };
  }
  const amqp = latest.get('amqp');
  const management = latest.get('management');
  const figures = (amqp ?? management)!;
  const source = amqp && management ? `${amqp.source}; consumer details: ${management.source}` : figures.source;
  return {
    queue: {
      name,
      firstSeenMs,
      messages: figures.messages,
      consumers: figures.consumers,
      source,
    },
    queueLog: { consumers: details ?? [], history },
    queueCreatedMs: firstSeenMs,
    consumerAttachedMs,
    createdVia,
    attachedVia,
    otherNames: [...others],
  };
}
