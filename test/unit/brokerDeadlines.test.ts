// The broker monitors against peers that never finish answering: a management API that trickles its
// answer or floods it, an AMQP port that trickles its handshake or never answers a passive declare.
// Each becomes one "cannot read / check / connect" line within its deadline, and the monitor still stops.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Stamp } from '../../src/probe/clock';
import type { BrokerAccess, StampedObservation } from '../../src/probe/model';
import { defaultProbeOptions, type BrokerOptions } from '../../src/probe/options';
import { startAmqpQueueMonitor } from '../../src/probe/broker/amqpQueueMonitor';
import { startManagementQueueMonitor } from '../../src/probe/broker/managementQueueMonitor';
import { hostileAmqp } from '../helpers/hostileAmqp';
import { hostileServer, streamHugeText, trickle } from '../helpers/hostileHttp';
import { waitFor, withDeadline } from '../helpers/waitFor';

type Started = { onJobId(id: string): void; done: Promise<void> };
type Deps = { emit: (o: StampedObservation) => void; signal: AbortSignal; now: () => Stamp };

const broker = <T extends Partial<BrokerOptions>>(over: T): BrokerOptions & T => ({
  ...defaultProbeOptions('http://unused').broker,
  ...over,
});

/** Starts a monitor for job 1-1 and returns its first "unavailable" reason (5 s at most), then stops it and checks that it stops. */
async function firstUnavailable(start: (deps: Deps) => Started, also?: () => boolean): Promise<string> {
  const seen: StampedObservation[] = [];
  const controller = new AbortController();
  const monitor = start({ emit: (o) => seen.push(o), signal: controller.signal, now: () => performance.now() as Stamp });
  monitor.onJobId('1-1');
  const unavailable = () =>
    seen
      .filter((o): o is Extract<StampedObservation, { kind: 'broker.access' }> => o.kind === 'broker.access')
      .map((o) => o.access)
      .find((a): a is Extract<BrokerAccess, { state: 'unavailable' }> => a.state === 'unavailable');
  try {
    const found = await waitFor(() => unavailable(), { what: 'the monitor to report the broker unavailable', timeoutMs: 5000 });
    if (also) await waitFor(also, { what: 'the monitor to try again', timeoutMs: 5000 });
    return found.reason;
  } finally {
    controller.abort();
    await withDeadline(monitor.done, { what: 'the monitor to stop', timeoutMs: 3000 });
  }
}

const management = (managementUrl: string) => (deps: Deps) =>
  startManagementQueueMonitor({ broker: broker({ managementUrl }), requestTimeoutMs: 300, ...deps });

test('management API: an answer trickled a byte at a time ends at the deadline on the whole answer', async (t) => {
  const server = await hostileServer(t, (_req, res) => trickle(res, '['));
  assert.equal(await firstUnavailable(management(server.url)), `cannot read queues from ${server.url}: no complete answer within 0.3 s`);
});

test('management API: an answer larger than the cap is cut, not read whole, and said to be too large', async (t) => {
  let written: Promise<number> | null = null;
  const server = await hostileServer(t, (_req, res) => {
    written = streamHugeText(res, 200, 'application/json', '{"name":"grpc-job-0-0","consumers":0,"messages":0},', 50 * 1024 * 1024);
  });
  assert.equal(
    await firstUnavailable(management(server.url)),
    `cannot read queues from ${server.url}: the answer for the queues of vhost "/" is larger than 4 MiB: is this the RabbitMQ management API?`,
  );
  assert.ok((await written!) < 20 * 1024 * 1024, 'the rest of the 50 MB was never read');
});

test('AMQP: a peer that trickles its handshake is given up at the connect deadline', async (t) => {
  const peer = await hostileAmqp(t, 'trickle-handshake');
  const label = peer.url.replace('guest:guest@', '').replace(/\/$/, '');
  const reason = await firstUnavailable((deps) =>
    startAmqpQueueMonitor({ broker: broker({ amqpUrl: peer.url }), connectTimeoutMs: 300, ...deps }),
  );
  assert.equal(reason, `cannot connect to ${label}: no complete AMQP handshake within 0.3 s`);
});

test('AMQP: a broker that never answers a passive declare: one line at the check deadline, the connection dropped and opened anew', async (t) => {
  const peer = await hostileAmqp(t, 'silent-declare');
  const label = peer.url.replace('guest:guest@', '').replace(/\/$/, '');
  const reason = await firstUnavailable(
    (deps) => startAmqpQueueMonitor({ broker: broker({ amqpUrl: peer.url }), connectTimeoutMs: 2000, checkTimeoutMs: 300, ...deps }),
    () => peer.connections() >= 2 && peer.declares() >= 2,
  );
  assert.equal(reason, `cannot check queues on ${label}: no answer to the passive declare of grpc-job-1-1 within 0.3 s`);
});
