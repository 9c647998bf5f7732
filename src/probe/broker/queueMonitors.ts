// The broker side of a run: the management API (finds the queue, even with a suffix, and its consumers,
// with lagging statistics) and, when an AMQP URL is given, the passive-declare check (real-time figures).
// Each emits its own observations; the analysis says which source each figure came from.
import type { Observation } from '../model';
import type { BrokerOptions } from '../options';
import { startAmqpQueueMonitor, type AmqpQueueMonitor } from './amqpQueueMonitor';
import { startManagementQueueMonitor, type QueueMonitor } from './managementQueueMonitor';

export interface QueueMonitorsDeps {
  now: () => number;
  emit: (o: Observation) => void;
  signal: AbortSignal;
  requestTimeoutMs: number;
}

/** Null when neither a management URL nor an AMQP URL is given. */
export function startQueueMonitors(broker: BrokerOptions, deps: QueueMonitorsDeps): QueueMonitor | null {
  const { managementUrl, amqpUrl } = broker;
  const amqp: AmqpQueueMonitor | null = amqpUrl
    ? startAmqpQueueMonitor({ broker: { ...broker, amqpUrl }, connectTimeoutMs: Math.min(deps.requestTimeoutMs, 3_000), ...deps })
    : null;
  const management: QueueMonitor | null = managementUrl
    ? startManagementQueueMonitor({ broker: { ...broker, managementUrl }, ...deps, onQueueName: (name) => amqp?.addQueueName(name) })
    : null;
  const monitors = [amqp, management].filter((m): m is QueueMonitor => m !== null);
  if (monitors.length === 0) return null;
  return {
    setJobId: (id) => monitors.forEach((m) => m.setJobId(id)),
    finalCheck: async () => {
      await Promise.all(monitors.map((m) => m.finalCheck()));
    },
    done: Promise.all(monitors.map((m) => m.done)).then(() => undefined),
  };
}
