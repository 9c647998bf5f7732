// The embedded sandbox: simulated Kubernetes API, Focus backend and RabbitMQ management API, wired so
// that every configure request plays its scenario profile's script on timers, and the ground truth of
// when each step was applied is recorded for tests to compare the probe's measurements against.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TimingKey } from '../probe/model';
import type { BrokerOptions } from '../probe/options';
import { SimulatedBackend, type BackendUsage, type IssuedJob } from './backend';
import { SimulatedBroker } from './broker';
import { CapacityModel, type CapacityTrace } from './capacity';
import { resolveCapacity, type CapacityOptions } from './capacityPlan';
import { RealBroker, type BrokerStepTimes, type RealBrokerOptions } from './realBroker';
import { SimulatedCluster, decoyJobIds } from './cluster';
import { KubeApiServer } from './kube/apiServer';
import type { ApiUsage } from './kube/apiUsage';
import { PodLogStore } from './kube/podLogs';
import { ObjectStore } from './kube/store';
import { NamespaceNoise, type SandboxNoise } from './noise';
import { isClusterStep, orderedSteps, profileByName, type ProfileStep, type SandboxProfile } from './profiles';

export interface SandboxOptions {
  /** Backend port; default 0 (any free port). */
  port?: number;
  host?: string;
  /** Default `panda`. */
  namespace?: string;
  /** Where kubeconfigs are written; default a new temp dir, removed on stop. */
  stateDir?: string;
  /** When set, the backend wants `Authorization: Bearer <token>`. */
  backendToken?: string;
  /** Extra labels on every job pod (the controller's own labels win). */
  podLabels?: Record<string, string>;
  /**
   * Plays every script this many times slower (default 1), to watch each stage arrive. The probe
   * thresholds of `probeOverridesForProfile` stretch with it; the management API's statistics lag does not.
   */
  timeScale?: number;
  /**
   * A real RabbitMQ to play the broker steps on (declare the job's queue, attach a consumer, through
   * AMQP) instead of the simulated management API. Credentials go in the URLs' user info.
   */
  broker?: RealBrokerOptions;
  /**
   * Production-shaped unrelated pods and Events in the namespace (none match a job the backend issues),
   * and optionally a steady trickle of changes to them. Default: none.
   */
  noise?: SandboxNoise;
  /**
   * The capacity model the jobs of capacity profiles (`burst`) meet: shared GPUs, the backend's windows,
   * per-job jitter, consumers slower under load (capacityPlan.ts has the defaults: 6 GPUs, 30 windows).
   * Other profiles never touch it.
   */
  capacity?: CapacityOptions;
}

export interface SandboxJobRecord {
  jobId: string;
  profile: string;
  /** performance.now() when the configure request arrived. */
  configureReceivedAt: number;
  /**
   * The true instant of each stage, in ms after configure arrived, recorded when its step was actually
   * applied: the Job and pod created, pod scheduled, running, ready (in the store the API server serves),
   * queue created, consumer attached (in the broker; on a real broker, when the declare or the consume
   * was sent to it, after the sandbox's own checks and channel opening), consumer ready (metadata answers
   * 200 from then on);
   * `configureMs` is when the answer was written. `performance.now()` of a stage is
   * `configureReceivedAt + truth[key]`: the same clock as an in-process probe's (see truthSince).
   */
  truth: Partial<Record<TimingKey, number>>;
  /**
   * For a real broker's steps, when the broker confirmed them (declare-ok, consume-ok), in ms after
   * configure arrived: the step happened between `truth[key]` and this.
   */
  truthConfirmed: Partial<Record<TimingKey, number>>;
  /** Steps that could not be applied (a profile bug); empty when the script ran cleanly. */
  scriptErrors: string[];
  /** For a capacity profile's job: its window, jitter, GPU wait and completion. */
  capacity?: CapacityTrace;
}

/** Which timing each step establishes, the first time it is applied. */
/**
 * How late the simulated management API shows a new consumer. Real brokers lag ≈5 s by default; the
 * sandbox runs on a compressed time scale, so its lag is compressed too.
 */
export const SANDBOX_STATS_LAG_MS = 200;

const TRUTH_OF_STEP: Partial<Record<ProfileStep['do'], TimingKey>> = {
  createJob: 'jobCreatedMs',
  createPod: 'podCreatedMs',
  schedule: 'podScheduledMs',
  startContainer: 'podRunningMs',
  becomeReady: 'podReadyMs',
  createQueue: 'queueCreatedMs',
  attachConsumer: 'consumerAttachedMs',
  consumerReady: 'consumerReadyMs',
};

