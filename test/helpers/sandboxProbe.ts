import { defaultProbeOptions, type ProbeOptions } from '../../src/probe/options';
import type { SandboxProfile } from '../../src/sandbox/profiles';
import type { Sandbox } from '../../src/sandbox/sandbox';

/** Probe options pointing at one profile of a running sandbox, with the profile's thresholds. */
export function optionsFor(sandbox: Sandbox, profile: SandboxProfile): ProbeOptions {
  const options = defaultProbeOptions(sandbox.backendUrlFor(profile.name));
  options.kube = { ...options.kube, kubeconfig: sandbox.kubeconfigFor(profile.name), namespace: sandbox.namespace };
  options.timeoutMs = profile.probe.timeoutMs;
  options.slowThresholdMs = profile.probe.slowThresholdMs;
  options.broker = { ...options.broker, ...sandbox.brokerOptions() };
  return options;
}
