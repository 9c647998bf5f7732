// `run`'s flags and environment as overrides for the engine's options builder, which validates them and
// names a bad one by its flag.
import { readCaFile } from '../probe/caFile';
import { probeOptions, type OptionNames, type ProbeOptions, type ProbeOverrides } from '../probe/options';
import type { CliCommand } from './args';
import { readBodyFile } from './readBody';

/** The flag that sets each option, so the builder's errors speak the command line's language. */
export const FLAG_NAMES: OptionNames = {
  'backend.url': '--backend',
  timeoutMs: '--timeout',
  slowThresholdMs: '--slow',
  'backend.pollIntervalMs': '--poll-interval',
  'kube.namespace': '--namespace',
  'broker.managementUrl': '--rabbitmq',
  'broker.amqpUrl': '--amqp',
  'logs.backend.podNamePrefix': '--backend-pods',
  'logs.backend.labelSelector': '--backend-selector',
  'logs.backend.container': '--backend-container',
};

export function runOverrides(cmd: Extract<CliCommand, { command: 'run' }>, env: NodeJS.ProcessEnv): ProbeOverrides {
  const brokerGiven = !!(cmd.rabbitmq || cmd.amqp);
  return {
    backend: {
      url: cmd.backend,
      body: cmd.body !== undefined ? readBodyFile(cmd.body) : undefined,
      ca: cmd.backendCa !== undefined ? readCaFile(cmd.backendCa, '--backend-ca') : undefined,
      token: env.CONSUMER_PROBE_TOKEN || undefined,
      pollIntervalMs: cmd.pollIntervalMs,
    },
    kube: { kubeconfig: cmd.kubeconfig, context: cmd.context, namespace: cmd.namespace },
    broker: brokerGiven
      ? {
          managementUrl: cmd.rabbitmq,
          amqpUrl: cmd.amqp,
          username: env.CONSUMER_PROBE_RABBITMQ_USER || undefined,
          password: env.CONSUMER_PROBE_RABBITMQ_PASSWORD || undefined,
        }
      : {},
    logs: cmd.noLogs
      ? { backend: { enabled: false }, pod: { enabled: false } }
      : { backend: { podNamePrefix: cmd.backendPods, labelSelector: cmd.backendSelector, container: cmd.backendContainer } },
    timeoutMs: cmd.timeoutS !== undefined ? cmd.timeoutS * 1000 : undefined,
    slowThresholdMs: cmd.slowS !== undefined ? cmd.slowS * 1000 : undefined,
  };
}

export function runOptions(cmd: Extract<CliCommand, { command: 'run' }>, env: NodeJS.ProcessEnv): ProbeOptions {
  return probeOptions(runOverrides(cmd, env), FLAG_NAMES);
}