interface Script {
  record: SandboxJobRecord;
  steps: ProfileStep[];
  next: number;
  timer?: NodeJS.Timeout;
  done: Promise<void>;
  finish: () => void;
  /** A real broker's steps run in order, one after the other; this is the last of them. */
  brokerWork: Promise<void>;
}

export class Sandbox {
  readonly namespace: string;
  readonly timeScale: number;
  readonly store = new ObjectStore();
  readonly logs = new PodLogStore();
  readonly api: KubeApiServer;
  readonly cluster: SimulatedCluster;
  readonly broker: SimulatedBroker;
  /** The real broker the steps are played on, when one was given. */
  realBroker: RealBroker | null = null;
  readonly backend: SimulatedBackend;
  /** GPUs and windows shared by the jobs of capacity profiles. */
  readonly capacity: CapacityModel;
  /** Token with access 'ok', namespace `panda`. */
  readonly kubeconfigPath: string;
  /** A token the API server answers 403. */
  readonly forbiddenKubeconfigPath: string;
  /** A token that may read everything but pod logs (403 on `pods/log`). */
  readonly noLogsKubeconfigPath: string;
  private readonly scripts = new Map<string, Script>();
  private readonly noise: NamespaceNoise;
  private readonly okToken = `sandbox-ok-${randomBytes(16).toString('hex')}`;
  private readonly forbiddenToken = `sandbox-forbidden-${randomBytes(16).toString('hex')}`;
  private readonly noLogsToken = `sandbox-no-logs-${randomBytes(16).toString('hex')}`;
  private stopping?: Promise<void>;

  private constructor(
    opts: SandboxOptions,
    private readonly stateDir: string,
    private readonly ownsStateDir: boolean,
  ) {
    const host = opts.host ?? '127.0.0.1';
    this.namespace = opts.namespace ?? 'panda';
    this.timeScale = opts.timeScale ?? 1;
    const tokens = { [this.okToken]: 'ok', [this.forbiddenToken]: 'forbidden', [this.noLogsToken]: 'no-logs' } as const;
    this.api = new KubeApiServer({ store: this.store, logs: this.logs, tokens, host, namespaces: [this.namespace] });
    this.cluster = new SimulatedCluster({ store: this.store, logs: this.logs, namespace: this.namespace, extraPodLabels: opts.podLabels });
    this.broker = new SimulatedBroker({ host, statsLagMs: SANDBOX_STATS_LAG_MS });
    this.capacity = new CapacityModel(resolveCapacity(opts.capacity), this.timeScale, {
      apply: (jobId, step) => {
        const script = this.scripts.get(jobId);
        if (script && !this.stopping) this.run(script, step);
      },
      finished: (jobId) => this.scripts.get(jobId)?.finish(),
    });
    this.backend = new SimulatedBackend({
      host,
      port: opts.port ?? 0,
      requiredToken: opts.backendToken,
      onJobIssued: (job) => this.play(job),
      admit: () => this.capacity.admit(),
      timeScale: this.timeScale,
      log: (line) => this.cluster.backendLog(line),
    });
    this.noise = new NamespaceNoise(this.store, this.namespace, opts.noise ?? {});
    this.kubeconfigPath = join(stateDir, 'kubeconfig');
    this.forbiddenKubeconfigPath = join(stateDir, 'kubeconfig-forbidden');
    this.noLogsKubeconfigPath = join(stateDir, 'kubeconfig-no-logs');
  }

  static async start(opts: SandboxOptions = {}): Promise<Sandbox> {
    const ownsStateDir = opts.stateDir === undefined;
    const stateDir = opts.stateDir ?? (await mkdtemp(join(tmpdir(), 'consumer-probe-sandbox-')));
    const sandbox = new Sandbox(opts, stateDir, ownsStateDir);
    try {
      sandbox.noise.seed();
      await Promise.all([sandbox.api.start(), sandbox.broker.start(), sandbox.backend.start()]);
      if (opts.broker) sandbox.realBroker = await RealBroker.connect(opts.broker);
      const namespace = sandbox.namespace;
      sandbox.api.writeKubeconfig(sandbox.kubeconfigPath, { token: sandbox.okToken, namespace });
      sandbox.api.writeKubeconfig(sandbox.forbiddenKubeconfigPath, { token: sandbox.forbiddenToken, namespace });
      sandbox.api.writeKubeconfig(sandbox.noLogsKubeconfigPath, { token: sandbox.noLogsToken, namespace });
      sandbox.noise.start();
    } catch (e) {
      await sandbox.stop();
      throw e;
    }
    return sandbox;
  }

