// Benchmark "probeCost": the product's probe side by side with the old test's method, against the same
// sandbox scenarios, with an empty namespace and with a production-sized one (2,000 unrelated pods and
// 5,000 unrelated events). Per method it prints the start delay, how late each stage is reported
// (reported − the sandbox's ground truth), what it cost the Kubernetes API (requests, response bytes, as
// the sandbox's API server counted them), the backend requests and the peak RSS — and the ratios.
//
//   node --import tsx bench/probeCost.ts [--reps N] [--scenarios a,b] [--pods N] [--events N]
//                                        [--trickle PER_S] [--json]
//
// The sandbox runs in this process; each method runs in its own worker process (bench/methodWorker.ts),
// one per method and namespace size, so its peak RSS is its own. Nothing here asserts a target.
import { fork, type ChildProcess } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { TimingKey } from '../src/probe/model';
import { profileByName } from '../src/sandbox/profiles';
import { Sandbox } from '../src/sandbox/sandbox';
import type { ResourceKind } from '../src/sandbox/kube/store';
import type { OldMethodOptions } from './oldMethod';
import type { WorkerReply, WorkerRequest } from './methodWorker';
import { probeOptionsFor } from './probeMethod';
import { renderProbeCost } from './probeCostTable';

export type Method = 'probe' | 'old';
export const STAGES = ['podCreatedMs', 'podRunningMs', 'podReadyMs', 'consumerReadyMs'] as const satisfies readonly TimingKey[];
export type Stage = (typeof STAGES)[number];

export interface ProbeCostOptions {
  scenarios: string[];
  reps: number;
  /** The noisy namespace's unrelated pods and events (the quiet one has none). */
  pods: number;
  events: number;
  /** Unrelated changes per second in the noisy namespace during the runs; 0 = none. */
  trickle: number;
  methods: Method[];
  /** Progress lines (stderr by default). */
  progress?: (line: string) => void;
}

export interface RunMeasurement {
  method: Method;
  unrelatedPods: number;
  scenario: string;
  rep: number;
  jobId: string | null;
  /** The probe's diagnosis (the old method makes none). */
  diagnosed: string | null;
  /** From the first Kubernetes API request (as the API server received it) to sending POST /configure. */
  startDelayMs: number | null;
  /** reported − truth, per stage both know. */
  lagMs: Partial<Record<Stage, number>>;
  /** Stages that happened but were never reported. */
  missed: Stage[];
  apiRequests: number;
  apiBytes: number;
  /** Bytes per request kind and resource, names generalised (`list pods`, `follow log`, …). */
  apiBytesByKind: Record<string, number>;
  backendRequests: number;
  /** t0 → the method's end (consumer ready, timeout): what backend requests per second are taken over. */
  runMs: number | null;
  /** Old method: pods it took for the job's although they are not (decoys whose ids contain the id). */
  wrongPods: number;
  /** The longest the method's event loop was blocked during the run (every observation waits for it). */
  loopStallMaxMs: number;
}

export interface MethodSummary {
  method: Method;
  unrelatedPods: number;
  runs: number;
  peakRssKiB: number | null;
  /** The worker's peak RSS before it loaded the method (node + tsx). */
  idleRssKiB: number | null;
  /**
   * Check of the two processes' shared time base: when this process received the worker's "ready" minus
   * when the worker sent it, both as timeOrigin + now(). Must be ≥ 0 and small (the IPC's latency).
   */
  clockCheckMs: number;
}

export interface ProbeCostResult {
  options: Omit<ProbeCostOptions, 'progress'>;
  machine: { cpu: string; cores: number; node: string; loadavg: number[] };
  runs: RunMeasurement[];
  methods: MethodSummary[];
}

export const DEFAULT_OPTIONS: ProbeCostOptions = {
  scenarios: ['healthy', 'pod_pending'],
  reps: 3,
  pods: 2_000,
  events: 5_000,
  trickle: 0,
  methods: ['probe', 'old'],
};

