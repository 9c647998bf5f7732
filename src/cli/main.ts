// `consumer-probe`: a thin shell over the engine. Exit 0 healthy, 1 any other scenario, 2 when the
// probe could not start — always with one line on stderr, never a stack trace.
import { ProbeError, describeError } from '../probe/errors';
import { probeOptions } from '../probe/options';
import { describeCapacity } from '../sandbox/capacityPlan';
import { BURST_PROFILE, PROFILES, profileByName } from '../sandbox/profiles';
import { probeOverridesForProfile } from '../sandbox/probeOptions';
import { Sandbox } from '../sandbox/sandbox';
import { USAGE, parseCommandLine, realBrokerFlags, type CliCommand } from './args';
import { burstAndReport, burstOptions } from './burstCommand';
import { checkOutputPaths } from './outputs';
import { runAndReport, type CliIo } from './probeCommand';
import { runOptions } from './runOptions';
import { serveSandbox } from './sandboxCommand';
import { serve } from './serveCommand';

declare const CONSUMER_PROBE_VERSION: string | undefined;

/** `amqp://host:5672/vhost` / `http://host:15672`: a broker URL fit to print (no user info). */
function printable(raw: string): string {
  const url = new URL(raw);
  url.username = '';
  url.password = '';
  return url.toString().replace(/\/$/, '');
}

async function demo(cmd: Extract<CliCommand, { command: 'demo' }>, io: CliIo): Promise<number> {
  // A burst meets the sandbox's capacity model (shared GPUs, the backend's 30 windows) in the `burst` profile.
  const name = cmd.scenario ?? (cmd.burst !== undefined ? BURST_PROFILE : 'healthy');
  const profile = profileByName(name);
  if (!profile) {
    throw new ProbeError('BAD_ARGUMENT', `unknown scenario "${name}" (one of: ${PROFILES.map((p) => p.name).join(', ')})`);
  }
  checkOutputPaths(cmd);
  const broker = realBrokerFlags(cmd);
  const sandbox = await Sandbox.start(broker ? { broker } : {}).catch((e: unknown) => {
    throw new ProbeError('SANDBOX_FAILED', `the embedded sandbox did not start: ${describeError(e)}`);
  });
  try {
    const options = probeOptions(probeOverridesForProfile(sandbox, profile));
    const brokerText = broker
      ? `real RabbitMQ: management API ${printable(broker.managementUrl)}, AMQP ${printable(broker.amqpUrl)}`
      : `simulated RabbitMQ management API ${sandbox.brokerUrl}`;
    const preface = [
      `Consumer Probe demo — scenario profile "${profile.name}": ${profile.description}`,
      `Embedded sandbox: backend ${sandbox.backendUrlFor(profile.name)}, simulated Kubernetes API ${sandbox.api.url} (namespace ${sandbox.namespace}), ${brokerText}`,
      `Timeout ${profile.probe.timeoutMs / 1000} s, slow threshold ${profile.probe.slowThresholdMs / 1000} s (the sandbox runs on a compressed time scale)`,
      '',
    ];
    if (cmd.burst !== undefined) {
      const burst = { jobs: cmd.burst, ...(cmd.concurrency !== undefined ? { concurrency: cmd.concurrency } : {}), thresholds: [] };
      const capacity = profile.name === BURST_PROFILE ? [`Capacity: ${describeCapacity(sandbox.capacity.options)}`] : [];
      return await burstAndReport(options, burst, cmd, io, [...preface.slice(0, -1), ...capacity, '']);
    }
    return await runAndReport(options, cmd, io, preface);
  } finally {
    await sandbox.stop();
  }
}

export async function main(argv: string[], io: CliIo): Promise<number> {
  try {
    const cmd = parseCommandLine(argv);
    switch (cmd.command) {
      case 'help':
        io.stdout(`${USAGE}\n`);
        return 0;
      case 'version':
        io.stdout(`${typeof CONSUMER_PROBE_VERSION === 'string' ? CONSUMER_PROBE_VERSION : 'dev'}\n`);
        return 0;
      case 'run': {
        checkOutputPaths(cmd);
        const options = runOptions(cmd, io.env);
        return await runAndReport(options, cmd, io);
      }
      case 'demo':
        return await demo(cmd, io);
      case 'burst': {
        checkOutputPaths(cmd);
        return await burstAndReport(burstOptions(cmd, io.env), cmd, cmd, io);
      }
      case 'serve':
        return await serve(cmd, io);
      case 'sandbox':
        return await serveSandbox(cmd.port, io, realBrokerFlags(cmd), { unrelatedPods: cmd.noisePods, unrelatedEvents: cmd.noiseEvents });
    }
  } catch (e) {
    if (ProbeError.is(e)) {
      io.stderr(`consumer-probe: ${e.message}\n`);
      if (e.code === 'BAD_ARGUMENT') io.stderr(`Run "consumer-probe --help" for usage.\n`);
      return 2;
    }
    io.stderr(`consumer-probe: unexpected failure: ${describeError(e)}\n`);
    return 2;
  }
}

function installSignalAbort(): AbortController {
  const controller = new AbortController();
  let interrupted = 0;
  const onSignal = () => {
    interrupted += 1;
    if (interrupted > 1) process.exit(130);
    controller.abort(new Error('interrupted'));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return controller;
}

if (require.main === module) {
  // `consumer-probe … | head` closes the pipe early: stop quietly, as other CLIs do.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw e;
    });
  }
  const controller = installSignalAbort();
  main(process.argv.slice(2), {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    env: process.env,
    signal: controller.signal,
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`consumer-probe: ${describeError(e)}\n`);
      process.exitCode = 2;
    },
  );
}
