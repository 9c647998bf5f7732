// Checks the job's queue over AMQP with a passive `queue.declare` (amqplib `checkQueue`), which the
// broker answers from the queue itself: consumers and ready messages in real time, unlike the management
// API's statistics. A missing queue makes the broker close the channel (404), so a fresh channel is opened
// for the next check. Names come from the patterns without `{suffix}`, plus any name the management
// monitor found (its `queue.changed` observations on the run's stream). Connecting (TCP, TLS, the AMQP
// handshake) and each check have a deadline: a broker that stops answering becomes a "cannot check"
// line and a fresh connection for the next check, never a run that waits for it.
import { connect, credentials, type Channel, type ChannelModel, type SocketOptions } from 'amqplib';
import type { Stamp } from '../clock';
import type { BrokerOptions } from '../options';
import type { QueueObservation, StampedObservation } from '../model';
import type { Monitor, MonitorRun } from '../monitor';
import { abortableDelay, DeadlineExceeded, settleWithin, untilAborted } from '../abortableDelay';
import { describeError } from '../errors';
import { oneLine } from '../text';
import { queueNameMatcher } from './queueNames';

export const DEFAULT_AMQP_POLL_MS = 25;

/** `AMQP passive declare every 25 ms (real time)`: what the report says about figures from this source. */
export function amqpSource(intervalMs = DEFAULT_AMQP_POLL_MS): string {
  return `AMQP passive declare every ${intervalMs} ms (real time)`;
}

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
  const source = amqpSource(interval);
  const checkTimeoutMs = opts.checkTimeoutMs ?? opts.connectTimeoutMs;
  const seconds = (ms: number) => `${ms / 1000} s`;
  const names: string[] = [];
  const lastKey = new Map<string, string>();
  /** When the last successful check of each name began: it saw what the last emitted observation says (or no queue). */
  const lastCheckStarted = new Map<string, Stamp>();
  let jobId: string | null = null;
  let provideJobId!: (id: string) => void;
  const jobIdKnown = new Promise<string>((resolve) => (provideJobId = resolve));
  let model: ChannelModel | null = null;
  let channel: Channel | null = null;
  let access: 'watching' | 'unavailable' | null = null;
  let lastError = '';

  const emitAccess = (next: { state: 'watching' } | { state: 'unavailable'; reason: string }) => {
    if (next.state === 'watching') {
      if (access === 'watching') return;
      opts.emit({ kind: 'broker.access', at: opts.now(), access: { state: 'watching', source, via: 'amqp' } });
    } else {
      if (access === 'unavailable' && lastError === next.reason) return;
      lastError = next.reason;
      opts.emit({ kind: 'broker.access', at: opts.now(), access: { state: 'unavailable', reason: next.reason, via: 'amqp' } });
    }
    access = next.state;
  };

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
      clientProperties: { connection_name: 'consumer-probe (passive queue checks)' },
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

  let opening: Promise<Channel> | null = null;

  /** The open channel, or one being opened (never two connections at once). */
  function ensureChannel(): Promise<Channel> {
    if (channel) return Promise.resolve(channel);
    opening ??= (async () => {
      if (!model) {
        const m = await open();
        if (signal.aborted) {
          await closeQuietly(m);
          signal.throwIfAborted();
        }
        model = m;
      }
      const ch = await bounded(model.createChannel(), 'opening a channel');
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

  async function check(name: string): Promise<void> {
    const ch = await ensureChannel();
    let queue: QueueObservation | null = null;
    const started = opts.now();
    try {
      const ok = await bounded(ch.checkQueue(name), `the passive declare of ${name}`);
      queue = { name, firstSeenMs: 0, messages: ok.messageCount, consumers: ok.consumerCount, source, via: 'amqp' };
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

  async function loop(): Promise<void> {
    // Connect early (before t0), so the first check can run as soon as the job id is known.
    let backoff = 250;
    if (!signal.aborted) {
      void ensureChannel().then(
        () => emitAccess({ state: 'watching' }),
        (e: unknown) => {
          if (!signal.aborted)
            emitAccess({ state: 'unavailable', reason: `cannot connect to ${endpoint.label}: ${describeAmqpError(e, endpoint.vhost)}` });
        },
      );
    }
    const id = await untilAborted(jobIdKnown, signal);
    jobId = id;
    for (const name of queueNameMatcher(broker, id).exactNames) if (!names.includes(name)) names.push(name);
    while (!signal.aborted) {
      const failedBefore = access === 'unavailable';
      await pollOnce();
      // After a failure wait longer (up to 5 s) before trying again; a healthy loop checks every interval.
      backoff = access === 'unavailable' ? Math.min(failedBefore ? backoff * 2 : 250, 5_000) : 250;
      await abortableDelay(access === 'unavailable' ? backoff : interval, signal).catch(() => undefined);
    }
  }

  const done = loop()
    .catch(() => undefined)
    .finally(async () => {
      await opening?.catch(() => undefined);
      const m = model;
      model = null;
      channel = null;
      if (m) await closeQuietly(m);
    });

  return {
    ready: Promise.resolve(),
    onT0: () => undefined,
    onJobId: (id) => provideJobId(id),
    addQueueName: (name) => {
      if (!names.includes(name)) names.push(name);
    },
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