  /** `http://127.0.0.1:PORT` (the healthy profile). */
  get backendUrl(): string {
    return this.backend.url;
  }

  /** `http://127.0.0.1:PORT/scenario/<profile>`. */
  backendUrlFor(profile: string): string {
    return `${this.backend.url}/scenario/${encodeURIComponent(knownProfile(profile).name)}`;
  }

  /** The kubeconfig that matches the profile's cluster access. */
  kubeconfigFor(profile: string): string {
    return knownProfile(profile).clusterAccess === 'forbidden' ? this.forbiddenKubeconfigPath : this.kubeconfigPath;
  }

  /** Management API base URL, without credentials (the simulated one's are guest/guest). */
  get brokerUrl(): string {
    return this.realBroker?.managementUrl ?? this.broker.url;
  }

  /** Where a probe finds this sandbox's broker, with the credentials (never print them). */
  brokerOptions(): Pick<BrokerOptions, 'managementUrl' | 'amqpUrl' | 'username' | 'password' | 'managementStatsLagMs'> {
    return (
      this.realBroker?.probeOptions() ?? {
        managementUrl: this.broker.url,
        username: 'guest',
        password: 'guest',
        managementStatsLagMs: SANDBOX_STATS_LAG_MS,
      }
    );
  }

  jobs(): SandboxJobRecord[] {
    return [...this.scripts.values()].map((s) => structuredClone(s.record));
  }

  job(jobId: string): SandboxJobRecord | undefined {
    const script = this.scripts.get(jobId);
    return script && structuredClone(script.record);
  }

  /** Requests to the simulated Kubernetes API and the response bytes written, since the last resetUsage(). */
  apiUsage(): ApiUsage {
    return this.api.usage.snapshot();
  }

  /** Requests to the simulated backend (configure, metadata), since the last resetUsage(). */
  backendUsage(): BackendUsage {
    return this.backend.usage();
  }

  /** Starts a new accounting window for apiUsage() and backendUsage(). */
  resetUsage(): void {
    this.api.usage.reset();
    this.backend.resetUsage();
  }

  /** Resolves when every scripted step of the job has run (or the sandbox stops), broker steps included. */
  whenScriptDone(jobId: string): Promise<void> {
    const script = this.scripts.get(jobId);
    return script ? script.done.then(() => script.brokerWork) : Promise.resolve();
  }

  /** Idempotent: clears every timer, closes every server and socket, removes its temp dir. */
  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private async shutdown(): Promise<void> {
    this.noise.stop();
    this.capacity.stop();
    for (const script of this.scripts.values()) {
      clearTimeout(script.timer);
      script.finish();
    }
    await Promise.allSettled([...this.scripts.values()].map((s) => s.brokerWork));
    await Promise.allSettled([this.backend.stop(), this.broker.stop(), this.api.stop(), this.realBroker?.stop()]);
    if (this.ownsStateDir) await rm(this.stateDir, { recursive: true, force: true });
  }

  /** Called by the backend just before it answers with a new job id. */
  private play(issued: IssuedJob): void {
    const { jobId, profile, receivedAt, answeredAt } = issued;
    let finish!: () => void;
    const done = new Promise<void>((resolve) => (finish = resolve));
    const record: SandboxJobRecord = {
      jobId,
      profile: profile.name,
      configureReceivedAt: receivedAt,
      truth: { configureMs: answeredAt - receivedAt },
      truthConfirmed: {},
      scriptErrors: [],
    };
    const capacity = issued.capacity;
    const steps = capacity ? [] : orderedSteps(profile);
    const script: Script = { record, steps, next: 0, done, finish, brokerWork: Promise.resolve() };
    this.scripts.set(jobId, script);
    // No decoys under the capacity model: they would be running analyzers holding GPUs outside it.
    if (!capacity) this.addDecoys(script);
    this.cluster.backendLog(`INFO focus.jobs: configured job ${jobId}, window ${jobId.split('-')[0]}`);
    if (capacity) record.capacity = this.capacity.play(jobId, receivedAt, capacity);
    else this.scheduleNext(script);
  }

