// The sandbox's broker steps played on a real RabbitMQ: "the analyzer" declares the job's queue and
// "the backend" attaches a consumer, over two AMQP connections, at the scripted times. Everything it
// declared is deleted again on stop, and every queue carries `x-expires` in case a stop never comes.
import { connect, credentials, type Channel, type ChannelModel } from 'amqplib';
import type { BrokerOptions } from '../probe/options';

export interface RealBrokerOptions {
  /** `amqp://user:pass@host:5672/vhost`; without user info guest/guest. */
  amqpUrl: string;
  /** `http://user:pass@host:15672` (credentials from here or the AMQP URL). */
  managementUrl: string;
}

/** When a step was sent to the broker and when the broker confirmed it (performance.now()): it happened in between. */
export interface BrokerStepTimes {
  sentAt: number;
  confirmedAt: number;
}

/** Queues the sandbox forgot are removed by the broker after 10 minutes unused. */
const QUEUE_EXPIRES_MS = 600_000;

interface Parsed {
  url: string;
  label: string;
  username: string | null;
  password: string;
}

function parse(raw: string): Parsed {
  const url = new URL(raw);
  const hasUser = url.username !== '' || url.password !== '';
  const username = hasUser ? decodeURIComponent(url.username) : null;
  const password = hasUser ? decodeURIComponent(url.password) : '';
  url.username = '';
  url.password = '';
  const label = `${url.protocol}//${url.host}${url.pathname && url.pathname !== '/' ? url.pathname : ''}`;
  return { url: url.toString().replace(/\/$/, ''), label, username, password };
}

export class RealBroker {
  private readonly declared = new Set<string>();
  private readonly consumers: { channel: Channel; tag: string }[] = [];
  private declareChannel: Channel | null = null;
  private stopping?: Promise<void>;

  private constructor(
    private readonly analyzer: ChannelModel,
    private readonly backend: ChannelModel,
    private readonly amqp: Parsed,
    private readonly management: Parsed,
  ) {}

  static async connect(opts: RealBrokerOptions): Promise<RealBroker> {
    const amqp = parse(opts.amqpUrl);
    const management = parse(opts.managementUrl);
    const user = amqp.username ?? management.username;
    const pass = amqp.username !== null ? amqp.password : management.password;
    const socket = (name: string) => ({
      noDelay: true,
      timeout: 5_000,
      clientProperties: { connection_name: `consumer-probe sandbox (${name})` },
      ...(user !== null ? { credentials: credentials.plain(user, pass) } : {}),
    });
    let analyzer: ChannelModel | null = null;
    try {
      analyzer = await connect(amqp.url, socket('baby-analyzer'));
      const backend = await connect(amqp.url, socket('focus-server'));
      for (const m of [analyzer, backend]) m.on('error', () => undefined);
      return new RealBroker(analyzer, backend, amqp, management);
    } catch (e) {
      await analyzer?.close().catch(() => undefined);
      throw new Error(`cannot reach RabbitMQ at ${amqp.label}: ${describeAmqp(e)}`, { cause: e });
    }
  }

  /** What the probe needs to watch this broker (credentials apart from the URLs, which stay printable). */
  probeOptions(): Pick<BrokerOptions, 'managementUrl' | 'amqpUrl' | 'username' | 'password'> {
    const user = this.management.username ?? this.amqp.username;
    const pass = this.management.username !== null ? this.management.password : this.amqp.password;
    const amqpCredentialsDiffer = this.amqp.username !== null && this.amqp.username !== user;
    return {
      managementUrl: this.management.url,
      // The AMQP user differs from the management one: the URL keeps its own credentials (never printed).
      amqpUrl: amqpCredentialsDiffer ? this.withCredentials(this.amqp) : this.amqp.url,
      ...(user !== null ? { username: user, password: pass } : {}),
    };
  }

  /** Management API base URL without credentials. */
  get managementUrl(): string {
    return this.management.url;
  }

  /** AMQP URL without credentials. */
  get amqpLabel(): string {
    return this.amqp.label;
  }

  /**
   * Declares the queue. With `unique`, an existing queue of that name is an error (another run's job
   * with the same id would make the ground truth wrong). Resolves with when the declare itself was sent
   * (after the check and the channel's opening) and when the broker confirmed it.
   */
  async createQueue(name: string, opts: { unique: boolean }): Promise<BrokerStepTimes> {
    if (opts.unique && (await this.exists(name))) throw new Error(`queue ${name} already exists on the broker`);
    const channel = await this.channel();
    const sentAt = performance.now();
    await channel.assertQueue(name, { durable: false, autoDelete: false, arguments: { 'x-expires': QUEUE_EXPIRES_MS } });
    const confirmedAt = performance.now();
    this.declared.add(name);
    return { sentAt, confirmedAt };
  }

  /**
   * A consumer on its own channel of the backend's connection, as the backend would attach it. Resolves
   * with when the `basic.consume` was sent (after the channel's opening) and when the broker confirmed it.
   */
  async attachConsumer(name: string): Promise<BrokerStepTimes> {
    const channel = await this.backend.createChannel();
    channel.on('error', () => undefined);
    await channel.prefetch(1);
    const sentAt = performance.now();
    const { consumerTag } = await channel.consume(name, (msg) => msg && channel.ack(msg), { noAck: false });
    const confirmedAt = performance.now();
    this.consumers.push({ channel, tag: consumerTag });
    return { sentAt, confirmedAt };
  }

  /** Cancels the consumers, deletes the declared queues, closes both connections. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      for (const { channel, tag } of this.consumers.splice(0)) await channel.cancel(tag).catch(() => undefined);
      for (const name of this.declared) {
        const channel = await this.channel().catch(() => null);
        await channel?.deleteQueue(name).catch(() => undefined);
      }
      this.declared.clear();
      await Promise.allSettled([this.analyzer.close(), this.backend.close()]);
    })();
    return this.stopping;
  }

  private async channel(): Promise<Channel> {
    if (this.declareChannel) return this.declareChannel;
    const channel = await this.analyzer.createChannel();
    channel.on('error', () => undefined);
    channel.on('close', () => {
      if (this.declareChannel === channel) this.declareChannel = null;
    });
    this.declareChannel = channel;
    return channel;
  }

  private async exists(name: string): Promise<boolean> {
    const probe = await this.analyzer.createChannel();
    probe.on('error', () => undefined);
    try {
      await probe.checkQueue(name);
      await probe.close().catch(() => undefined);
      return true;
    } catch (e) {
      if ((e as { code?: unknown }).code === 404) return false; // the broker closed the channel
      throw e;
    }
  }

  private withCredentials(p: Parsed): string {
    const url = new URL(p.url);
    url.username = encodeURIComponent(p.username ?? '');
    url.password = encodeURIComponent(p.password);
    return url.toString();
  }
}

function describeAmqp(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  if (/ACCESS[-_]REFUSED/.test(text)) return 'ACCESS_REFUSED: the broker refused the credentials';
  return text.replace(/\s+/g, ' ').slice(0, 200);
}
