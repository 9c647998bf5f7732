// The AMQP monitor on a real RabbitMQ whose event exchange is on (`rabbitmq_event_exchange`, shipped with
// Debian's rabbitmq-server; one throwaway node for this file): the probe subscribes before t0 and learns
// of the job's queue and consumer as the broker publishes them, within 10 ms of the sandbox's ground
// truth (the step happened between its send and the broker's confirmation), without polling; a vhost without the exchange, or a user who may not declare the event queue,
// falls back to the passive declare without a word. (rabbitmq.test.ts covers a node without the plugin.)
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'amqplib';
import { startAmqpQueueMonitor } from '../../src/probe/broker/amqpQueueMonitor';
import type { Stamp } from '../../src/probe/clock';
import type { QueueObservation, StampedObservation } from '../../src/probe/model';
import { defaultProbeOptions, type BrokerOptions } from '../../src/probe/options';
import { renderJson } from '../../src/probe/report/json';
import { WIDE_WINDOW_MS } from '../../src/probe/report/format';
import { profileByName } from '../../src/sandbox/profiles';
import { rabbitmqSkip, startRabbitMQ, type RabbitNode } from '../helpers/rabbitmq';
import { abortOnceQueueSeen, assertWindowMeetsBrokerStep, assertWithinBrokerStep, probeOnBroker } from '../helpers/realBrokerProbe';
import { assertReportContract } from '../helpers/reportContract';
import { waitFor, withDeadline } from '../helpers/waitFor';

const skip = rabbitmqSkip();
/**
 * The bound for pushed events, after the broker's step: the sandbox knows it happened between
 * sending it and the broker's confirmation (a classic queue's declare alone takes 2–8 ms on this machine).
 */
const EVENTS_LATE_MS = 10;
const EVENTS_SOURCE = 'RabbitMQ event exchange (pushed as they happen, real time)';

let node: RabbitNode;
const teardown: (() => unknown)[] = [];
before(async () => {
  if (!skip) node = await startRabbitMQ({ after: (fn) => teardown.push(fn) }, { eventExchange: true });
});
after(() => Promise.all(teardown.map((fn) => fn())));

const broker = <T extends Partial<BrokerOptions>>(over: T): BrokerOptions & T => ({
  ...defaultProbeOptions('http://unused').broker,
  ...over,
});

/** The AMQP monitor alone, ready (subscribed or not) before `onJobId`, as a run drives it. */
async function startMonitor(amqpUrl: string) {
  const seen: StampedObservation[] = [];
  const controller = new AbortController();
  const monitor = startAmqpQueueMonitor({
    broker: broker({ amqpUrl }),
    emit: (o) => seen.push(o),
    signal: controller.signal,
    now: () => performance.now() as Stamp,
    connectTimeoutMs: 2000,
  });
  await monitor.ready;
  monitor.onT0();
  const queues = () =>
    seen.filter((o): o is Extract<StampedObservation, { kind: 'queue.changed' }> => o.kind === 'queue.changed').map((o) => o.queue);
  const stop = async () => {
    controller.abort();
    await withDeadline(monitor.done, { what: 'the monitor to stop', timeoutMs: 3000 });
  };
  return { monitor, seen, queues, stop };
}

/** A client of its own that declares (and later deletes) queues, with a consumer on the first. */
async function declarer(t: { after(fn: () => unknown): void }, url: string) {
  const conn = await connect(url);
  const ch = await conn.createChannel();
  const declared: string[] = [];
  t.after(async () => {
    for (const q of declared) await ch.deleteQueue(q).catch(() => undefined);
    await conn.close().catch(() => undefined); // the test may have deleted its vhost
  });
  return {
    async declare(name: string, consume = false) {
      await ch.assertQueue(name, { durable: false, arguments: { 'x-expires': 60_000 } });
      declared.push(name);
      if (consume) await ch.consume(name, () => undefined);
    },
  };
}

