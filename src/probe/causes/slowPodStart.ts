// slow_pod_start: the consumer was ready, late, because the pod took most of the time. Which stretch
// of the pod's start dominated names the cause: waiting for a node (created → scheduled), pulling the
// image (the kubelet's Pulling → Pulled events), or starting the container until it was ready.
import type { Analysis } from '../analysis';
import type { CauseOf, Scenario } from '../model';
import { brokerEvidence, s } from '../diagnoseEvidence';
import type { RuleContext } from './context';
import { eventLine, eventsAbout, lastEvent, type SeenEvent } from './events';
import { schedulerMessage } from './scheduling';
import { verdict } from './verdict';

type SlowStartCause = CauseOf<'slow_pod_start'>;

export interface PodStartStretches {
  scheduling: number | null;
  imagePull: number | null;
  containerStart: number | null;
}

/** The image pull that preceded the start: the first Pulling and the Pulled after it. */
function imagePull(a: Analysis, podName: string): { fromMs: number; toMs: number; pulled: SeenEvent } | null {
  const events = eventsAbout(a, podName, ['Pulling', 'Pulled']);
  const pulling = events.find((e) => e.reason === 'Pulling');
  const pulled = pulling ? events.find((e) => e.reason === 'Pulled' && e.atMs >= pulling.atMs) : undefined;
  if (!pulling || !pulled) return null;
  const seen = lastEvent(a, podName, ['Pulled'], (m) => m === pulled.message)!;
  return { fromMs: pulling.atMs, toMs: pulled.atMs, pulled: seen };
}

export function podStartStretches(a: Analysis): PodStartStretches {
  const t = a.timings;
  const started = t.podReadyMs ?? t.podRunningMs;
  const pull = a.primary ? imagePull(a, a.primary.name) : null;
  const imagePullMs = pull ? pull.toMs - pull.fromMs : null;
  return {
    scheduling: t.podCreatedMs !== null && t.podScheduledMs !== null ? t.podScheduledMs - t.podCreatedMs : null,
    imagePull: imagePullMs,
    containerStart: t.podScheduledMs !== null && started !== null ? Math.max(0, started - t.podScheduledMs - (imagePullMs ?? 0)) : null,
  };
}

/** The longest stretch; null when none was measured. */
export function slowStartCause(stretches: PodStartStretches): SlowStartCause | null {
  const ranked = (
    [
      ['slow_scheduling', stretches.scheduling],
      ['slow_image_pull', stretches.imagePull],
      ['slow_container_start', stretches.containerStart],
    ] as const
  )
    .filter((x): x is readonly [SlowStartCause, number] => x[1] !== null)
    .sort((x, y) => y[1] - x[1]);
  return ranked[0]?.[0] ?? null;
}

const TITLES: Record<SlowStartCause, string> = {
  slow_scheduling: 'Consumer ready, but the pod waited long for a node',
  slow_image_pull: 'Consumer ready, but pulling the image took long',
  slow_container_start: 'Consumer ready, but the container was slow to start',
};

/** `pod conditions became True: PodScheduled 2.800s → Initialized 4.200s → …`. */
function conditionLine(a: Analysis): string {
  const pod = a.primary;
  if (!pod) return '';
  const parts = ['PodScheduled', 'Initialized', 'ContainersReady', 'Ready'].flatMap((type) => {
    const t = pod.conditionTransitions.find((c) => c.type === type && c.status === 'True');
    return t ? [`${type} ${s(t.atMs)}`] : [];
  });
  return parts.length ? `pod conditions became True: ${parts.join(' → ')}` : '';
}

export function slowPodStartFinding(a: Analysis, ctx: RuleContext, ready: number, podStart: number, evidence: string[]): Scenario {
  const stretches = podStartStretches(a);
  const cause = slowStartCause(stretches);
  const pod = a.primary;
  const pull = pod ? imagePull(a, pod.name) : null;
  const scheduler = pod ? schedulerMessage(a, pod) : null;
  const readinessFailures = pod ? lastEvent(a, pod.name, ['Unhealthy'], (m) => m.startsWith('Readiness probe failed')) : null;
  const t = a.timings;
  return verdict({
    id: 'slow_pod_start',
    cause,
    title: cause ? TITLES[cause] : 'Consumer ready, but the pod was slow to start',
    summary: `The consumer was ready after ${s(ready)}, over the ${s(ctx.slowThresholdMs)} threshold; the pod took ${s(podStart)} of it to start.`,
    evidence: [
      ...evidence,
      ...brokerEvidence(a),
      stretches.scheduling !== null ? `pod waited ${s(stretches.scheduling)} to be scheduled` : '',
      scheduler?.line ?? '',
      pull ? `image pull took ${s(pull.toMs - pull.fromMs)} (Pulling at ${s(pull.fromMs)}, Pulled at ${s(pull.toMs)})` : '',
      pull ? eventLine(pull.pulled) : '',
      stretches.containerStart !== null ? `the container took ${s(stretches.containerStart)} from its image to ready` : '',
      eventLine(readinessFailures),
      conditionLine(a),
      t.podScheduledMs !== null && t.podRunningMs !== null && !pull
        ? `scheduled → running took ${s(t.podRunningMs - t.podScheduledMs)} (image pull, container start)`
        : '',
    ],
    suggestions:
      cause === 'slow_image_pull'
        ? ['Pre-pull the analyzer image on the GPU nodes (a DaemonSet that pulls it, or a node image that has it), or make it smaller.']
        : cause === 'slow_container_start'
          ? [
              'The container was slow to become ready after it started: see what the analyzer does at start (model loading, RabbitMQ connection) in its output.',
              pod ? `Its output: ${ctx.kubectl('logs', pod.name)}` : '',
            ]
          : [
              'Check GPU capacity: every job pod requests one nvidia.com/gpu.shared; scheduling waits when they are exhausted.',
              `Look at the pod's events: ${ctx.kubectl('describe', 'pod', pod?.name ?? '<pod>')}`,
            ],
  });
}
