// Who holds the GPUs, when the job's pod waits for one: the running pods of the namespace that request
// a GPU resource, how long each has run, and which are jobs of this backend (stale jobs that were never
// cleaned up are the usual culprit). Pure: raw pod objects in, holders out.
import type { MatchRules } from '../options';
import type { GpuHolder } from '../model';
import type { RawObject } from './listWatch';

/** A resource name that is a GPU: `nvidia.com/gpu`, `nvidia.com/gpu.shared`, `amd.com/gpu`, … */
export const GPU_RESOURCE = /(^|[./])gpu([.-]|$)/i;

interface RawContainer {
  resources?: { limits?: Record<string, string>; requests?: Record<string, string> };
}

/** GPUs a pod asks for: extended resources are whole numbers, and a limit implies the request. */
function gpusOf(pod: RawObject): { gpus: number; resource: string | null } {
  const spec = pod.spec as { containers?: RawContainer[]; initContainers?: RawContainer[] } | undefined;
  let gpus = 0;
  let resource: string | null = null;
  for (const container of spec?.containers ?? []) {
    const asked = { ...(container.resources?.requests ?? {}), ...(container.resources?.limits ?? {}) };
    for (const [name, quantity] of Object.entries(asked)) {
      if (!GPU_RESOURCE.test(name)) continue;
      const n = Number.parseInt(String(quantity), 10);
      if (Number.isFinite(n) && n > 0) {
        gpus += n;
        resource ??= name;
      }
    }
  }
  return { gpus, resource };
}

/** `grpc-job-{id}` → a test for "a Job name of this backend" (any id). */
function backendJobName(rules: MatchRules): RegExp {
  const [before = '', after = ''] = rules.jobName.split('{id}');
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${escape(before)}.+${escape(after)}$`);
}

/** The GPU holders among `pods` (running pods), longest-running first. `nowMs`: epoch ms. */
export function gpuHoldersOf(pods: readonly RawObject[], rules: MatchRules, nowMs: number): GpuHolder[] {
  const isBackendJob = backendJobName(rules);
  const holders: GpuHolder[] = [];
  for (const pod of pods) {
    const { gpus, resource } = gpusOf(pod);
    if (gpus === 0 || resource === null) continue;
    const metadata = pod.metadata as { name?: string; namespace?: string; labels?: Record<string, string> } | undefined;
    const startTime = Date.parse(String((pod.status as { startTime?: string } | undefined)?.startTime ?? ''));
    const jobName = metadata?.labels?.['job-name'] ?? metadata?.labels?.['batch.kubernetes.io/job-name'] ?? null;
    holders.push({
      name: metadata?.name ?? '?',
      namespace: metadata?.namespace ?? '',
      gpus,
      resource,
      runningForMs: Number.isNaN(startTime) ? null : Math.max(0, nowMs - startTime),
      backendJob: jobName !== null && isBackendJob.test(jobName),
    });
  }
  return holders.sort((a, b) => (b.runningForMs ?? -1) - (a.runningForMs ?? -1));
}