  /** Decoy jobs whose ids contain this one, in the cluster, the broker and the backend's log. */
  private addDecoys(script: Script): void {
    const { jobId } = script.record;
    this.cluster.addDecoys(jobId);
    for (const id of decoyJobIds(jobId)) {
      const queue = `grpc-job-${id}`;
      if (this.realBroker) {
        const broker = this.realBroker;
        this.onBroker(script, 'decoy queue', async () => {
          await broker.createQueue(queue, { unique: false });
          await broker.attachConsumer(queue);
        });
      } else {
        this.broker.createQueue(queue);
        this.broker.attachConsumer(queue);
      }
      this.cluster.backendLog(`INFO focus.jobs: job ${id} streaming to ${queue}, 1 consumer`);
    }
  }

  /** Runs a real broker step after the job's previous ones; a failure becomes a script error. */
  private onBroker(script: Script, what: string, step: () => Promise<void>, onFailure?: () => void): void {
    script.brokerWork = script.brokerWork.then(step).catch((e: unknown) => {
      onFailure?.();
      script.record.scriptErrors.push(`${what} on the real broker: ${e instanceof Error ? e.message : String(e)}`);
    });
  }

  /** One timer per job at a time, so steps run in order; steps due at the same time run together. */
  private scheduleNext(script: Script): void {
    const step = script.steps[script.next];
    if (!step || this.stopping) return script.finish();
    const dueIn = script.record.configureReceivedAt + step.atMs * this.timeScale - performance.now();
    script.timer = setTimeout(
      () => {
        script.timer = undefined;
        const atMs = step.atMs;
        while (script.steps[script.next]?.atMs === atMs) this.run(script, script.steps[script.next++]!);
        this.scheduleNext(script);
      },
      Math.max(0, dueIn),
    );
  }

  private run(script: Script, step: ProfileStep): void {
    const { truth, configureReceivedAt } = script.record;
    const appliedAt = performance.now() - configureReceivedAt;
    const key = TRUTH_OF_STEP[step.do];
    const fresh = key !== undefined && truth[key] === undefined;
    try {
      this.apply(
        script,
        step,
        () => {
          // The real broker refused the step: it did not happen.
          if (fresh) delete truth[key];
        },
        ({ sentAt, confirmedAt }) => {
          // A real broker's step happens once it is sent, not when the sandbox began it, and before it is confirmed.
          if (!fresh) return;
          truth[key] = sentAt - configureReceivedAt;
          script.record.truthConfirmed[key] = confirmedAt - configureReceivedAt;
        },
      );
      if (fresh) truth[key] = appliedAt;
    } catch (e) {
      script.record.scriptErrors.push(`${step.do} at ${step.atMs} ms: ${(e as Error).message}`);
    }
  }

  private apply(script: Script, step: ProfileStep, undo: () => void, sent: (times: BrokerStepTimes) => void): void {
    const { jobId } = script.record;
    const queue = `grpc-job-${jobId}`;
    if (isClusterStep(step)) return this.cluster.apply(jobId, step.do);
    const real = this.realBroker;
    switch (step.do) {
      case 'createQueue':
        if (real) return this.onBroker(script, `declaring ${queue}`, () => real.createQueue(queue, { unique: true }).then(sent), undo);
        return this.broker.createQueue(queue);
      case 'attachConsumer':
        if (real) return this.onBroker(script, `consuming from ${queue}`, () => real.attachConsumer(queue).then(sent), undo);
        return this.broker.attachConsumer(queue);
      case 'consumerReady':
        return this.backend.markConsumerReady(jobId);
      case 'log': {
        const pod = this.cluster.podNameOf(jobId) ?? '';
        for (const line of step.lines) {
          const text = line.replaceAll('{id}', jobId).replaceAll('{pod}', pod);
          if (step.source === 'container') this.cluster.containerLog(jobId, text);
          else this.cluster.backendLog(text);
        }
      }
    }
  }
}

/**
 * The job's true stage instants in ms since `t0`, a performance.now() reading of the same process (an
 * in-process probe's t0): what a probe's reported timings are compared with (lag = reported − truth).
 */
export function truthSince(record: SandboxJobRecord, t0: number): Partial<Record<TimingKey, number>> {
  const shift = record.configureReceivedAt - t0;
  return Object.fromEntries(Object.entries(record.truth).map(([key, ms]) => [key, ms + shift]));
}

function knownProfile(name: string): SandboxProfile {
  const profile = profileByName(name);
  if (!profile) throw new Error(`unknown sandbox profile "${name}"`);
  return profile;
}
