// The pure half of the sandbox's capacity model: its options, each job's seeded jitter, the consumer's
// slowdown under load, and a burst job's timeline as profile steps. No timers here (capacity.ts plays
// them), so tests can check the numbers without waiting for them.
import type { ClusterStepKind, LogStep, PipelineStepKind, ProfileStep } from './profiles';

/** Opt-in through `SandboxOptions.capacity`; only the jobs of capacity profiles (`burst`) are subject to it. */
export interface CapacityOptions {
  /** `nvidia.com/gpu.shared` devices shared by every job: one per job pod, from scheduling to completion. */
  gpus: number;
  /** The backend's job windows (default 30): with all in use, a configure is refused (503). */
  windows?: number;
  /** Every stage of a job waits up to this much longer, uniformly drawn, seeded (default 150 ms, profile time). */
  jitterMs?: number;
  /** How long a job streams once its consumer is ready; then it completes and frees its GPU and window (default 60 s). */
  jobLifetimeMs?: number;
  /** The jitter seed (default 1): the same seed gives the n-th configure the same jitter on every run. */
  seed?: number;
  /** Consumer attach slowdown: this much more per other job in flight (windows in use) when the queue appears (default 150 ms). */
  attachMsPerJobInFlight?: number;
}

export type ResolvedCapacity = Required<CapacityOptions>;

/** What a burst profile meets on a sandbox started without `capacity`: the 6-GPU story. */
export const DEFAULT_CAPACITY: ResolvedCapacity = {
  gpus: 6,
  windows: 30,
  jitterMs: 150,
  jobLifetimeMs: 60_000,
  seed: 1,
  attachMsPerJobInFlight: 150,
};

/** The scheduler retries a pod it could not place this often (profile time), bumping its FailedScheduling event. */
export const SCHEDULER_RETRY_MS = 2_000;

/** Every option checked, so a bad value is one clear line instead of a sandbox that never schedules. */
export function resolveCapacity(options: CapacityOptions | undefined): ResolvedCapacity {
  const resolved = { ...DEFAULT_CAPACITY, ...definedOnly(options ?? {}) };
  const integers: (keyof ResolvedCapacity)[] = ['gpus', 'windows', 'seed'];
  for (const [key, value] of Object.entries(resolved) as [keyof ResolvedCapacity, number][]) {
    const whole = integers.includes(key);
    if (!Number.isFinite(value) || value < 0 || (whole && !Number.isInteger(value))) {
      throw new Error(`sandbox capacity: ${key} must be a non-negative ${whole ? 'integer' : 'number'}, not ${value}`);
    }
  }
  if (resolved.windows < 1) throw new Error('sandbox capacity: windows must be at least 1');
  return resolved;
}

/** One line for a demo's preface. */
export function describeCapacity(c: ResolvedCapacity): string {
  return (
    `${c.gpus} GPUs (nvidia.com/gpu.shared) shared by all jobs, ${c.windows} backend windows, ` +
    `jitter ≤ ${c.jitterMs} ms per stage (seed ${c.seed}), consumers attach ${c.attachMsPerJobInFlight} ms slower per job in flight, ` +
    `jobs stream ${c.jobLifetimeMs / 1000} s once ready`
  );
}

/** The gaps of a job's timeline that each get their own jitter. */
export const JITTERED_STAGES = [
  'configure',
  'createJob',
  'createPod',
  'scheduleAttempt',
  'pullImage',
  'pulled',
  'startContainer',
  'becomeReady',
  'createQueue',
  'attachConsumer',
  'consumerReady',
] as const;
export type JitteredStage = (typeof JITTERED_STAGES)[number];
export type JobJitter = Record<JitteredStage, number>;

/** Each stage's extra delay for the job that arrived `index`-th (0-based): a pure function of seed and index. */
export function jobJitter(seed: number, index: number, jitterMs: number): JobJitter {
  const entries = JITTERED_STAGES.map((stage, k) => [stage, Math.round(jitterMs * unitHash(seed, index, k))]);
  return Object.fromEntries(entries) as JobJitter;
}

export const NO_JITTER: JobJitter = jobJitter(0, 0, 0);

/** Extra attach delay when the job's queue appears with `inFlight` jobs holding windows (itself included). */
export function attachLoadMs(inFlight: number, perJob: number): number {
  return perJob * Math.max(0, inFlight - 1);
}

/** The base gaps (profile ms) of one job: the healthy profile's times when nothing waits and nothing jitters. */
const BASE = {
  configure: 150,
  createJob: 200,
  createPod: 300,
  scheduleAttempt: 450,
  // After the pod is bound to a node:
  pullImage: 50,
  pulled: 400,
  startContainer: 200,
  becomeReady: 300,
  createQueue: 200,
  // After the queue appears:
  attachConsumer: 100,
  consumerReady: 600,
};

