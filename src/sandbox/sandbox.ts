// The embedded sandbox: simulated Kubernetes API, Focus backend and RabbitMQ management API, wired so
// that every configure request plays its scenario profile's script on timers, and the ground truth of
// when each step was applied is recorded for tests to compare the probe's measurements against.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TimingKey } from '../probe/model';
import { SimulatedBackend, type IssuedJob } from './backend';
import { SimulatedBroker } from './broker';
import { SimulatedCluster, decoyJobIds } from './cluster';
import { KubeApiServer } from './kube/apiServer';
import { PodLogStore } from './kube/podLogs';
import { ObjectStore } from './kube/store';
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
}

export interface SandboxJobRecord {
  jobId: string;
  profile: string;
  /** performance.now() when the configure request arrived. */
  configureReceivedAt: number;
  /** ms after configure arrived, recorded when each step was actually applied. */
  truth: Partial<Record<TimingKey, number>>;
  /** Steps that could not be applied (a profile bug); empty when the script ran cleanly. */
  scriptErrors: string[];
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
}

export class Sandbox {
  readonly namespace: string;
  readonly store = new ObjectStore();
  readonly logs = new PodLogStore();
  readonly api: KubeApiServer;
  readonly cluster: SimulatedCluster;
  readonly broker: SimulatedBroker;
  readonly backend: SimulatedBackend;
  /** Token with access 'ok', namespace `panda`. */
  readonly kubeconfigPath: string;
  /** A token the API server answers 403. */
  readonly forbiddenKubeconfigPath: string;
  private readonly scripts = new Map<string, Script>();
  private readonly okToken = `sandbox-ok-${randomBytes(16).toString('hex')}`;
  private readonly forbiddenToken = `sandbox-forbidden-${randomBytes(16).toString('hex')}`;
  private stopping?: Promise<void>;

  private constructor(
    opts: SandboxOptions,
    private readonly stateDir: string,
    private readonly ownsStateDir: boolean,
  ) {
    const host = opts.host ?? '127.0.0.1';
    this.namespace = opts.namespace ?? 'panda';
    const tokens = { [this.okToken]: 'ok', [this.forbiddenToken]: 'forbidden' } as const;
    this.api = new KubeApiServer({ store: this.store, logs: this.logs, tokens, host });
    this.cluster = new SimulatedCluster({ store: this.store, logs: this.logs, namespace: this.namespace, extraPodLabels: opts.podLabels });
    this.broker = new SimulatedBroker({ host, statsLagMs: SANDBOX_STATS_LAG_MS });
    this.backend = new SimulatedBackend({
      host,
      port: opts.port ?? 0,
      requiredToken: opts.backendToken,
      onJobIssued: (job) => this.play(job),
      log: (line) => this.cluster.backendLog(line),
    });
    this.kubeconfigPath = join(stateDir, 'kubeconfig');
    this.forbiddenKubeconfigPath = join(stateDir, 'kubeconfig-forbidden');
  }

  static async start(opts: SandboxOptions = {}): Promise<Sandbox> {
    const ownsStateDir = opts.stateDir === undefined;
    const stateDir = opts.stateDir ?? (await mkdtemp(join(tmpdir(), 'consumer-probe-sandbox-')));
    const sandbox = new Sandbox(opts, stateDir, ownsStateDir);
    try {
      await Promise.all([sandbox.api.start(), sandbox.broker.start(), sandbox.backend.start()]);
      const namespace = sandbox.namespace;
      sandbox.api.writeKubeconfig(sandbox.kubeconfigPath, { token: sandbox.okToken, namespace });
      sandbox.api.writeKubeconfig(sandbox.forbiddenKubeconfigPath, { token: sandbox.forbiddenToken, namespace });
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

  /** Management API base URL, without credentials (guest/guest). */
  get brokerUrl(): string {
    return this.broker.url;
  }

  jobs(): SandboxJobRecord[] {
    return [...this.scripts.values()].map((s) => structuredClone(s.record));
  }

  job(jobId: string): SandboxJobRecord | undefined {
    const script = this.scripts.get(jobId);
    return script && structuredClone(script.record);
  }

  /** Resolves when every scripted step of the job has run (or the sandbox stops). */
  whenScriptDone(jobId: string): Promise<void> {
    return this.scripts.get(jobId)?.done ?? Promise.resolve();
  }

  /** Idempotent: clears every timer, closes every server and socket, removes its temp dir. */
  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private async shutdown(): Promise<void> {
    for (const script of this.scripts.values()) {
      clearTimeout(script.timer);
      script.finish();
    }
    await Promise.allSettled([this.backend.stop(), this.broker.stop(), this.api.stop()]);
    if (this.ownsStateDir) await rm(this.stateDir, { recursive: true, force: true });
  }

  /** Called by the backend just before it answers with a new job id. */
  private play(issued: IssuedJob): void {
    const { jobId, profile, receivedAt, answeredAt } = issued;
    this.addDecoys(jobId);
    let finish!: () => void;
    const done = new Promise<void>((resolve) => (finish = resolve));
    const record: SandboxJobRecord = {
      jobId,
      profile: profile.name,
      configureReceivedAt: receivedAt,
      truth: { configureMs: answeredAt - receivedAt },
      scriptErrors: [],
    };
    const script: Script = { record, steps: orderedSteps(profile), next: 0, done, finish };
    this.scripts.set(jobId, script);
    this.cluster.backendLog(`INFO focus.jobs: configured job ${jobId}, window ${jobId.split('-')[0]}`);
    this.scheduleNext(script);
  }

  /** Decoy jobs whose ids contain this one, in the cluster and in the broker. */
  private addDecoys(jobId: string): void {
    this.cluster.addDecoys(jobId);
    for (const id of decoyJobIds(jobId)) {
      this.broker.createQueue(`grpc-job-${id}`);
      this.broker.attachConsumer(`grpc-job-${id}`);
    }
  }

  /** One timer per job at a time, so steps run in order; steps due at the same time run together. */
  private scheduleNext(script: Script): void {
    const step = script.steps[script.next];
    if (!step || this.stopping) return script.finish();
    const dueIn = script.record.configureReceivedAt + step.atMs - performance.now();
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
    const { jobId, truth, configureReceivedAt } = script.record;
    const appliedAt = performance.now() - configureReceivedAt;
    try {
      this.apply(jobId, step);
      const key = TRUTH_OF_STEP[step.do];
      if (key && truth[key] === undefined) truth[key] = appliedAt;
    } catch (e) {
      script.record.scriptErrors.push(`${step.do} at ${step.atMs} ms: ${(e as Error).message}`);
    }
  }

  private apply(jobId: string, step: ProfileStep): void {
    const queue = `grpc-job-${jobId}`;
    if (isClusterStep(step)) return this.cluster.apply(jobId, step.do);
    switch (step.do) {
      case 'createQueue':
        return this.broker.createQueue(queue);
      case 'attachConsumer':
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

function knownProfile(name: string): SandboxProfile {
  const profile = profileByName(name);
  if (!profile) throw new Error(`unknown sandbox profile "${name}"`);
  return profile;
}