const KINDS: ResourceKind[] = ['pods', 'jobs', 'events'];

export async function measureProbeCost(opts: ProbeCostOptions): Promise<ProbeCostResult> {
  const progress = opts.progress ?? ((line: string) => process.stderr.write(`${line}\n`));
  for (const s of opts.scenarios) if (!profileByName(s)) throw new Error(`unknown scenario "${s}"`);
  const result: ProbeCostResult = {
    options: {
      scenarios: opts.scenarios,
      reps: opts.reps,
      pods: opts.pods,
      events: opts.events,
      trickle: opts.trickle,
      methods: opts.methods,
    },
    machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, node: process.version, loadavg: loadavg() },
    runs: [],
    methods: [],
  };
  for (const unrelatedPods of [0, opts.pods]) {
    const noisy = unrelatedPods > 0;
    const sandbox = await Sandbox.start(
      noisy ? { noise: { unrelatedPods, unrelatedEvents: opts.events, changesPerSecond: opts.trickle } } : {},
    );
    try {
      const seed = objectKeys(sandbox);
      for (const method of opts.methods) {
        const worker = await MethodWorker.start();
        const summary: MethodSummary = {
          method,
          unrelatedPods,
          runs: 0,
          peakRssKiB: null,
          idleRssKiB: worker.idleRssKiB,
          clockCheckMs: worker.clockCheckMs,
        };
        try {
          for (let rep = 1; rep <= opts.reps; rep++) {
            for (const scenario of opts.scenarios) {
              removeLeftovers(sandbox, seed);
              const run = await measureRun(sandbox, worker, method, scenario);
              result.runs.push({ ...run, unrelatedPods, rep });
              summary.runs += 1;
              const lag = run.lagMs.podCreatedMs;
              progress(
                `${method.padEnd(5)} ${String(unrelatedPods).padStart(5)} pods  ${scenario.padEnd(12)} #${rep}  ` +
                  `${(run.apiBytes / 1024).toFixed(0).padStart(6)} KiB in ${String(run.apiRequests).padStart(3)} API requests, ` +
                  `pod created lag ${lag === undefined ? '–' : `${lag.toFixed(1)} ms`}`,
              );
            }
          }
        } finally {
          summary.peakRssKiB = await worker.finish();
        }
        result.methods.push(summary);
      }
    } finally {
      await sandbox.stop();
    }
  }
  return result;
}

type Measured = Omit<RunMeasurement, 'unrelatedPods' | 'rep'>;