export function configureDelayMs(j: JobJitter): number {
  return BASE.configure + j.configure;
}

const step = (atMs: number, kind: ClusterStepKind | PipelineStepKind): ProfileStep => ({ atMs, do: kind }) as ProfileStep;
const log = (atMs: number, source: LogStep['source'], ...lines: string[]): LogStep => ({ atMs, do: 'log', source, lines });

/** Steps until the scheduler first tries the pod, in ms after configure arrived; the last one's time is that try. */
export function untilScheduling(j: JobJitter): { steps: ProfileStep[]; scheduleAtMs: number } {
  const job = BASE.createJob + j.createJob;
  const pod = Math.max(job, BASE.createPod + j.createPod);
  return {
    steps: [
      step(job, 'createJob'),
      log(job, 'backend', 'INFO focus.jobs: created Job grpc-job-{id} in namespace panda'),
      step(job + 50, 'createCleanupJob'),
      step(job + 500, 'finishCleanupJob'),
      step(pod, 'createPod'),
    ],
    scheduleAtMs: Math.max(pod, BASE.scheduleAttempt + j.scheduleAttempt),
  };
}

/** Steps once the pod has its GPU and node, in ms after it was bound; the last one's time is when the queue appears. */
export function afterBinding(j: JobJitter): { steps: ProfileStep[]; queueAtMs: number } {
  const pulling = BASE.pullImage + j.pullImage;
  const pulled = pulling + BASE.pulled + j.pulled;
  const running = pulled + BASE.startContainer + j.startContainer;
  const ready = running + BASE.becomeReady + j.becomeReady;
  const queue = ready + BASE.createQueue + j.createQueue;
  return {
    steps: [
      step(pulling, 'pullImage'),
      step(pulled, 'pulled'),
      step(running, 'startContainer'),
      log(running, 'container', ...BURST_STARTUP_LINES),
      step(ready, 'becomeReady'),
      step(queue, 'createQueue'),
      log(queue, 'container', 'INFO baby_analyzer: declared queue grpc-job-{id}, streaming'),
    ],
    queueAtMs: queue,
  };
}

/** Steps once the queue exists, in ms after it appeared; the last one's time is when the consumer is ready. */
export function afterQueue(j: JobJitter, loadMs: number, inFlight: number, windows: number): { steps: ProfileStep[]; readyAtMs: number } {
  const attached = BASE.attachConsumer + j.attachConsumer + loadMs;
  const ready = attached + BASE.consumerReady + j.consumerReady;
  const busy =
    loadMs >= 1000
      ? [
          log(
            0,
            'backend',
            `WARNING focus.consumers: consumer pool busy (${inFlight}/${windows} jobs in flight), job {id} waits for a free worker`,
          ),
        ]
      : [];
  return {
    steps: [
      ...busy,
      step(attached, 'attachConsumer'),
      log(attached, 'backend', 'INFO focus.consumers: consumer attached to grpc-job-{id}'),
      step(ready, 'consumerReady'),
      log(ready, 'backend', 'INFO focus.consumers: job {id} ready, metadata available'),
    ],
    readyAtMs: ready,
  };
}

const BURST_STARTUP_LINES = [
  'INFO baby_analyzer: Baby Analyzer 2.3.1 starting for job {id}',
  'INFO baby_analyzer: loading GPU model on nvidia.com/gpu.shared',
  'INFO baby_analyzer: connecting to amqp://rabbitmq-panda.panda.svc:5672',
];

/**
 * What one burst job does alone on an idle sandbox, without jitter, up to its consumer being ready (in
 * ms after configure arrived): the burst profile's `steps`, for the profile list and the script tests.
 * The capacity model plays the same pieces, with the waits that contention and jitter add.
 */
export function uncontendedTimeline(): ProfileStep[] {
  const pre = untilScheduling(NO_JITTER);
  const bound = afterBinding(NO_JITTER);
  const queued = afterQueue(NO_JITTER, 0, 1, DEFAULT_CAPACITY.windows);
  const shift = (by: number) => (s: ProfileStep) => ({ ...s, atMs: s.atMs + by });
  return [
    ...pre.steps,
    step(pre.scheduleAtMs, 'schedule'),
    ...bound.steps.map(shift(pre.scheduleAtMs)),
    ...queued.steps.map(shift(pre.scheduleAtMs + bound.queueAtMs)),
  ];
}

/** A uniform number in [0, 1) from (seed, index, k): a 32-bit integer hash (murmur3's finalizer). */
function unitHash(seed: number, index: number, k: number): number {
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index + 1, 0xc2b2ae35) ^ Math.imul(k + 1, 0x27d4eb2f);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 2 ** 32;
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
