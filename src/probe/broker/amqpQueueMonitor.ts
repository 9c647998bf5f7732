// Watches the job's queue over AMQP. Push where the broker allows it: when RabbitMQ's event exchange
// (`rabbitmq_event_exchange`) is there, the monitor subscribes to it before t0 and learns of the job's
// queue and consumers as they happen (eventSubscription.ts, brokerEvents.ts), with one passive declare
// at the final look for the figures events do not carry. Otherwise, or when the subscription is lost,
// it polls: a passive `queue.declare` (amqplib `checkQueue`), which the broker answers from the queue
// itself: consumers and ready messages in real time, unlike the management API's statistics. A missing
// queue makes the broker close the channel (404), so a fresh channel is opened for the next check. Names
// come from the patterns without `{suffix}`, plus any name the events or the management monitor found
// (its `queue.changed` observations on the run's stream). Connecting (TCP, TLS, the AMQP handshake) and
// each check have a deadline: a broker that stops answering becomes a "cannot check" line and a fresh
// connection for the next check, never a run that waits for it.
import { randomBytes } from 'node:crypto';
import { connect, credentials, type Channel, type ChannelModel, type SocketOptions } from 'amqplib';
import type { Stamp } from '../clock';
import type { BrokerOptions } from '../options';
import type { QueueObservation, StampedObservation } from '../model';
import type { Monitor, MonitorRun } from '../monitor';
import { abortableDelay, DeadlineExceeded, settleWithin, untilAborted } from '../abortableDelay';
import { describeError } from '../errors';
import { oneLine } from '../text';
import { EVENTS_SOURCE, JobQueueEvents } from './brokerEvents';
import { subscribeToEvents, type EventSubscription } from './eventSubscription';
import { queueNameMatcher } from './queueNames';

export const DEFAULT_AMQP_POLL_MS = 25;

/** `AMQP passive declare every 25 ms (real time)`: what the report says about figures from this source. */
export function amqpSource(intervalMs = DEFAULT_AMQP_POLL_MS): string {
  return `AMQP passive declare every ${intervalMs} ms (real time)`;
}

/** The figures of the final look's passive declare when the events told when things happened. */
export const FINAL_LOOK_SOURCE = 'AMQP passive declare at the final look (real time)';

/** How long the probe's own consumer event may take to come back through a new subscription. */
const EVENT_ECHO_TIMEOUT_MS = 2_000;

export interface AmqpQueueMonitorOptions {
  broker: BrokerOptions & { amqpUrl: string };
  now: () => Stamp;
  emit: (o: StampedObservation) => void;
  signal: AbortSignal;
  /** The whole connect: TCP, TLS and the AMQP handshake. */
  connectTimeoutMs: number;
  /** Opening a channel, or one passive declare; past it the connection is dropped. Default: `connectTimeoutMs`. */
  checkTimeoutMs?: number;
}

export interface AmqpQueueMonitor extends MonitorRun {
  /** A queue name learned elsewhere (the management API found a suffixed queue). */
  addQueueName(name: string): void;
}

/** The passive-declare check as a source, when an AMQP URL is given; it also checks every queue the management API found. */
export const amqpQueueMonitor: Monitor = {
  name: 'broker (AMQP)',
  start({ options, now, emit, signal, requestTimeoutMs, observations }) {
    const { amqpUrl } = options.broker;
    if (!amqpUrl) return null;
    const monitor = startAmqpQueueMonitor({
      broker: { ...options.broker, amqpUrl },
      now,
      emit,
      signal,
      connectTimeoutMs: Math.min(requestTimeoutMs, 3_000),
      checkTimeoutMs: requestTimeoutMs,
    });
    const unsubscribe = observations.on('queue.changed', (o) => {
      if (o.queue.via !== 'amqp') monitor.addQueueName(o.queue.name);
    });
    void monitor.done.finally(unsubscribe);
    return monitor;
  },
};

