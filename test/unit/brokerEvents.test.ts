// RabbitMQ's event exchange as the probe reads it: the messages as amqplib hands them over (headers
// recorded from Debian's rabbitmq-server 3.10.8), the events held until the job id is known, only the
// job's queue in the URL's vhost kept, the broker's stamps as lower bounds, and what the report then says.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyse } from '../../src/probe/analysis';
import {
  EVENTS_SOURCE,
  JobQueueEvents,
  notHappenedBy,
  parseBrokerEvent,
  type BrokerEvent,
  type EventClock,
} from '../../src/probe/broker/brokerEvents';
import { queueNameMatcher } from '../../src/probe/broker/queueNames';
import type { Stamp } from '../../src/probe/clock';
import type { Observation, QueueObservation, StampedObservation } from '../../src/probe/model';
import { DEFAULT_MATCH_RULES, defaultProbeOptions } from '../../src/probe/options';
import { podReadyTimeline } from '../fixtures/timelines';

const at = (ms: number) => ms as Stamp;

// As amqplib decodes them from a real broker (3.10.8): strings, numbers, arrays.
const QUEUE_CREATED = {
  user_who_performed_action: 'guest',
  exclusive: false,
  owner_pid: '',
  arguments: [],
  auto_delete: false,
  durable: false,
  name: 'grpc-job-19-5',
  vhost: '/',
  timestamp_in_ms: 1796524307476,
};
const CONSUMER_CREATED = {
  user_who_performed_action: 'guest',
  arguments: [],
  prefetch_count: 1,
  queue: 'grpc-job-19-5',
  vhost: '/',
  channel: '<cprobe36089@localhost.1796524303.816.0>',
  ack_required: true,
  exclusive: false,
  consumer_tag: 'amq.ctag-Nzq-o31WQwuSt1b_f3TzhQ',
  timestamp_in_ms: 1796524307578,
};

function event(kind: BrokerEvent['kind'], queue: string, arrivedAt: number, over: Partial<BrokerEvent> = {}): BrokerEvent {
  return {
    kind,
    vhost: '/',
    queue,
    consumerTag: kind === 'queue.created' ? null : 'amq.ctag-1',
    brokerMs: null,
    arrivedAt: at(arrivedAt),
    ...over,
  };
}

const matcherOf = (jobId: string) => queueNameMatcher(defaultProbeOptions('http://unused').broker, jobId).test;
const queuesOf = (observations: StampedObservation[]): (QueueObservation & { at: number })[] =>
  observations.flatMap((o) => (o.kind === 'queue.changed' ? [{ ...o.queue, at: o.at }] : []));

test('a queue event names its queue in `name`, a consumer event in `queue`; the broker stamp is kept', () => {
  assert.deepEqual(parseBrokerEvent('queue.created', QUEUE_CREATED, at(7)), {
    kind: 'queue.created',
    vhost: '/',
    queue: 'grpc-job-19-5',
    consumerTag: null,
    brokerMs: 1796524307476,
    arrivedAt: 7,
  });
  assert.deepEqual(parseBrokerEvent('consumer.created', CONSUMER_CREATED, at(9)), {
    kind: 'consumer.created',
    vhost: '/',
    queue: 'grpc-job-19-5',
    consumerTag: 'amq.ctag-Nzq-o31WQwuSt1b_f3TzhQ',
    brokerMs: 1796524307578,
    arrivedAt: 9,
  });
  // A byte array is a name too; no stamp is no stamp.
  const bytes = { ...CONSUMER_CREATED, queue: Buffer.from('grpc-job-19-5'), timestamp_in_ms: undefined };
  assert.deepEqual(
    [parseBrokerEvent('consumer.deleted', bytes, at(1))?.queue, parseBrokerEvent('consumer.deleted', bytes, at(1))?.brokerMs],
    ['grpc-job-19-5', null],
  );
});

test('events the probe does not use, and events without what it needs, are nothing', () => {
  assert.equal(parseBrokerEvent('queue.deleted', QUEUE_CREATED, at(1)), null);
  assert.equal(parseBrokerEvent('binding.created', QUEUE_CREATED, at(1)), null);
  assert.equal(parseBrokerEvent('queue.created', { ...QUEUE_CREATED, vhost: undefined }, at(1)), null);
  assert.equal(parseBrokerEvent('queue.created', CONSUMER_CREATED, at(1)), null, 'a queue event has a name');
  assert.equal(parseBrokerEvent('consumer.created', { ...CONSUMER_CREATED, consumer_tag: 7 }, at(1)), null);
  assert.equal(parseBrokerEvent('consumer.created', undefined, at(1)), null);
});

test("the broker's stamps as a lower bound: the probe's own consume sent at S, stamped B; an event stamped B + d happened after S + d − 1", () => {
  const clock: EventClock = { sentAt: at(1000), brokerMs: 5000 };
  assert.equal(notHappenedBy(event('queue.created', 'q', 1603, { brokerMs: 5600 }), clock), 1599);
  // A broker clock stepped forward: a bound at or after the arrival says nothing.
  assert.equal(notHappenedBy(event('queue.created', 'q', 1599, { brokerMs: 5600 }), clock), null);
  assert.equal(notHappenedBy(event('queue.created', 'q', 1603), clock), null, 'no stamp');
  assert.equal(notHappenedBy(event('queue.created', 'q', 1603, { brokerMs: 5600 }), null), null, 'no calibration');
});

