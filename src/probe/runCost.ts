// What one run costs the cluster and the backend, and how long it took to start: the report's `probe`.
import type { ApiMeter } from './kube/kubeHttp';
import { newApiMeter } from './kube/kubeHttp';
import type { ProbeCost } from './model';
import type { MonitorRun } from './monitor';

export class RunCost {
  /** The run's own Kubernetes API requests (log follows, backend pod lookups); shared watches add theirs. */
  readonly api: ApiMeter = newApiMeter();
  private readonly startedAt = performance.now();
  private t0At: number | null = null;

  markT0(): void {
    this.t0At ??= performance.now();
  }

  /** The cost so far, with the shared resources the run's monitors used and the backend requests sent. */
  snapshot(runs: readonly MonitorRun[], backendRequests: number): ProbeCost {
    const shared = runs.map((r) => r.sharedApiCost?.()).filter((c): c is ApiMeter => c !== undefined);
    const meters = [this.api, ...shared];
    const firsts = meters.map((m) => m.firstAt).filter((at): at is number => at !== null && at >= this.startedAt);
    const from = firsts.length > 0 ? Math.min(...firsts) : this.startedAt;
    return {
      apiRequests: meters.reduce((n, m) => n + m.requests, 0),
      apiBytes: meters.reduce((n, m) => n + m.bytes, 0),
      backendRequests,
      startDelayMs: this.t0At === null ? 0 : Math.round((this.t0At - from) * 1000) / 1000,
    };
  }
}