/** amqplib's URL without user info, the credentials apart, and a label safe to print. */
export function amqpEndpoint(broker: Pick<BrokerOptions, 'username' | 'password'> & { amqpUrl: string }): {
  url: string;
  label: string;
  username: string | null;
  password: string;
  vhost: string;
} {
  const url = new URL(broker.amqpUrl);
  const fromUrl = url.username !== '' || url.password !== '';
  const username = fromUrl ? decodeURIComponent(url.username) : (broker.username ?? null);
  const password = fromUrl ? decodeURIComponent(url.password) : (broker.password ?? '');
  url.username = '';
  url.password = '';
  const label = `${url.protocol}//${url.host}${url.pathname && url.pathname !== '/' ? url.pathname : ''}`;
  const vhost = url.pathname.length > 1 ? decodeURIComponent(url.pathname.slice(1)) : '/';
  return { url: url.toString(), label, username, password, vhost };
}

/** amqplib's errors, without the noise, as one line; `vhost` names the one the URL asked for. */
export function describeAmqpError(e: unknown, vhost = '/'): string {
  const text = describeError(e);
  if (/ACCESS[-_]REFUSED/.test(text)) return 'ACCESS_REFUSED: the broker refused the credentials';
  // amqplib drops the reason when the broker refuses connection.open: that is the vhost.
  if (/NOT_ALLOWED|Expected ConnectionOpenOk; got <ConnectionClose/.test(text)) {
    return `NOT_ALLOWED: no access to vhost "${oneLine(vhost, 100)}" (it does not exist, or the user may not use it)`;
  }
  return oneLine(text.replace(/^Handshake terminated by server: /, ''), 200);
}

/** An open connection on which the broker did not answer in time (it was then dropped). */
class NoAnswer extends Error {}

function isNotFound(e: unknown): boolean {
  return (e as { code?: unknown })?.code === 404;
}

