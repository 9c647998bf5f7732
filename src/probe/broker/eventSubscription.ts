// Subscribes to RabbitMQ's event exchange on an open AMQP connection: a passive declare of
// `amq.rabbitmq.event` (absent when the plugin is off, or in another vhost: then there is nothing to
// subscribe to), a server-named exclusive auto-delete queue bound to the events the probe uses, and a
// consumer on it. The subscription counts as live only once the probe's own `consumer.created` came back
// through it, which also places the broker's stamps on the probe's clock (brokerEvents.ts).
import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib';
import type { Stamp } from '../clock';
import { settleWithin } from '../abortableDelay';
import { EVENT_EXCHANGE, EVENT_ROUTING_KEYS, parseBrokerEvent, type BrokerEvent, type EventClock } from './brokerEvents';

export interface EventSubscription {
  /** Where the broker's stamps sit on the probe's clock; null when the broker does not stamp its events. */
  readonly clock: EventClock | null;
  /** Settles when the subscription stops delivering: the broker cancelled the consumer or closed its channel. */
  readonly lost: Promise<void>;
  /** Closes its channel (the queue goes with it); does not wait for the broker. */
  close(): void;
}

export interface SubscribeOptions {
  now: () => Stamp;
  signal: AbortSignal;
  /** Every event of the exchange the probe binds, in arrival order (not the probe's own consumer's). */
  onEvent: (event: BrokerEvent) => void;
  /** An answer the broker owes within the check deadline (the monitor drops the connection past it). */
  bounded: <T>(promise: Promise<T>, what: string) => Promise<T>;
  /** How long the probe's own consumer event may take to come back. */
  echoTimeoutMs: number;
  /** The consumer tag the probe's own `consumer.created` carries. */
  tag: string;
}

/**
 * The live subscription, or null when the broker offers none to this user on this vhost (no exchange,
 * a refused declare or bind, no echo of the probe's own consumer, no answer in time). Rejects only when
 * the signal aborts.
 */
export async function subscribeToEvents(model: ChannelModel, opts: SubscribeOptions): Promise<EventSubscription | null> {
  const { bounded } = opts;
  // Its own channel: a failing passive declare closes the channel it was made on.
  let channel: Channel;
  try {
    channel = await bounded(model.createChannel(), 'opening a channel');
  } catch (e) {
    if (opts.signal.aborted) throw e;
    return null;
  }
  channel.on('error', () => undefined); // a refused declare or bind closes the channel; its rejection says so
  let markLost!: () => void;
  const lost = new Promise<void>((resolve) => (markLost = resolve));
  channel.on('close', () => markLost());
  const close = () => void channel.close().catch(() => undefined);
  let echoed!: (brokerMs: number | null) => void;
  const echo = new Promise<number | null>((resolve) => (echoed = resolve));

  const onMessage = (msg: ConsumeMessage | null) => {
    if (msg === null) return markLost(); // the broker cancelled the consumer
    const event = parseBrokerEvent(msg.fields.routingKey, msg.properties.headers, opts.now());
    if (event === null) return;
    if (event.kind === 'consumer.created' && event.consumerTag === opts.tag) return echoed(event.brokerMs);
    opts.onEvent(event);
  };

  try {
    await bounded(channel.checkExchange(EVENT_EXCHANGE), `the passive declare of exchange ${EVENT_EXCHANGE}`);
    const { queue } = await bounded(
      channel.assertQueue('', { exclusive: true, autoDelete: true, durable: false }),
      'declaring the event queue',
    );
    for (const key of EVENT_ROUTING_KEYS) await bounded(channel.bindQueue(queue, EVENT_EXCHANGE, key), `binding ${key}`);
    const sentAt = opts.now();
    await bounded(channel.consume(queue, onMessage, { noAck: true, exclusive: true, consumerTag: opts.tag }), 'consuming events');
    const brokerMs = await settleWithin(echo, opts.echoTimeoutMs, opts.signal, 'no echo of the event consumer');
    return { clock: brokerMs === null ? null : { sentAt, brokerMs }, lost, close };
  } catch (e) {
    // Refused (404 no such exchange, 403), no echo in time, or no answer (the connection was dropped):
    // no subscription; the monitor checks by polling, and reports what that meets.
    close();
    if (opts.signal.aborted) throw e;
    return null;
  }
}
