// A burst's monitors: the built-in ones, with those that would cost a request per job replaced by
// burst-wide ones (the cluster watches are already shared by the process's cluster observer): one
// reader of the backend's logs, one list of the GPU holders for the jobs that end waiting for a GPU,
// one poller of the broker's management API. (The AMQP check still opens a connection per job.)
import type { Monitor } from '../monitor';
import { createGpuHoldersMonitor, gpuHoldersMonitor } from '../kube/gpuHoldersMonitor';
import { backendLogMonitor } from '../logs/backendLogMonitor';
import { managementQueueMonitor } from '../broker/managementQueueMonitor';
import { DEFAULT_MONITORS } from '../sources';
import { createSharedBackendLogs } from './sharedBackendLogs';
import { createSharedRunningPods } from './sharedGpuHolders';
import { createSharedManagementQueues } from './sharedManagementQueues';

export function createBurstMonitors(): { monitors: readonly Monitor[]; close(): Promise<void> } {
  const backendLogs = createSharedBackendLogs();
  const runningPods = createSharedRunningPods();
  const management = createSharedManagementQueues();
  const replacements = new Map<Monitor, Monitor>([
    [backendLogMonitor, backendLogs.monitor],
    [gpuHoldersMonitor, createGpuHoldersMonitor(runningPods.lister)],
    [managementQueueMonitor, management.monitor],
  ]);
  const monitors = DEFAULT_MONITORS.map((m) => replacements.get(m) ?? m);
  return {
    monitors,
    close: async () => {
      runningPods.close();
      await Promise.all([backendLogs.close(), management.close()]);
    },
  };
}