describe('a real broker with the event exchange', { skip }, () => {
  test('queueCreatedMs and consumerAttachedMs come from the pushed events, within 10 ms of the broker step', async (t) => {
    // One run that ends with the consumer ready, one at the timeout.
    for (const profile of ['healthy', 'metadata_never_ready']) {
      const run = await probeOnBroker(t, node, profile);
      assert.equal(run.report.scenario.id, profileByName(profile)!.expectedScenario);
      assert.equal(
        run.report.queue?.source,
        `${EVENTS_SOURCE}; figures: AMQP passive declare at the final look (real time); consumer details: management API (statistics lag ≈5 s)`,
      );
      for (const key of ['queueCreatedMs', 'consumerAttachedMs'] as const) {
        const { afterSent, afterConfirmed } = assertWithinBrokerStep(run, key, EVENTS_LATE_MS);
        t.diagnostic(
          `${profile}: ${key} ${afterSent.toFixed(1)} ms after the step was sent, ${afterConfirmed.toFixed(1)} ms after the broker confirmed it`,
        );
      }
      // The broker's own stamps bound both from below: a narrow window that holds the truth.
      for (const key of ['queueCreatedMs', 'consumerAttachedMs'] as const) {
        const width = assertWindowMeetsBrokerStep(run, key);
        t.diagnostic(`${profile}: ${key} window ${width.toFixed(1)} ms wide`);
        assert.ok(width <= WIDE_WINDOW_MS, `${key}: window ${width.toFixed(1)} ms wide through the events`);
      }
      const queue = run.report.queue!;
      assert.equal(queue.name, `grpc-job-${run.report.jobId}`, "the job's queue, not a decoy whose id contains the job id");
      assert.deepEqual({ consumers: queue.consumers, messages: queue.messages }, { consumers: 1, messages: 0 });
      const history = run.report.logs.queue!.history;
      assert.deepEqual(
        history.filter((h) => h.source === 'events').map((h) => h.consumers),
        [0, 1],
      );
      // No polling while the events flow: one passive declare, at the final look (after the last metadata attempt).
      const declares = history.filter((h) => h.source === 'amqp');
      assert.equal(declares.length, 1, JSON.stringify(history));
      assert.ok(declares[0]!.atMs >= run.report.metadataAttempts.at(-1)!.atMs, JSON.stringify(history));
      assertReportContract(JSON.parse(renderJson(run.report)));
    }
  });

  test("events that come before the job id are held, then only the job's queue in the URL's vhost is reported", async (t) => {
    await node.api('PUT', '/api/vhosts/elsewhere');
    await node.api('PUT', '/api/permissions/elsewhere/guest', { configure: '.*', write: '.*', read: '.*' });
    t.after(() => node.api('DELETE', '/api/vhosts/elsewhere'));
    const probe = await startMonitor(node.amqpUrl);
    t.after(probe.stop);
    const here = await declarer(t, node.amqpUrl);
    const there = await declarer(t, `${node.amqpUrl}/elsewhere`);
    // Before the job id: the job's queue with a consumer, a decoy whose id contains the job's, the same name elsewhere.
    await there.declare('grpc-job-4-7', true);
    await here.declare('grpc-job-4-70', true);
    const declared = performance.now();
    await here.declare('grpc-job-4-7', true);
    const consumed = performance.now();
    await new Promise((r) => setTimeout(r, 50)); // the events arrive meanwhile, and are held
    assert.deepEqual(probe.queues(), []);
    probe.monitor.onJobId('4-7');
    await waitFor(() => probe.queues().length >= 2, { what: 'the held events to be reported' });
    const queues = probe.queues() as QueueObservation[];
    assert.deepEqual(
      queues.map((q) => ({ name: q.name, consumers: q.consumers, via: q.via })),
      [
        { name: 'grpc-job-4-7', consumers: 0, via: 'events' },
        { name: 'grpc-job-4-7', consumers: 1, via: 'events' },
      ],
    );
    // Stamped on arrival (before the job id), each bounded below by the broker's stamp.
    const [createdAt, attachedAt] = probe.seen.filter((o) => o.kind === 'queue.changed').map((o) => o.at);
    assert.ok(createdAt! > declared && attachedAt! >= createdAt! && attachedAt! < consumed + 50);
    for (const q of queues) assert.ok(q.previousCheckBeforeMs !== undefined && q.previousCheckBeforeMs < 50, JSON.stringify(q));
  });

  test('a vhost without the event exchange: the passive declare, and no word about the events', async (t) => {
    await node.api('PUT', '/api/vhosts/plain');
    await node.api('PUT', '/api/permissions/plain/guest', { configure: '.*', write: '.*', read: '.*' });
    t.after(() => node.api('DELETE', '/api/vhosts/plain'));
    const probe = await startMonitor(`${node.amqpUrl}/plain`);
    t.after(probe.stop);
    probe.monitor.onJobId('5-1');
    await (await declarer(t, `${node.amqpUrl}/plain`)).declare('grpc-job-5-1', true);
    await waitFor(() => probe.queues().some((q) => q.consumers === 1), { what: 'the passive declare to see the consumer' });
    assert.ok(probe.queues().every((q) => q.via === 'amqp' && q.source === 'AMQP passive declare every 25 ms (real time)'));
    assert.deepEqual(
      probe.seen.filter((o) => o.kind === 'broker.access').map((o) => o.kind === 'broker.access' && o.access),
      [{ state: 'watching', source: 'AMQP passive declare every 25 ms (real time)', via: 'amqp' }],
    );
  });

  test('a user who may not declare the event queue: the passive declare, and no word about the events', async (t) => {
    const password = 'ev-s3cret-77';
    await node.api('PUT', '/api/users/no-configure', { password, tags: '' });
    await node.api('PUT', '/api/permissions/%2F/no-configure', { configure: '^$', write: '^$', read: '.*' });
    t.after(() => node.api('DELETE', '/api/users/no-configure'));
    const probe = await startMonitor(`amqp://no-configure:${password}@127.0.0.1:${node.amqpPort}/`);
    t.after(probe.stop);
    probe.monitor.onJobId('5-2');
    await (await declarer(t, node.amqpUrl)).declare('grpc-job-5-2', true);
    await waitFor(() => probe.queues().some((q) => q.consumers === 1), { what: 'the passive declare to see the consumer' });
    assert.ok(probe.queues().every((q) => q.via === 'amqp'));
    assert.ok(probe.seen.every((o) => o.kind !== 'broker.access' || o.access.state === 'watching'));
  });

  test('an abort mid-run closes the subscription, the connections and the sandbox; nothing is left', async () => {
    const report = await abortOnceQueueSeen(node, 'events');
    assert.equal(report.scenario.severity, 'inconclusive');
    assert.ok(report.queue?.source.startsWith(EVENTS_SOURCE), report.queue?.source);
    // The broker dropped the probe's server-named event queue with its connection.
    await waitFor(
      async () => ((await node.api('GET', '/api/queues/%2F')).body as { name: string }[]).every((q) => !q.name.startsWith('amq.gen-')),
      { what: "the probe's event queue to be gone" },
    );
  });
});