export function startAmqpQueueMonitor(opts: AmqpQueueMonitorOptions): AmqpQueueMonitor {
  const { broker, signal } = opts;
  const endpoint = amqpEndpoint(broker);
  const interval = broker.amqpPollIntervalMs ?? DEFAULT_AMQP_POLL_MS;
  const checkTimeoutMs = opts.checkTimeoutMs ?? opts.connectTimeoutMs;
  const seconds = (ms: number) => `${ms / 1000} s`;
  const names: string[] = [];
  const addName = (name: string) => {
    if (!names.includes(name)) names.push(name);
  };
  const lastKey = new Map<string, string>();
  /** When the last successful check of each name began: it saw what the last emitted observation says (or no queue). */
  const lastCheckStarted = new Map<string, Stamp>();
  let jobId: string | null = null;
  let provideJobId!: (id: string) => void;
  const jobIdKnown = new Promise<string>((resolve) => (provideJobId = resolve));
  let model: ChannelModel | null = null;
  let channel: Channel | null = null;
  /** What the monitor watches through: the events, or the passive declare every interval. */
  let watchingSource = amqpSource(interval);
  /** What a passive declare's figures are said to come from (polled, or only at the final look). */
  let checkSource = amqpSource(interval);
  let lastAccess = '';
  let t0Passed = false;
  /** The job's queues as the broker's events told them; held until the job id is known. */
  const events = new JobQueueEvents(endpoint.vhost);
  let subscription: EventSubscription | null = null;

  const emitAccess = (next: { state: 'watching' } | { state: 'unavailable'; reason: string }) => {
    const key = next.state === 'watching' ? `watching\u0000${watchingSource}` : `unavailable\u0000${next.reason}`;
    if (key === lastAccess) return;
    lastAccess = key;
    const access =
      next.state === 'watching'
        ? { state: 'watching' as const, source: watchingSource, via: 'amqp' as const }
        : { state: 'unavailable' as const, reason: next.reason, via: 'amqp' as const };
    opts.emit({ kind: 'broker.access', at: opts.now(), access });
  };
  const unavailable = () => lastAccess.startsWith('unavailable');

  async function open(): Promise<ChannelModel> {
    // amqplib's `timeout` is an idle timer on the socket: a peer that trickles its handshake restarts it
    // forever. So the whole connect has a deadline, and the socket gets a signal that destroys it when the
    // deadline passes or the run stops while it is still connecting.
    const connecting = new AbortController();
    // amqplib hands these to net.connect / tls.connect, which honour `signal` (amqplib's types omit it).
    const socketOptions: SocketOptions & { signal: AbortSignal } = {
      noDelay: true, // without it every check waits ≈40 ms for a delayed ACK
      timeout: opts.connectTimeoutMs,
      signal: connecting.signal,
      clientProperties: { connection_name: 'consumer-probe (queue checks and events)' },
      ...(endpoint.username !== null ? { credentials: credentials.plain(endpoint.username, endpoint.password) } : {}),
    };
    const pending = connect(endpoint.url, socketOptions);
    let m: ChannelModel;
    try {
      m = await settleWithin(pending, opts.connectTimeoutMs, signal, `no complete AMQP handshake within ${seconds(opts.connectTimeoutMs)}`);
    } catch (e) {
      connecting.abort();
      pending.then(closeQuietly, () => undefined); // had it opened after all
      throw e;
    }
    m.on('error', () => undefined); // reported through 'close'
    m.on('close', () => {
      if (model === m) {
        model = null;
        channel = null;
        if (!signal.aborted) emitAccess({ state: 'unavailable', reason: `connection to ${endpoint.label} closed` });
      }
    });
    return m;
  }

  let connecting: Promise<ChannelModel> | null = null;
  let opening: Promise<Channel> | null = null;

  /** The open connection, or one being opened (never two at once). */
  function ensureConnection(): Promise<ChannelModel> {
    if (model) return Promise.resolve(model);
    connecting ??= (async () => {
      const m = await open();
      if (signal.aborted) {
        await closeQuietly(m);
        signal.throwIfAborted();
      }
      model = m;
      return m;
    })().finally(() => {
      connecting = null;
    });
    return connecting;
  }

  /** The open channel for passive declares, or one being opened. */
  function ensureChannel(): Promise<Channel> {
    if (channel) return Promise.resolve(channel);
    opening ??= (async () => {
      const m = await ensureConnection();
      const ch = await bounded(m.createChannel(), 'opening a channel');
      ch.on('error', () => undefined); // a 404 closes the channel; the check's own rejection says so
      ch.on('close', () => {
        if (channel === ch) channel = null;
      });
      channel = ch;
      return ch;
    })().finally(() => {
      opening = null;
    });
    return opening;
  }

  /**
   * Before t0: connect, and subscribe to the event exchange when the broker has one. A subscription that
   * is not live by t0 may have missed the job's first moments: it is closed, and the monitor polls.
   */
  async function prepare(): Promise<void> {
    let m: ChannelModel;
    try {
      m = await ensureConnection();
    } catch (e) {
      if (!signal.aborted)
        emitAccess({ state: 'unavailable', reason: `cannot connect to ${endpoint.label}: ${describeAmqpError(e, endpoint.vhost)}` });
      return;
    }
    const live = await subscribeToEvents(m, {
      now: opts.now,
      signal,
      bounded,
      echoTimeoutMs: Math.min(checkTimeoutMs, EVENT_ECHO_TIMEOUT_MS),
      tag: `consumer-probe-events-${randomBytes(6).toString('hex')}`,
      onEvent: (event) => {
        if (!signal.aborted) emitEvents(events.add(event));
      },
    }).catch(() => null);
    if (live && t0Passed) live.close();
    else if (live) {
      subscription = live;
      events.clock = live.clock;
      watchingSource = EVENTS_SOURCE;
    }
    // A subscription attempt that met no answer dropped the connection: the checks will say so.
    if (model !== null && !signal.aborted) emitAccess({ state: 'watching' });
  }

  function emitEvents(observations: StampedObservation[]): void {
    for (const o of observations) {
      if (o.kind === 'queue.changed') addName(o.queue.name);
      opts.emit(o);
    }
  }

  async function check(name: string): Promise<void> {
    const ch = await ensureChannel();
    let queue: QueueObservation | null = null;
    const started = opts.now();
    try {
      const ok = await bounded(ch.checkQueue(name), `the passive declare of ${name}`);
      queue = { name, firstSeenMs: 0, messages: ok.messageCount, consumers: ok.consumerCount, source: checkSource, via: 'amqp' };
    } catch (e) {
      if (!isNotFound(e)) throw e;
      if (channel === ch) channel = null;
    }
    emitAccess({ state: 'watching' });
    const previous = lastCheckStarted.get(name);
    lastCheckStarted.set(name, started);
    if (!queue) return;
    const key = `${queue.messages}|${queue.consumers}`;
    if (lastKey.get(name) !== key) {
      const at = opts.now();
      if (previous !== undefined) queue.previousCheckBeforeMs = Math.round((at - previous) * 1000) / 1000;
      opts.emit({ kind: 'queue.changed', at, queue });
    }
    lastKey.set(name, key);
  }

  /**
   * `promise` (an answer the broker owes) within the check deadline. Past it the connection is dropped,
   * not closed (a close would wait for the same broker), so the next check connects anew.
   */
  async function bounded<T>(promise: Promise<T>, what: string): Promise<T> {
    try {
      return await settleWithin(promise, checkTimeoutMs, signal, `no answer to ${what} within ${seconds(checkTimeoutMs)}`);
    } catch (e) {
      if (!(e instanceof DeadlineExceeded)) throw e;
      const m = model;
      model = null; // its 'close' is this drop, not news to report
      channel = null;
      if (m) dropConnection(m);
      throw new NoAnswer(e.message);
    }
  }

  async function pollOnce(): Promise<void> {
    for (const name of [...names]) {
      if (signal.aborted) return;
      try {
        await check(name);
      } catch (e) {
        if (signal.aborted) return;
        channel = null;
        const connected = model !== null || e instanceof NoAnswer;
        const what = connected ? `cannot check queues on ${endpoint.label}` : `cannot connect to ${endpoint.label}`;
        emitAccess({ state: 'unavailable', reason: `${what}: ${describeAmqpError(e, endpoint.vhost)}` });
        return;
      }
    }
  }

  /** Follows the events until the subscription is lost (then the caller polls) or the run stops. */
  async function followEvents(live: EventSubscription, matches: (name: string) => boolean): Promise<void> {
    emitEvents(events.know(matches));
    if (events.overflowed) {
      // More events came before the job id than could be held: some of the job's may be lost.
      live.close();
      return;
    }
    checkSource = FINAL_LOOK_SOURCE;
    await untilAborted(live.lost, signal).catch(() => undefined);
    if (signal.aborted) return;
    checkSource = amqpSource(interval);
    watchingSource = amqpSource(interval);
  }

  const prepared = prepare();

  async function loop(): Promise<void> {
    const id = await untilAborted(jobIdKnown, signal);
    jobId = id;
    const matcher = queueNameMatcher(broker, id);
    for (const name of matcher.exactNames) addName(name);
    await untilAborted(prepared, signal);
    if (subscription) {
      await followEvents(subscription, matcher.test);
      subscription = null;
    }
    let backoff = 250;
    while (!signal.aborted) {
      const failedBefore = unavailable();
      await pollOnce();
      // After a failure wait longer (up to 5 s) before trying again; a healthy loop checks every interval.
      backoff = unavailable() ? Math.min(failedBefore ? backoff * 2 : 250, 5_000) : 250;
      await abortableDelay(unavailable() ? backoff : interval, signal).catch(() => undefined);
    }
  }

  const done = loop()
    .catch(() => undefined)
    .finally(async () => {
      await prepared;
      await opening?.catch(() => undefined);
      await connecting?.catch(() => undefined);
      const m = model;
      model = null;
      channel = null;
      if (m) await closeQuietly(m);
    });

  return {
    // Subscribed (or known not to be) before t0; a broker slow to answer delays t0 by the connect deadline at most.
    ready: settleWithin(prepared, opts.connectTimeoutMs, signal, '').catch(() => undefined),
    onT0: () => {
      t0Passed = true;
    },
    onJobId: (id) => provideJobId(id),
    addQueueName: addName,
    finalLook: () => (jobId !== null && !signal.aborted ? pollOnce() : Promise.resolve()),
    done,
  };
}

/** Closes the connection; if the broker does not answer the close within 1 s, drops the socket. */
async function closeQuietly(m: ChannelModel): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), 1_000)));
  const outcome = await Promise.race([
    m.close().then(
      () => 'closed' as const,
      () => 'closed' as const,
    ),
    gaveUp,
  ]);
  clearTimeout(timer);
  if (outcome === 'timeout') dropConnection(m);
}

/** Destroys the connection's socket at once (amqplib has no API for it). */
function dropConnection(m: ChannelModel): void {
  (m.connection as unknown as { stream?: { destroy(): void } }).stream?.destroy();
}
