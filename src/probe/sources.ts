// The built-in sources of observations, in the order they are started. Adding a source means adding
// its monitor here; the run (runProbe.ts) drives whatever this list holds.
import { amqpQueueMonitor } from './broker/amqpQueueMonitor';
import { managementQueueMonitor } from './broker/managementQueueMonitor';
import { clusterMonitor } from './kube/clusterMonitor';
import { gpuHoldersMonitor } from './kube/gpuHoldersMonitor';
import { backendLogMonitor } from './logs/backendLogMonitor';
import { podLogMonitor } from './logs/podLogMonitor';
import type { Monitor } from './monitor';

export const DEFAULT_MONITORS: readonly Monitor[] = [
  clusterMonitor,
  gpuHoldersMonitor,
  backendLogMonitor,
  podLogMonitor,
  managementQueueMonitor,
  amqpQueueMonitor,
];
