// Probe options aimed at one scenario profile of a running sandbox, with the profile's compressed
// thresholds: what `consumer-probe demo`, the extension's sandbox runs and the tests all probe.
import { defaultProbeOptions, type ProbeOptions } from '../probe/options';
import type { SandboxProfile } from './profiles';
import type { Sandbox } from './sandbox';

export function probeOptionsForProfile(sandbox: Sandbox, profile: SandboxProfile): ProbeOptions {
  const options = defaultProbeOptions(sandbox.backendUrlFor(profile.name));
  options.kube = { ...options.kube, kubeconfig: sandbox.kubeconfigFor(profile.name), namespace: sandbox.namespace };
  options.timeoutMs = profile.probe.timeoutMs * sandbox.timeScale;
  options.slowThresholdMs = profile.probe.slowThresholdMs * sandbox.timeScale;
  options.broker = { ...options.broker, ...sandbox.brokerOptions() };
  return options;
}
