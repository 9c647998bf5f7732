// RabbitMQ's event exchange as observations of the job's queue. With the `rabbitmq_event_exchange` plugin
// the broker publishes each queue and consumer change of every vhost to the topic exchange
// `amq.rabbitmq.event` as it happens (an empty body, the properties in the headers). Pure: this file
// parses those messages, holds them (bounded) until the job id is known, keeps the job's and turns them
// into `queue.changed` observations stamped with their arrival.
//
// Times. An observation's time is when its message arrived (the probe's monotonic clock): the change
// happened at or before it. The lower bound comes from the broker's own stamp (`timestamp_in_ms`, its
// wall clock, whole ms), placed on the probe's clock by the probe's own consumer: the broker stamps the
// `consumer.created` of the subscription while it handles the probe's `basic.consume`, so that stamp
// was taken after the probe sent the request. A later event stamped `d` ms after it was therefore
// stamped after `sentAt + d − 1` (1 ms for the two stamps' truncation). The broker stamps an event as it
// finishes the declare or consume, so the bound is for the broker's record of the change; a broker clock
// stepped forward during the run could make it too late, and a bound at or after the arrival is dropped.
import type { Stamp } from '../clock';
import type { QueueObservation, StampedObservation } from '../model';

export const EVENT_EXCHANGE = 'amq.rabbitmq.event';

/** The events the probe binds: a queue appears, a consumer attaches or goes. */
export const EVENT_ROUTING_KEYS = ['queue.created', 'consumer.created', 'consumer.deleted'] as const;
export type BrokerEventKind = (typeof EVENT_ROUTING_KEYS)[number];

/** What the report says about figures from this source. */
export const EVENTS_SOURCE = 'RabbitMQ event exchange (pushed as they happen, real time)';

/** Events held while the job id is unknown (between the subscription and the configure answer). */
export const MAX_HELD_EVENTS = 5_000;

export interface BrokerEvent {
  kind: BrokerEventKind;
  vhost: string;
  /** The queue the event is about (`name` of a queue event, `queue` of a consumer event). */
  queue: string;
  /** Consumer events only. */
  consumerTag: string | null;
  /** The broker's stamp (`timestamp_in_ms`: its wall clock, ms); null when absent. */
  brokerMs: number | null;
  /** When the message arrived, on the probe's clock. */
  arrivedAt: Stamp;
}

/** The broker's stamp of the probe's own `consumer.created`, and when the probe sent that `basic.consume`. */
export interface EventClock {
  sentAt: Stamp;
  brokerMs: number;
}

type Headers = Record<string, unknown>;
const obj = (v: unknown): Headers => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Headers) : {});
/** amqplib decodes a long string as a string and a byte array as a Buffer; both may carry a name. */
const str = (v: unknown): string | null => (typeof v === 'string' ? v : Buffer.isBuffer(v) ? v.toString('utf8') : null);

function isKind(key: string): key is BrokerEventKind {
  return (EVENT_ROUTING_KEYS as readonly string[]).includes(key);
}

/** One message of `amq.rabbitmq.event` as an event; null when it is not one the probe uses or lacks what it needs. */
export function parseBrokerEvent(routingKey: string, headers: unknown, arrivedAt: Stamp): BrokerEvent | null {
  if (!isKind(routingKey)) return null;
  const h = obj(headers);
  const vhost = str(h.vhost);
  const consumer = routingKey !== 'queue.created';
  const queue = str(consumer ? h.queue : h.name);
  const consumerTag = consumer ? str(h.consumer_tag) : null;
  if (vhost === null || queue === null || (consumer && consumerTag === null)) return null;
  const ts = h.timestamp_in_ms;
  const brokerMs = typeof ts === 'number' && Number.isFinite(ts) ? ts : null;
  return { kind: routingKey, vhost, queue, consumerTag, brokerMs, arrivedAt };
}

/** The last moment the event surely had not happened yet (see the top of the file); null when unknown. */
export function notHappenedBy(event: BrokerEvent, clock: EventClock | null): Stamp | null {
  if (clock === null || event.brokerMs === null) return null;
  const bound = clock.sentAt + (event.brokerMs - clock.brokerMs) - 1;
  return bound < event.arrivedAt ? (bound as Stamp) : null;
}

interface QueueState {
  /** Its `queue.created` arrived (so it had no consumer before, and the bound holds for the queue too). */
  created: boolean;
  consumers: Set<string>;
}

/**
 * The job's queues as the events tell them. Events are added as they arrive; until the job's names are
 * known they are held (at most `maxHeld`; past it `overflowed` says the events can no longer be trusted
 * to be complete). Each change of a queue of the job becomes one observation.
 */
export class JobQueueEvents {
  private held: BrokerEvent[] = [];
  private overflow = false;
  private matches: ((name: string) => boolean) | null = null;
  private readonly queues = new Map<string, QueueState>();
  /** Set once the probe's own consumer event arrived. */
  clock: EventClock | null = null;

  constructor(
    private readonly vhost: string,
    private readonly maxHeld = MAX_HELD_EVENTS,
  ) {}

  /** More events arrived while the job was unknown than could be held: some may be lost. */
  get overflowed(): boolean {
    return this.overflow;
  }

  /** The job's queues the events named, in the order they first did. */
  get names(): string[] {
    return [...this.queues.keys()];
  }

  /** An event arrived: the observations it makes (none while the job is unknown: then it is held). */
  add(event: BrokerEvent): StampedObservation[] {
    if (event.vhost !== this.vhost) return [];
    if (this.matches === null) {
      if (this.held.length < this.maxHeld) this.held.push(event);
      else this.overflow = true;
      return [];
    }
    return this.apply(event);
  }

  /** The job is known (`matches` tells its queue names): the held events' observations, in arrival order. */
  know(matches: (name: string) => boolean): StampedObservation[] {
    this.matches = matches;
    const held = this.held;
    this.held = [];
    return held.flatMap((e) => this.apply(e));
  }

  private apply(event: BrokerEvent): StampedObservation[] {
    if (!this.matches!(event.queue)) return [];
    let state = this.queues.get(event.queue);
    const before = state?.consumers.size ?? null;
    if (event.kind === 'queue.created') {
      // A queue declared anew (after a delete) starts empty.
      state = { created: true, consumers: new Set() };
    } else {
      state ??= { created: false, consumers: new Set() };
      if (event.kind === 'consumer.created') state.consumers.add(event.consumerTag!);
      else state.consumers.delete(event.consumerTag!);
    }
    this.queues.set(event.queue, state);
    if (event.kind !== 'queue.created' && before === state.consumers.size) return [];
    const queue: QueueObservation = {
      name: event.queue,
      firstSeenMs: 0,
      // The events carry no message counts.
      messages: null,
      consumers: state.consumers.size,
      source: EVENTS_SOURCE,
      via: 'events',
    };
    // Without its queue.created the source never saw the queue missing: no bound.
    const bound = state.created ? notHappenedBy(event, this.clock) : null;
    if (bound !== null) queue.previousCheckBeforeMs = Math.round((event.arrivedAt - bound) * 1000) / 1000;
    return [{ kind: 'queue.changed', at: event.arrivedAt, queue }];
  }
}
