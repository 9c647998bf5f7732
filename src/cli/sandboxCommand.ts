// `consumer-probe sandbox`: serve the embedded sandbox until Ctrl-C, and say how to probe it.
import { PROFILES } from '../sandbox/profiles';
import { Sandbox } from '../sandbox/sandbox';
import { ProbeError, describeError } from '../probe/errors';
import type { SandboxNoise } from '../sandbox/noise';
import type { RealBrokerOptions } from '../sandbox/realBroker';
import type { CliIo } from './probeCommand';

export async function serveSandbox(
  port: number | undefined,
  io: CliIo,
  broker: RealBrokerOptions | null = null,
  noise: SandboxNoise = {},
): Promise<number> {
  const sandbox = await Sandbox.start({ port, noise, ...(broker ? { broker } : {}) }).catch((e: unknown) => {
    throw new ProbeError('SANDBOX_FAILED', `the sandbox did not start: ${describeError(e)}`);
  });
  const say = (t: string) => io.stdout(`${t}\n`);
  say(`backend URL: ${sandbox.backendUrl}`);
  say(`kubeconfig: ${sandbox.kubeconfigPath}`);
  say(`Kubernetes API: ${sandbox.api.url} (namespace ${sandbox.namespace})`);
  if (noise.unrelatedPods) say(`  with ${noise.unrelatedPods} unrelated pods and ${noise.unrelatedEvents ?? 0} unrelated events`);
  let rabbitmq: string;
  if (sandbox.realBroker) {
    // A real broker's credentials are not printed: the probe reads them from the environment.
    say(`RabbitMQ (real): management API ${sandbox.brokerUrl}, AMQP ${sandbox.realBroker.amqpLabel}`);
    say('  the run commands below need CONSUMER_PROBE_RABBITMQ_USER and CONSUMER_PROBE_RABBITMQ_PASSWORD set to its credentials');
    rabbitmq = `${sandbox.brokerUrl} --amqp ${sandbox.realBroker.amqpLabel}`;
  } else {
    say(`RabbitMQ management API: ${sandbox.brokerUrl} (guest/guest)`);
    rabbitmq = sandbox.brokerUrl.replace('://', '://guest:guest@');
  }
  say('');
  say('Scenario profiles (the sandbox runs on a compressed time scale, so pass the thresholds shown):');
  for (const p of PROFILES) {
    say(`  ${p.name.padEnd(28)} ${p.description}`);
    say(
      `    consumer-probe run --backend ${sandbox.backendUrlFor(p.name)} --kubeconfig ${sandbox.kubeconfigFor(p.name)} --rabbitmq ${rabbitmq} --timeout ${p.probe.timeoutMs / 1000} --slow ${p.probe.slowThresholdMs / 1000}`,
    );
  }
  say('');
  say('Serving until Ctrl-C.');
  await new Promise<void>((resolve) => {
    if (!io.signal || io.signal.aborted) return resolve();
    io.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  await sandbox.stop();
  say('sandbox stopped');
  return 0;
}