async function measureRun(sandbox: Sandbox, worker: MethodWorker, method: Method, scenario: string): Promise<Measured> {
  const profile = profileByName(scenario)!;
  sandbox.resetUsage();
  let jobId: string | null;
  let t0: number;
  let reported: Partial<Record<Stage, number | null>>;
  let diagnosed: string | null = null;
  let wrongPods = 0;
  let loopStallMaxMs: number;
  let runMs: number | null;
  if (method === 'probe') {
    const r = await worker.run({ type: 'run', method, options: probeOptionsFor(sandbox, scenario) }, profile.probe.timeoutMs);
    if (r.method !== 'probe') throw new Error('the worker answered for another method');
    ({ jobId, t0 } = r.result);
    loopStallMaxMs = r.loopStallMaxMs;
    reported = r.result.timings;
    diagnosed = r.result.scenario;
    runMs = r.result.endedMs;
  } else {
    const options: OldMethodOptions = {
      backendUrl: sandbox.backendUrlFor(scenario),
      kubeconfig: sandbox.kubeconfigFor(scenario),
      namespace: sandbox.namespace,
      body: probeOptionsFor(sandbox, scenario).backend.body,
      timeoutMs: profile.probe.timeoutMs,
    };
    const r = await worker.run({ type: 'run', method, options }, profile.probe.timeoutMs);
    if (r.method !== 'old') throw new Error('the worker answered for another method');
    ({ jobId, t0 } = r.result);
    loopStallMaxMs = r.loopStallMaxMs;
    runMs = r.result.endedMs;
    const primary = jobId === null ? undefined : sandbox.cluster.podNameOf(jobId);
    const seen = primary === undefined ? undefined : r.result.pods[primary];
    reported = {
      podCreatedMs: seen?.createdMs ?? null,
      podRunningMs: seen?.runningMs ?? null,
      podReadyMs: seen?.readyMs ?? null,
      consumerReadyMs: r.result.consumerReadyMs,
    };
    const own = jobId === null ? null : new RegExp(`^(grpc|cleanup)-job-${escapeRegExp(jobId)}-[a-z0-9]{5}$`);
    wrongPods = Object.keys(r.result.pods).filter((name) => !own?.test(name)).length;
  }
  const usage = sandbox.apiUsage();
  const backend = sandbox.backendUsage();
  const record = jobId === null ? undefined : sandbox.job(jobId);
  if (jobId !== null) await sandbox.whenScriptDone(jobId);

  // The worker's t0 on this process's clock: both clocks count from the same wall-clock epoch.
  const t0Here = worker.timeOrigin + t0 - performance.timeOrigin;
  const lagMs: Partial<Record<Stage, number>> = {};
  const missed: Stage[] = [];
  for (const stage of STAGES) {
    const truth = record?.truth[stage];
    if (truth === undefined || record === undefined) continue;
    const at = reported[stage];
    if (at === null || at === undefined) missed.push(stage);
    else lagMs[stage] = t0Here + at - (record.configureReceivedAt + truth);
  }
  const first = usage.log[0];
  const apiBytesByKind: Record<string, number> = {};
  for (const [key, { bytes }] of Object.entries(usage.byPath)) {
    const kind = generalise(key);
    apiBytesByKind[kind] = (apiBytesByKind[kind] ?? 0) + bytes;
  }
  return {
    method,
    scenario,
    jobId,
    diagnosed,
    startDelayMs: first ? t0Here - first.receivedAt : null,
    lagMs,
    missed,
    apiRequests: usage.requests,
    apiBytes: usage.bytes,
    apiBytesByKind,
    backendRequests: backend.requests,
    runMs,
    wrongPods,
    loopStallMaxMs,
  };
}

