// The queue as the report tells it, from every `queue.changed` observation of the run: when it was
// first seen (by any source), the freshest real-time figures (the broker's events or the AMQP passive
// declare, whichever spoke last; else the management API), the consumers the management API listed, and
// every change each source saw. Pure.
import type { Observation, QueueConsumer, QueueLog, QueueObservation, QueueSample, QueueSourceKind, QueueState } from '../model';
import { latest, roundMs } from '../timingWindows';

const MAX_HISTORY = 200;
/** The statistics lag assumed for a management observation that does not say (a default broker's interval). */
const UNSTATED_MANAGEMENT_LAG_MS = 5_000;

export interface QueueAnalysis {
  queue: QueueState | null;
  /** Consumers and per-source changes, reported as `logs.queue`. */
  queueLog: QueueLog | null;
  queueCreatedMs: number | null;
  consumerAttachedMs: number | null;
  /** The last check (of any source) that saw no queue before it was first seen; null: none known. */
  queueCreatedAfterMs: number | null;
  /** The last moment a check showed no consumer (no queue, or 0 consumers less the figures' lag); null: none known. */
  consumerAttachedAfterMs: number | null;
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
  const latestBySource = new Map<QueueSourceKind, { q: QueueObservation; atMs: number }>();
  const history: QueueSample[] = [];
  const others = new Set<string>();
  let details: QueueConsumer[] | null = null;
  // Per source: its previous observation of the queue, and whether it has shown a consumer yet.
  const seen = new Map<QueueSourceKind, { previous: QueueObservation; sawConsumer: boolean }>();
  const noQueue: number[] = [];
  const noConsumer: number[] = [];

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
    // A source emits only changes: the check it began before this observation saw what it said last time.
    const before = seen.get(via);
    if (q.previousCheckBeforeMs !== undefined) {
      const checkBegan = roundMs(o.atMs - q.previousCheckBeforeMs);
      if (!before) {
        noQueue.push(checkBegan); // no queue yet, so no consumer either
        noConsumer.push(checkBegan);
      } else if (!before.sawConsumer && before.previous.consumers === 0) {
        const lag = before.previous.statsLagMs ?? (via === 'management' ? UNSTATED_MANAGEMENT_LAG_MS : 0);
        noConsumer.push(roundMs(checkBegan - lag));
      }
    }
    seen.set(via, { previous: q, sawConsumer: (before?.sawConsumer ?? false) || (q.consumers ?? 0) > 0 });
    latestBySource.set(via, { q, atMs: o.atMs });
    if (q.consumerDetails) details = q.consumerDetails;
    if (history.length < MAX_HISTORY) history.push({ atMs: o.atMs, source: via, messages: q.messages, consumers: q.consumers });
  }
  if (name === null || firstSeenMs === null) {
    return {
      queue: null,
      queueLog: null,
      queueCreatedMs: null,
      consumerAttachedMs: null,
      queueCreatedAfterMs: null,
      consumerAttachedAfterMs: null,
      createdVia: null,
      attachedVia: null,
      otherNames: [],
    };
  }
  const amqp = latestBySource.get('amqp');
  const events = latestBySource.get('events');
  const management = latestBySource.get('management')?.q;
  // Only bounds before the sighting count: a later "not yet" means the observations disagree (a lag estimate too small).
  const before = (bounds: number[], atMs: number | null) => (atMs === null ? null : latest(...bounds.filter((b) => b <= atMs)));
  const realTime = amqp && events ? (amqp.atMs >= events.atMs ? amqp : events) : (amqp ?? events);
  const figures = (realTime?.q ?? management)!;
  // The source that told when things happened, then where the figures and the consumer details came from.
  const watched = (events ?? amqp)?.q ?? management!;
  const source = [
    watched.source,
    ...(figures !== watched ? [`figures: ${figures.source}`] : []),
    ...(management && management !== watched ? [`consumer details: ${management.source}`] : []),
  ].join('; ');
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
    queueCreatedAfterMs: before(noQueue, firstSeenMs),
    consumerAttachedAfterMs: before(noConsumer, consumerAttachedMs),
    createdVia,
    attachedVia,
    otherNames: [...others],
  };
}
