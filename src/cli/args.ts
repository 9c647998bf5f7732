// The `consumer-probe` command line, exactly as DESIGN.md's contract states it. Parsing is pure:
// it returns a description of what to do or throws ProbeError('BAD_ARGUMENT').
import { parseArgs } from 'node:util';
import { ProbeError } from '../probe/errors';

export interface OutputFlags {
  json?: string; // a path, or '-' for stdout
  markdown?: string;
  junit?: string;
  quiet: boolean;
}

export interface BrokerFlags {
  rabbitmq?: string;
  amqp?: string;
}

/** Log monitor flags of `run`; present only when given. */
export interface LogFlags {
  /** Backend pods: name prefix (default panda-panda-focus-server). */
  backendPods?: string;
  /** Backend pods: label selector, e.g. app.kubernetes.io/name=focus-server. */
  backendSelector?: string;
  backendContainer?: string;
  /** --no-logs: follow neither the backend's nor the job pod's logs. */
  noLogs?: true;
}

export type CliCommand =
  | ({
      command: 'run';
      backend: string;
      namespace?: string;
      kubeconfig?: string;
      context?: string;
      body?: string;
      /** --backend-ca: a PEM file of CAs the backend's certificate may chain to (besides Node's own). */
      backendCa?: string;
      timeoutS?: number;
      slowS?: number;
      /** --poll-interval: poll /metadata evenly every this many ms (default: adaptive). */
      pollIntervalMs?: number;
    } & OutputFlags &
      BrokerFlags &
      LogFlags)
  | ({ command: 'demo'; scenario?: string } & OutputFlags & BrokerFlags)
  | ({ command: 'sandbox'; port?: number; noisePods?: number; noiseEvents?: number } & BrokerFlags)
  | { command: 'help'; topic?: string }
  | { command: 'version' };

export const USAGE = `usage:
  consumer-probe run --backend URL [--namespace NS] [--kubeconfig FILE] [--context NAME]
                     [--body FILE] [--timeout S] [--slow S] [--rabbitmq URL] [--amqp URL]
                     [--json FILE|-] [--markdown FILE] [--junit FILE] [--quiet]
                     [--poll-interval MS] [--backend-pods PREFIX] [--backend-selector LABELS] [--backend-container NAME]
                     [--no-logs] [--backend-ca FILE]
  consumer-probe demo [--scenario ID] [--rabbitmq URL] [--amqp URL] [output flags]
  consumer-probe sandbox [--port N] [--rabbitmq URL --amqp URL] [--noise-pods N] [--noise-events N]

  run       probe a real backend and cluster
  demo      probe the embedded sandbox (no cluster needed); with --rabbitmq and --amqp the sandbox
            declares the job's queue and attaches its consumer on that real RabbitMQ
  sandbox   serve the sandbox until Ctrl-C; prints the backend URL and a kubeconfig path

  --poll-interval MS    poll GET /metadata evenly every MS ms (default: adaptive, slow until the job's
                        pod is Ready, fast once a consumer attaches, ≤ 10 requests/s on average)
  --rabbitmq URL        RabbitMQ management API (queue, consumers; statistics lag ≈5 s)
  --amqp URL            AMQP URL: also watch the queue in real time (broker events, else passive declare)
  --backend-pods PREFIX backend pods whose logs are followed (default panda-panda-focus-server)
  --backend-selector L  or pick them by label selector (e.g. app.kubernetes.io/name=focus-server)
  --no-logs             do not follow the backend's or the job pod's logs
  --backend-ca FILE     trust the CAs in this PEM file (besides the usual ones) for an HTTPS backend
                        behind an internal CA; NODE_EXTRA_CA_CERTS=FILE works too
  --noise-pods N        sandbox: seed N unrelated production-shaped pods (and --noise-events N Events)

Secrets never go on the command line: the backend token is read from CONSUMER_PROBE_TOKEN, the
RabbitMQ credentials from CONSUMER_PROBE_RABBITMQ_USER / CONSUMER_PROBE_RABBITMQ_PASSWORD (or the
--rabbitmq / --amqp URL's user info).
Exit status: 0 healthy, 1 any other scenario, 2 the probe could not start.`;

const outputOptions = {
  json: { type: 'string' },
  markdown: { type: 'string' },
  junit: { type: 'string' },
  quiet: { type: 'boolean', default: false },
  rabbitmq: { type: 'string' },
  amqp: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

type OptionSpec = Record<string, { type: 'string' | 'boolean'; short?: string; default?: boolean }>;

function parse(argv: string[], options: OptionSpec): { values: Record<string, string | boolean | undefined> } {
  try {
    const { values } = parseArgs({ args: argv, options, allowPositionals: false, strict: true });
    return { values: values as Record<string, string | boolean | undefined> };
  } catch (e) {
    throw new ProbeError('BAD_ARGUMENT', (e as Error).message.replace(/\. To specify a positional argument.*$/, ''));
  }
}

function seconds(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new ProbeError('BAD_ARGUMENT', `--${flag} takes a positive number of seconds, got "${value}"`);
  return n;
}

/** A number of milliseconds, present only when given; its range is the options builder's to check. */
function milliseconds<K extends string>(flag: string, key: K, value: string | undefined): { [k in K]?: number } {
  if (value === undefined) return {};
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n))
    throw new ProbeError('BAD_ARGUMENT', `--${flag} takes a number of milliseconds, got "${value}"`);
  return { [key]: n } as { [k in K]?: number };
}

