// What a probe of one scenario profile of a running sandbox changes from the defaults: where the backend,
// the cluster and the broker are, and the profile's compressed thresholds. Plain overrides: the shells
// (`consumer-probe demo`, the extension's sandbox runs, the tests) hand them to the engine's
// `probeOptions(...)`, so the sandbox needs only the engine's types.
import type { ProbeOverrides } from '../probe/options';
import type { SandboxProfile } from './profiles';
import type { Sandbox } from './sandbox';

export function probeOverridesForProfile(sandbox: Sandbox, profile: SandboxProfile): ProbeOverrides {
  return {
    backend: { url: sandbox.backendUrlFor(profile.name) },
    kube: { kubeconfig: sandbox.kubeconfigFor(profile.name), namespace: sandbox.namespace },
    broker: sandbox.brokerOptions(),
    timeoutMs: profile.probe.timeoutMs * sandbox.timeScale,
    slowThresholdMs: profile.probe.slowThresholdMs * sandbox.timeScale,
  };
}