test("held until the job id is known, then only the job's queue in the URL's vhost, stamped on arrival", () => {
  const events = new JobQueueEvents('/');
  events.clock = { sentAt: at(0), brokerMs: 10_000 };
  const before = [
    event('queue.created', 'grpc-job-19-50', 100, { brokerMs: 10_099 }), // a decoy: its id contains the job's
    event('queue.created', 'grpc-job-19-5', 120, { brokerMs: 10_117, vhost: 'other' }), // another vhost
    event('queue.created', 'grpc-job-19-5', 130, { brokerMs: 10_126 }),
    event('consumer.created', 'grpc-job-19-50', 140, { brokerMs: 10_139 }),
  ];
  for (const e of before) assert.deepEqual(events.add(e), []);
  const held = queuesOf(events.know(matcherOf('19-5')));
  assert.deepEqual(
    held.map((q) => ({ at: q.at, name: q.name, consumers: q.consumers, messages: q.messages, via: q.via, source: q.source })),
    [{ at: 130, name: 'grpc-job-19-5', consumers: 0, messages: null, via: 'events', source: EVENTS_SOURCE }],
  );
  // Stamped 126 ms after the calibration: after 0 + 126 − 1 = 125, 5 ms before it arrived.
  assert.equal(held[0]!.previousCheckBeforeMs, 5);
  const attached = queuesOf(events.add(event('consumer.created', 'grpc-job-19-5', 300, { brokerMs: 10_298, consumerTag: 'a' })));
  assert.deepEqual(
    attached.map((q) => [q.at, q.consumers, q.previousCheckBeforeMs]),
    [[300, 1, 3]],
  );
  assert.deepEqual(events.add(event('consumer.created', 'grpc-job-19-5', 310, { consumerTag: 'a' })), [], 'no change, no observation');
  assert.deepEqual(
    queuesOf(events.add(event('consumer.created', 'grpc-job-19-5', 320, { consumerTag: 'b' }))).map((q) => q.consumers),
    [2],
  );
  assert.deepEqual(
    queuesOf(events.add(event('consumer.deleted', 'grpc-job-19-5', 330, { consumerTag: 'a' }))).map((q) => q.consumers),
    [1],
  );
  assert.deepEqual(events.add(event('queue.created', 'grpc-job-19-50', 400)), [], 'decoys stay out after the job id too');
  assert.deepEqual(events.names, ['grpc-job-19-5']);
  assert.equal(events.overflowed, false);
});

test('a consumer event without its queue.created bounds nothing: the events never saw the queue missing', () => {
  const events = new JobQueueEvents('/');
  events.clock = { sentAt: at(0), brokerMs: 0 };
  events.know(matcherOf('2-1'));
  const [q] = queuesOf(events.add(event('consumer.created', 'grpc-job-2-1', 50, { brokerMs: 40 })));
  assert.equal(q!.consumers, 1);
  assert.equal(q!.previousCheckBeforeMs, undefined);
});

test('more events before the job id than can be held: the events are said to be incomplete', () => {
  const events = new JobQueueEvents('/', 2);
  for (const [i, name] of ['a', 'b', 'grpc-job-3-3'].entries()) events.add(event('queue.created', name, i));
  assert.equal(events.overflowed, true);
  assert.deepEqual(events.know(matcherOf('3-3')), [], 'the job queue came third and was not held');
});

test('the report: events tell when, the final look the figures, the management API the consumer details; the stamps bound both timings', () => {
  const events = new JobQueueEvents('/');
  const t0 = 10_000;
  events.clock = { sentAt: at(t0 - 30), brokerMs: 1_000 };
  events.know(matcherOf('4-2'));
  const pushed = [
    ...events.add(event('queue.created', 'grpc-job-4-2', t0 + 1612, { brokerMs: 1_000 + 1640 })),
    ...events.add(event('consumer.created', 'grpc-job-4-2', t0 + 1720, { brokerMs: 1_000 + 1747, consumerTag: 'c' })),
  ];
  const b = podReadyTimeline('4-2').broker(-5, 'amqp', 'watching').broker(150, 'management', 'watching');
  b.observations.push(...pushed.map((o): Observation => ({ ...o, atMs: o.at - t0 }) as Observation));
  b.queueVia('management', 1900, 0).queueVia('amqp', 4200, 1, 3);
  const last = b.observations.at(-1) as Extract<Observation, { kind: 'queue.changed' }>;
  last.queue.source = 'AMQP passive declare at the final look (real time)';
  const a = analyse(b.observations, DEFAULT_MATCH_RULES);
  assert.deepEqual(a.queueSeenVia, { created: 'events', attached: 'events', otherNames: [] });
  assert.deepEqual([a.timings.queueCreatedMs, a.timings.consumerAttachedMs], [1612, 1720]);
  // Stamped 1640 and 1747 ms after the probe's own consume (sent at −30): after 1609 and 1716.
  assert.deepEqual(a.timingWindows.queueCreatedMs, { afterMs: 1609, atOrBeforeMs: 1612 });
  assert.deepEqual(a.timingWindows.consumerAttachedMs, { afterMs: 1716, atOrBeforeMs: 1720 });
  assert.deepEqual({ consumers: a.queue!.consumers, messages: a.queue!.messages }, { consumers: 1, messages: 3 });
  assert.equal(
    a.queue!.source,
    `${EVENTS_SOURCE}; figures: AMQP passive declare at the final look (real time); consumer details: management API (statistics lag ≈5 s)`,
  );
  assert.deepEqual(
    a.logs.queue!.history.map((h) => [h.atMs, h.source, h.consumers, h.messages]),
    [
      [1612, 'events', 0, null],
      [1720, 'events', 1, null],
      [1900, 'management', 0, 0],
      [4200, 'amqp', 1, 3],
    ],
  );
});