function url(flag: string, value: string | undefined, schemes: string[]): string | undefined {
  if (value === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new ProbeError('BAD_ARGUMENT', `--${flag} is not a URL: "${value}"`);
  }
  if (!schemes.includes(parsed.protocol)) {
    throw new ProbeError('BAD_ARGUMENT', `--${flag} must start with ${schemes.map((s) => `${s}//`).join(' or ')}, got "${value}"`);
  }
  return value;
}

function outputs(values: Record<string, unknown>): OutputFlags & BrokerFlags {
  return {
    json: values.json as string | undefined,
    markdown: values.markdown as string | undefined,
    junit: values.junit as string | undefined,
    quiet: values.quiet === true,
    rabbitmq: url('rabbitmq', values.rabbitmq as string | undefined, ['http:', 'https:']),
    amqp: url('amqp', values.amqp as string | undefined, ['amqp:', 'amqps:']),
  };
}

function logFlags(values: Record<string, unknown>): LogFlags {
  const text = (flag: string): string | undefined => {
    const v = values[flag] as string | undefined;
    if (v !== undefined && v.trim() === '') throw new ProbeError('BAD_ARGUMENT', `--${flag} needs a value`);
    return v;
  };
  const backendPods = text('backend-pods');
  const backendSelector = text('backend-selector');
  const backendContainer = text('backend-container');
  return {
    ...(backendPods !== undefined ? { backendPods } : {}),
    ...(backendSelector !== undefined ? { backendSelector } : {}),
    ...(backendContainer !== undefined ? { backendContainer } : {}),
    ...(values['no-logs'] === true ? { noLogs: true as const } : {}),
  };
}

/** Driving a real broker from the sandbox takes both: AMQP to declare and consume, the management API to watch. */
export function realBrokerFlags(flags: BrokerFlags): { amqpUrl: string; managementUrl: string } | null {
  if (!flags.rabbitmq && !flags.amqp) return null;
  if (!flags.rabbitmq || !flags.amqp) {
    throw new ProbeError('BAD_ARGUMENT', 'a real broker for the sandbox needs both --rabbitmq URL (management API) and --amqp URL');
  }
  return { amqpUrl: flags.amqp, managementUrl: flags.rabbitmq };
}

export function parseCommandLine(argv: string[]): CliCommand {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') return { command: 'help' };
  if (command === '--version' || command === '-v') return { command: 'version' };
  switch (command) {
    case 'run': {
      const { values } = parse(rest, {
        ...outputOptions,
        backend: { type: 'string' },
        namespace: { type: 'string' },
        kubeconfig: { type: 'string' },
        context: { type: 'string' },
        body: { type: 'string' },
        'backend-ca': { type: 'string' },
        timeout: { type: 'string' },
        slow: { type: 'string' },
        'poll-interval': { type: 'string' },
        'backend-pods': { type: 'string' },
        'backend-selector': { type: 'string' },
        'backend-container': { type: 'string' },
        'no-logs': { type: 'boolean', default: false },
      });
      if (values.help) return { command: 'help', topic: 'run' };
      const backend = url('backend', values.backend as string | undefined, ['http:', 'https:']);
      if (!backend) throw new ProbeError('BAD_ARGUMENT', 'run needs --backend URL');
      return {
        command: 'run',
        backend,
        namespace: values.namespace as string | undefined,
        kubeconfig: values.kubeconfig as string | undefined,
        context: values.context as string | undefined,
        body: values.body as string | undefined,
        ...(values['backend-ca'] !== undefined ? { backendCa: values['backend-ca'] as string } : {}),
        timeoutS: seconds('timeout', values.timeout as string | undefined),
        slowS: seconds('slow', values.slow as string | undefined),
        ...milliseconds('poll-interval', 'pollIntervalMs', values['poll-interval'] as string | undefined),
        ...outputs(values),
        ...logFlags(values),
      };
    }
    case 'demo': {
      const { values } = parse(rest, { ...outputOptions, scenario: { type: 'string' } });
      if (values.help) return { command: 'help', topic: 'demo' };
      return { command: 'demo', scenario: values.scenario as string | undefined, ...outputs(values) };
    }
    case 'sandbox': {
      const { values } = parse(rest, {
        port: { type: 'string' },
        rabbitmq: { type: 'string' },
        amqp: { type: 'string' },
        'noise-pods': { type: 'string' },
        'noise-events': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      });
      if (values.help) return { command: 'help', topic: 'sandbox' };
      const noise: { noisePods?: number; noiseEvents?: number } = {};
      for (const [flag, key] of [
        ['noise-pods', 'noisePods'],
        ['noise-events', 'noiseEvents'],
      ] as const) {
        const raw = values[flag] as string | undefined;
        if (raw === undefined) continue;
        if (!/^\d+$/.test(raw)) throw new ProbeError('BAD_ARGUMENT', `--${flag} takes a count, got "${raw}"`);
        noise[key] = Number(raw);
      }
      const port = values.port === undefined ? undefined : Number(values.port);
      if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= 65535)) {
        throw new ProbeError('BAD_ARGUMENT', `--port takes a port number (0-65535), got "${values.port}"`);
      }
      const rabbitmq = url('rabbitmq', values.rabbitmq as string | undefined, ['http:', 'https:']);
      const amqp = url('amqp', values.amqp as string | undefined, ['amqp:', 'amqps:']);
      return { command: 'sandbox', port, ...(rabbitmq ? { rabbitmq } : {}), ...(amqp ? { amqp } : {}), ...noise };
    }
    default:
      throw new ProbeError('BAD_ARGUMENT', `unknown command "${command}" (expected run, demo or sandbox)`);
  }
}