/** `list /api/v1/namespaces/panda/pods` → `list pods`; `follow …/pods/NAME/log` → `follow log`. */
function generalise(key: string): string {
  const [verb = '', path = ''] = key.split(' ');
  const segments = path.split('/').filter(Boolean);
  if (verb === 'log' || verb === 'follow') return `${verb} pods/log`;
  const ns = segments.indexOf('namespaces');
  const resource = ns >= 0 && segments.length > ns + 2 ? segments[ns + 2] : segments[segments.length - 1];
  return `${verb} ${resource ?? path}`;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function objectKeys(sandbox: Sandbox): Set<string> {
  const keys = new Set<string>();
  for (const kind of KINDS) for (const o of sandbox.store.list(kind, sandbox.namespace).items) keys.add(`${kind}/${o.metadata.name}`);
  return keys;
}

/** Removes what earlier runs created (Jobs, pods, decoys, events), as the Jobs' TTL would: every run meets the same namespace. */
function removeLeftovers(sandbox: Sandbox, seed: Set<string>): void {
  for (const kind of KINDS) {
    for (const o of sandbox.store.list(kind, sandbox.namespace).items) {
      if (!seed.has(`${kind}/${o.metadata.name}`)) sandbox.store.delete(kind, sandbox.namespace, o.metadata.name);
    }
  }
}

/** One worker process and its request/reply channel. */
class MethodWorker {
  private waiting?: { resolve: (r: WorkerReply) => void; reject: (e: Error) => void };

  private constructor(
    private readonly child: ChildProcess,
    readonly timeOrigin: number,
    readonly idleRssKiB: number,
    readonly clockCheckMs: number,
  ) {
    child.on('message', (reply: WorkerReply) => {
      const waiting = this.waiting;
      this.waiting = undefined;
      waiting?.resolve(reply);
    });
    child.on('exit', (code) => {
      const waiting = this.waiting;
      this.waiting = undefined;
      waiting?.reject(new Error(`the method worker exited (${code}) during a run`));
    });
  }

  static async start(): Promise<MethodWorker> {
    const child = fork(join(__dirname, 'methodWorker.ts'), [], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let receivedAt = 0;
    const ready = await new Promise<WorkerReply>((resolve, reject) => {
      child.once('message', (reply: WorkerReply) => {
        receivedAt = performance.timeOrigin + performance.now();
        resolve(reply);
      });
      child.once('exit', (code) => reject(new Error(`the method worker exited (${code}) before it was ready`)));
    });
    if (ready.type !== 'ready') throw new Error(`the method worker said ${ready.type} instead of ready`);
    return new MethodWorker(child, ready.timeOrigin, ready.maxRssKiB, receivedAt - ready.sentAtEpochMs);
  }

  /** Sends one run and waits for its result (the run's own timeout plus a margin, else the worker is killed). */
  async run(request: WorkerRequest, timeoutMs: number): Promise<Extract<WorkerReply, { type: 'result' }>> {
    const reply = await this.ask(request, timeoutMs + 20_000);
    if (reply.type === 'failed') throw new Error(`the method failed: ${reply.error}`);
    if (reply.type !== 'result') throw new Error(`the method worker said ${reply.type} instead of a result`);
    return reply;
  }

  /** Ends the worker; resolves with its peak RSS in KiB. */
  async finish(): Promise<number | null> {
    if (this.child.exitCode !== null || !this.child.connected) return null;
    const reply = await this.ask({ type: 'finish' }, 10_000).catch(() => null);
    return reply?.type === 'finished' ? reply.maxRssKiB : null;
  }

  private ask(request: WorkerRequest, timeoutMs: number): Promise<WorkerReply> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting = undefined;
        this.child.kill('SIGKILL');
        reject(new Error(`the method worker did not answer within ${timeoutMs} ms`));
      }, timeoutMs);
      const settle =
        <T>(f: (v: T) => void) =>
        (v: T) => {
          clearTimeout(timer);
          f(v);
        };
      this.waiting = { resolve: settle(resolve), reject: settle(reject) };
      this.child.send(request);
    });
  }
}

/** `npm run bench -- probeCost` / `node --import tsx bench/probeCost.ts`: prints the table (or JSON); returns the exit status. */
export async function run(argv: string[] = process.argv.slice(2)): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      reps: { type: 'string' },
      scenarios: { type: 'string' },
      pods: { type: 'string' },
      events: { type: 'string' },
      trickle: { type: 'string' },
      methods: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const int = (v: string | undefined, fallback: number) => (v === undefined ? fallback : Math.max(0, Number.parseInt(v, 10) || 0));
  const options: ProbeCostOptions = {
    scenarios: values.scenarios?.split(',').filter(Boolean) ?? DEFAULT_OPTIONS.scenarios,
    reps: Math.max(1, int(values.reps, DEFAULT_OPTIONS.reps)),
    pods: Math.max(1, int(values.pods, DEFAULT_OPTIONS.pods)),
    events: int(values.events, DEFAULT_OPTIONS.events),
    trickle: int(values.trickle, DEFAULT_OPTIONS.trickle),
    methods: (values.methods?.split(',').filter(Boolean) as Method[] | undefined) ?? DEFAULT_OPTIONS.methods,
  };
  const result = await measureProbeCost(options);
  process.stdout.write(values.json ? `${JSON.stringify(result, null, 2)}\n` : renderProbeCost(result));
  return 0;
}

if (require.main === module) {
  run().then(
    (code) => (process.exitCode = code),
    (e: unknown) => {
      process.stderr.write(`probeCost: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
