// Plays the cluster's controllers for the sandbox (Job controller, scheduler, kubelet) as changes to the
// ObjectStore the simulated API server serves, so the probe meets real shapes and real traps:
// background pods, and decoy pods whose names contain the job id.
import { randomUUID } from 'node:crypto';
import * as k8s from './clusterObjects';
import type { ContainerStatus, Involved, JobStatus, PodStatus, Spec } from './clusterObjects';
import type { PodLogStore } from './kube/podLogs';
import type { KubeObject, ObjectStore } from './kube/store';
import type { ClusterStepKind } from './profiles';

export {
  BACKEND_CONTAINER,
  FAILED_SCHEDULING_MESSAGE,
  JOB_CONTAINER,
  JOB_IMAGE,
  NODE_NAME,
  decoyJobIds,
  randomSuffix,
} from './clusterObjects';

const { JOB_CONTAINER, JOB_IMAGE, NODE_NAME, GPU, IMAGE_NOT_FOUND, IMAGE_UNAUTHORIZED } = k8s;
const CLEANUP_IMAGE = 'registry.local/focus-cleanup:1.4.0';

/** What the cluster remembers of one job it plays. */
interface Tracked {
  id: string;
  name: string;
  uid: string;
  pod?: { name: string; uid: string };
  containerStarts: number;
  cleanup?: { name: string; uid: string; pod: string };
  /** The registry's answer each pull attempt meets (set by the step that makes pulls fail). */
  pullError?: string;
  /** performance.now() when the kubelet began pulling the image, for the Pulled event's duration. */
  pullStartedAt?: number;
}

export class SimulatedCluster {
  readonly namespace: string;
  /** The backend's own pod; its `focus-server` container gets the backend's log lines. */
  readonly backendPod = `panda-panda-focus-server-${k8s.randomSuffix(10)}-${k8s.randomSuffix()}`;
  private readonly store: ObjectStore;
  private readonly logs: PodLogStore;
  private readonly tracked = new Map<string, Tracked>();
  /** Repeated events update one Event object, keyed like the real event aggregator. */
  private readonly eventNames = new Map<string, string>();
  private nextIp = 20;

  /** Labels added to every job pod (the sandbox's `podLabels` option), e.g. to try matching rules. */
  private readonly extraPodLabels: Record<string, string>;

  constructor(opts: { store: ObjectStore; logs: PodLogStore; namespace?: string; extraPodLabels?: Record<string, string> }) {
    this.store = opts.store;
    this.extraPodLabels = { ...opts.extraPodLabels };
    this.logs = opts.logs;
    this.namespace = opts.namespace ?? 'panda';
    for (const { resource, object } of k8s.backgroundWorkloads(this.namespace, this.backendPod, () => this.nextPodIp())) {
      this.store.create(resource, object);
    }
  }

  podNameOf(jobId: string): string | undefined {
    return this.tracked.get(jobId)?.pod?.name;
  }

  backendLog(line: string): void {
    this.logs.append(this.namespace, this.backendPod, k8s.BACKEND_CONTAINER, line);
  }

  containerLog(jobId: string, line: string): void {
    const pod = this.podNameOf(jobId);
    if (!pod) throw new Error(`job ${jobId} has no pod to log to`);
    this.logs.append(this.namespace, pod, JOB_CONTAINER, line);
  }

  /** Running jobs whose ids contain this one (`19-5` → `19-50`, `119-5`): a "name contains id" matcher takes them. */
  addDecoys(jobId: string): void {
    const tenMinutesAgo = Date.now() - 600_000;
    for (const id of k8s.decoyJobIds(jobId)) {
      if (this.store.get('jobs', this.namespace, `grpc-job-${id}`)) continue;
      const [job, pod] = k8s.runningAnalyzerJob(this.namespace, id, tenMinutesAgo, this.nextPodIp());
      this.store.create('jobs', job!);
      this.store.create('pods', pod!);
    }
  }

  apply(jobId: string, step: ClusterStepKind): void {
    const job = this.track(jobId);
    const steps: Record<ClusterStepKind, () => void> = {
      createJob: () => this.store.create('jobs', k8s.jobObject(this.namespace, job.name, job.uid, k8s.analyzerPodSpec(jobId))),
      createCleanupJob: () => this.createCleanupJob(job),
      finishCleanupJob: () => this.finishCleanupJob(job),
      failCreatePod: () => this.failCreatePod(job),
      createPod: () => this.createPod(job),
      failScheduling: () => {
        const unschedulable = k8s.FAILED_SCHEDULING_MESSAGE;
        this.updatePod(job, (s) => k8s.setCondition(s, 'PodScheduled', 'False', 'Unschedulable', unschedulable));
        this.event(this.podRef(job), 'Warning', 'FailedScheduling', 'default-scheduler', unschedulable);
      },
      schedule: () => {
        this.updatePod(job, (s, pod) => {
          (pod.spec as Spec).nodeName = NODE_NAME;
          k8s.setCondition(s, 'PodScheduled', 'True');
        });
        const assigned = `Successfully assigned ${this.namespace}/${this.podRef(job).name} to ${NODE_NAME}`;
        this.event(this.podRef(job), 'Normal', 'Scheduled', 'default-scheduler', assigned);
      },
      pullImage: () => {
        this.updatePod(job, (s) => {
          k8s.setCondition(s, 'Initialized', 'True');
          k8s.setNotReady(s, JOB_CONTAINER);
          Object.assign(s, { hostIP: k8s.NODE_IP, startTime: s.startTime ?? k8s.kubeTime() });
          s.containerStatuses = [k8s.creatingContainer(JOB_CONTAINER, JOB_IMAGE)];
        });
        job.pullStartedAt = performance.now();
        this.kubeletEvent(job, 'Normal', 'Pulling', `Pulling image "${JOB_IMAGE}"`);
      },
      pulled: () => {
        const took = pullDuration(performance.now() - (job.pullStartedAt ?? performance.now()));
        this.kubeletEvent(
          job,
          'Normal',
          'Pulled',
          `Successfully pulled image "${JOB_IMAGE}" in ${took} (${took} including waiting). Image size: 2147483648 bytes.`,
        );
      },
      startContainer: () => this.startContainer(job),
      becomeReady: () => {
        this.updatePod(job, (s) => {
          this.container(s).ready = true;
          k8s.setCondition(s, 'ContainersReady', 'True');
          k8s.setCondition(s, 'Ready', 'True');
        });
        this.updateJob(job.name, (s) => void (s.ready = 1));
      },
      crash: () => this.crash(job, { exitCode: 1, reason: 'Error' }),
      imagePullFails: () => this.imagePullFails(job, IMAGE_NOT_FOUND),
      imagePullBackOff: () => this.imagePullBackOff(job),
      denyCreatePod: () => this.denyCreatePod(job),
      suspendJob: () => this.suspendJob(job),
      triggerScaleUp: () => this.event(this.podRef(job), 'Normal', 'TriggeredScaleUp', 'cluster-autoscaler', k8s.SCALE_UP_TRIGGERED),
      failMount: () => {
        // The kubelet took the pod, but cannot set its volumes up: its container stays ContainerCreating.
        this.updatePod(job, (s) => {
          k8s.setNotReady(s, JOB_CONTAINER);
          s.containerStatuses ??= [k8s.creatingContainer(JOB_CONTAINER, JOB_IMAGE)];
          Object.assign(s, { hostIP: k8s.NODE_IP, startTime: s.startTime ?? k8s.kubeTime() });
        });
        this.event(this.podRef(job), 'Warning', 'FailedMount', 'kubelet', k8s.FAILED_MOUNT_MESSAGE);
      },
      imagePullUnauthorized: () => this.imagePullFails(job, IMAGE_UNAUTHORIZED),
      oomKill: () => this.crash(job, { exitCode: 137, reason: 'OOMKilled' }),
      evict: () => this.evict(job),
      failContainerConfig: () => {
        const waiting = { reason: 'CreateContainerConfigError', message: k8s.MISSING_SECRET_MESSAGE };
        this.updatePod(job, (s) => void (this.container(s).state = { waiting }));
        this.kubeletEvent(job, 'Warning', 'Failed', `Error: ${k8s.MISSING_SECRET_MESSAGE}`);
      },
      failReadiness: () => this.kubeletEvent(job, 'Warning', 'Unhealthy', k8s.READINESS_FAILED_MESSAGE),
      exitContainer: () => this.exitContainer(job),
      failJob: () => this.failJob(job),
      completeJob: () => this.completeJob(job),
    };
    steps[step]();
  }

  private track(jobId: string): Tracked {
    let job = this.tracked.get(jobId);
    if (!job) {
      job = { id: jobId, name: `grpc-job-${jobId}`, uid: randomUUID(), containerStarts: 0 };
      this.tracked.set(jobId, job);
    }
    return job;
  }

  private failCreatePod(job: Tracked): void {
    this.updateJob(job.name, (s) => void (s.startTime ??= k8s.kubeTime()));
    const refused =
      `Error creating: pods "${job.name}-" is forbidden: exceeded quota: gpu-quota, ` +
      `requested: ${GPU}=1, used: ${GPU}=30, limited: ${GPU}=30`;
    this.event(jobRef(job), 'Warning', 'FailedCreate', 'job-controller', refused);
  }

  private createPod(job: Tracked): void {
    const pod = k8s.jobPodObject(this.namespace, job.name, job.uid, k8s.analyzerPodSpec(job.id));
    // Extra template labels go under the controller's own, which a Job never lets a template override.
    pod.metadata.labels = { ...this.extraPodLabels, ...pod.metadata.labels };
    const created = this.store.create('pods', pod);
    job.pod = { name: created.metadata.name, uid: created.metadata.uid! };
    const active = { active: 1, ready: 0, terminating: 0 };
    this.updateJob(job.name, (s) => Object.assign(s, active, { startTime: s.startTime ?? k8s.kubeTime() }));
    this.event(jobRef(job), 'Normal', 'SuccessfulCreate', 'job-controller', `Created pod: ${job.pod.name}`);
  }

  private startContainer(job: Tracked): void {
    if (job.containerStarts++ > 0) {
      // A restarted container starts a fresh log; `kubectl logs --previous` shows the crashed one.
      this.logs.restartContainer(this.namespace, this.podRef(job).name, JOB_CONTAINER);
      this.kubeletEvent(job, 'Normal', 'Pulled', `Container image "${JOB_IMAGE}" already present on machine`);
    }
    this.kubeletEvent(job, 'Normal', 'Created', `Created container ${JOB_CONTAINER}`);
    const podIP = this.nextPodIp();
    this.updatePod(job, (s) => {
      const imageID = `registry.local/baby-analyzer@sha256:${'5e1f'.repeat(16)}`;
      const running = { startedAt: k8s.kubeTime() };
      Object.assign(this.container(s), { started: true, containerID: k8s.containerId(), imageID, state: { running } });
      s.phase = 'Running';
      s.podIP ??= podIP;
      s.podIPs = [{ ip: s.podIP }];
      k8s.setCondition(s, 'Initialized', 'True');
    });
    this.kubeletEvent(job, 'Normal', 'Started', `Started container ${JOB_CONTAINER}`);
  }

  /** The container's process ended (`Error`, exit 1; or the kernel's `OOMKilled`, exit 137) and the kubelet holds it back. */
  private crash(job: Tracked, how: { exitCode: number; reason: string }): void {
    // The process is gone: a `kubectl logs -f` on it ends; its log stays readable until the restart.
    this.logs.exitContainer(this.namespace, this.podRef(job).name, JOB_CONTAINER);
    const pod = `${this.podRef(job).name}_${this.namespace}(${this.podRef(job).uid})`;
    let terminated: Record<string, unknown> = {};
    this.updatePod(job, (s) => {
      const c = this.container(s);
      const startedAt = c.state.running?.startedAt ?? k8s.kubeTime();
      terminated = { ...how, startedAt, finishedAt: k8s.kubeTime(), containerID: c.containerID };
      Object.assign(c, { ready: false, started: false, state: { terminated } });
      k8s.setNotReady(s, JOB_CONTAINER);
    });
    this.updateJob(job.name, (s) => void (s.ready = 0));
    // The kubelet then holds the container back, doubling the delay on every restart.
    this.updatePod(job, (s) => {
      const c = this.container(s);
      c.restartCount += 1;
      c.lastState = { terminated };
      const backOff = `back-off ${10 * 2 ** (c.restartCount - 1)}s`;
      c.state = {
        waiting: {
          reason: 'CrashLoopBackOff',
          message: `${backOff} restarting failed container=${JOB_CONTAINER} pod=${pod}`,
        },
      };
    });
    this.kubeletEvent(job, 'Warning', 'BackOff', `Back-off restarting failed container ${JOB_CONTAINER} in pod ${pod}`);
  }

  private imagePullFails(job: Tracked, registryAnswer: string): void {
    job.pullError = registryAnswer;
    const waiting = { reason: 'ErrImagePull', message: registryAnswer };
    this.updatePod(job, (s) => void (this.container(s).state = { waiting }));
    this.imagePullFailedEvents(job);
  }

  private imagePullFailedEvents(job: Tracked): void {
    this.kubeletEvent(job, 'Warning', 'Failed', `Failed to pull image "${JOB_IMAGE}": ${job.pullError ?? IMAGE_NOT_FOUND}`);
    this.kubeletEvent(job, 'Warning', 'Failed', 'Error: ErrImagePull');
  }

  private imagePullBackOff(job: Tracked): void {
    const status = this.store.get('pods', this.namespace, this.podRef(job).name)?.status as PodStatus;
    if (status.containerStatuses?.[0]?.state.waiting?.reason === 'ImagePullBackOff') {
      // A retry after the back-off: the kubelet pulls and fails again; only the event counts move.
      this.kubeletEvent(job, 'Normal', 'Pulling', `Pulling image "${JOB_IMAGE}"`);
      this.imagePullFailedEvents(job);
    } else {
      const waiting = { reason: 'ImagePullBackOff', message: `Back-off pulling image "${JOB_IMAGE}"` };
      this.updatePod(job, (s) => void (this.container(s).state = { waiting }));
    }
    this.kubeletEvent(job, 'Normal', 'BackOff', `Back-off pulling image "${JOB_IMAGE}"`);
    this.kubeletEvent(job, 'Warning', 'Failed', 'Error: ImagePullBackOff');
  }

  /** An admission webhook refuses the pod the Job controller asks for; the Job stays without a pod. */
  private denyCreatePod(job: Tracked): void {
    this.updateJob(job.name, (s) => void (s.startTime ??= k8s.kubeTime()));
    const pod = `${job.name}-${k8s.randomSuffix()}`;
    this.event(
      jobRef(job),
      'Warning',
      'FailedCreate',
      'job-controller',
      `Error creating: ${k8s.webhookDeniedMessage(this.namespace, pod)}`,
    );
  }

  /** The Job is set suspended (by the backend, a policy or a queueing controller): no pod until it is resumed. */
  private suspendJob(job: Tracked): void {
    const at = k8s.kubeTime();
    this.store.update('jobs', this.namespace, job.name, (j) => {
      (j.spec as Spec).suspend = true;
      const suspended = {
        type: 'Suspended',
        status: 'True',
        reason: 'JobSuspended',
        message: 'Job suspended',
        lastProbeTime: at,
        lastTransitionTime: at,
      };
      j.status = { ...((j.status ?? {}) as JobStatus), conditions: [suspended] };
    });
    this.event(jobRef(job), 'Normal', 'Suspended', 'job-controller', 'Job suspended');
  }

  /** The kubelet evicts the pod from a node short of memory: the pod fails as a whole, its container is killed. */
  private evict(job: Tracked): void {
    this.logs.exitContainer(this.namespace, this.podRef(job).name, JOB_CONTAINER);
    this.updatePod(job, (s) => {
      const c = this.container(s);
      const startedAt = c.state.running?.startedAt ?? k8s.kubeTime();
      const terminated = { exitCode: 137, reason: 'Error', startedAt, finishedAt: k8s.kubeTime(), containerID: c.containerID };
      Object.assign(c, { ready: false, started: false, state: { terminated } });
      Object.assign(s, { phase: 'Failed', reason: 'Evicted', message: k8s.EVICTED_MESSAGE });
      k8s.setNotReady(s, JOB_CONTAINER, 'PodFailed');
      k8s.setCondition(s, 'DisruptionTarget', 'True', 'TerminationByKubelet', k8s.EVICTED_MESSAGE);
    });
    this.updateJob(job.name, (s) => Object.assign(s, { active: 0, ready: 0, failed: 1 }));
    this.event(this.podRef(job), 'Warning', 'Evicted', 'kubelet', k8s.EVICTED_MESSAGE);
    this.kubeletEvent(job, 'Normal', 'Killing', `Stopping container ${JOB_CONTAINER}`);
  }

  /** The container exits 1 once; with backoffLimit 0 that is the Job's only try. */
  private exitContainer(job: Tracked): void {
    this.logs.exitContainer(this.namespace, this.podRef(job).name, JOB_CONTAINER);
    this.updatePod(job, (s) => {
      const c = this.container(s);
      const startedAt = c.state.running?.startedAt ?? k8s.kubeTime();
      const terminated = { exitCode: 1, reason: 'Error', startedAt, finishedAt: k8s.kubeTime(), containerID: c.containerID };
      Object.assign(c, { ready: false, started: false, state: { terminated } });
      s.phase = 'Failed';
      k8s.setNotReady(s, JOB_CONTAINER, 'PodFailed');
    });
  }

  /** The Job controller gives up: one failure is all `backoffLimit: 0` allows. */
  private failJob(job: Tracked): void {
    const at = k8s.kubeTime();
    const reason = {
      status: 'True',
      reason: 'BackoffLimitExceeded',
      message: k8s.BACKOFF_LIMIT_MESSAGE,
      lastProbeTime: at,
      lastTransitionTime: at,
    };
    const conditions = [
      { type: 'FailureTarget', ...reason },
      { type: 'Failed', ...reason },
    ];
    this.updateJob(job.name, (s) => Object.assign(s, { active: 0, ready: 0, failed: 1, terminating: 0, conditions }));
    this.event(jobRef(job), 'Warning', 'BackoffLimitExceeded', 'job-controller', k8s.BACKOFF_LIMIT_MESSAGE);
  }

  /** The backend's second Job; its pod also contains the job id and simply runs to completion. */
  private createCleanupJob(job: Tracked): void {
    const name = `cleanup-job-${job.id}`;
    const uid = randomUUID();
    const spec = k8s.simplePodSpec('cleanup', CLEANUP_IMAGE, 'Never', ['--job-id', job.id]);
    this.store.create('jobs', k8s.jobObject(this.namespace, name, uid, spec));
    const pod = k8s.jobPodObject(this.namespace, name, uid, { ...spec, nodeName: NODE_NAME });
    const status: PodStatus = {
      phase: 'Pending',
      qosClass: 'Burstable',
      hostIP: k8s.NODE_IP,
      startTime: k8s.kubeTime(),
    };
    k8s.setCondition(status, 'PodScheduled', 'True');
    k8s.setCondition(status, 'Initialized', 'True');
    k8s.setNotReady(status, 'cleanup');
    status.containerStatuses = [k8s.creatingContainer('cleanup', CLEANUP_IMAGE)];
    pod.status = status;
    job.cleanup = { name, uid, pod: this.store.create('pods', pod).metadata.name };
    this.updateJob(name, (s) => Object.assign(s, { active: 1, startTime: k8s.kubeTime() }));
    this.event({ kind: 'Job', name, uid }, 'Normal', 'SuccessfulCreate', 'job-controller', `Created pod: ${job.cleanup.pod}`);
  }

  private finishCleanupJob(job: Tracked): void {
    const cleanup = job.cleanup;
    if (!cleanup) throw new Error(`job ${job.id} has no cleanup Job`);
    const at = k8s.kubeTime();
    this.store.update('pods', this.namespace, cleanup.pod, (pod) => {
      const s = pod.status as PodStatus;
      const terminated = { exitCode: 0, reason: 'Completed', startedAt: s.startTime ?? at, finishedAt: at };
      Object.assign(this.container(s), { containerID: k8s.containerId(), state: { terminated } });
      s.phase = 'Succeeded';
      k8s.setCondition(s, 'Initialized', 'True', 'PodCompleted');
      k8s.setNotReady(s, 'cleanup', 'PodCompleted');
    });
    this.markComplete({ kind: 'Job', name: cleanup.name, uid: cleanup.uid });
  }

  /** The analyzer's stream ended: its container exits 0, the pod Succeeded (its GPU is free), the Job Complete. */
  private completeJob(job: Tracked): void {
    this.logs.exitContainer(this.namespace, this.podRef(job).name, JOB_CONTAINER);
    this.updatePod(job, (s) => {
      const c = this.container(s);
      const at = k8s.kubeTime();
      const terminated = {
        exitCode: 0,
        reason: 'Completed',
        startedAt: c.state.running?.startedAt ?? at,
        finishedAt: at,
        containerID: c.containerID,
      };
      Object.assign(c, { ready: false, started: false, state: { terminated } });
      s.phase = 'Succeeded';
      k8s.setNotReady(s, JOB_CONTAINER, 'PodCompleted');
    });
    this.markComplete(jobRef(job));
  }

  /** The Job controller counts the pod's success: with `completions: 1` the Job is Complete. */
  private markComplete(ref: Involved): void {
    const at = k8s.kubeTime();
    const conditions = [{ type: 'Complete', status: 'True', lastProbeTime: at, lastTransitionTime: at }];
    const done = { active: 0, succeeded: 1, ready: 0, completionTime: at, conditions };
    this.updateJob(ref.name, (s) => Object.assign(s, done));
    this.event(ref, 'Normal', 'Completed', 'job-controller', 'Job completed');
  }

  private nextPodIp(): string {
    return `10.244.3.${this.nextIp++}`;
  }

  private container(status: PodStatus): ContainerStatus {
    const c = status.containerStatuses?.[0];
    if (!c) throw new Error('the container has no status yet: pull its image first');
    return c;
  }

  private podRef(job: Tracked): Involved {
    if (!job.pod) throw new Error(`job ${job.id} has no pod yet`);
    return { kind: 'Pod', name: job.pod.name, uid: job.pod.uid };
  }

  private updatePod(job: Tracked, mutate: (status: PodStatus, pod: KubeObject) => void): void {
    this.store.update('pods', this.namespace, this.podRef(job).name, (pod) => mutate(pod.status as PodStatus, pod));
  }

  private updateJob(name: string, mutate: (status: JobStatus) => void): void {
    this.store.update('jobs', this.namespace, name, (job) => mutate((job.status ??= {}) as JobStatus));
  }

  private kubeletEvent(job: Tracked, type: 'Normal' | 'Warning', reason: string, message: string): void {
    this.event({ ...this.podRef(job), fieldPath: `spec.containers{${JOB_CONTAINER}}` }, type, reason, 'kubelet', message);
  }

  /** Creates an Event, or bumps `count`/`lastTimestamp` of the one with the same object, reason and message. */
  private event(involved: Involved, type: 'Normal' | 'Warning', reason: string, component: string, message: string): void {
    const key = `${involved.kind}/${involved.name}|${reason}|${message}`;
    const existing = this.eventNames.get(key);
    if (existing) {
      const bump = (e: KubeObject) => Object.assign(e, { count: (e.count as number) + 1, lastTimestamp: k8s.kubeTime() });
      this.store.update('events', this.namespace, existing, bump);
      return;
    }
    const created = this.store.create('events', k8s.eventObject(this.namespace, involved, type, reason, component, message));
    this.eventNames.set(key, created.metadata.name);
  }
}

/** How the kubelet writes a pull's duration (Go's time.Duration): `400ms`, `3.312s`. */
function pullDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)}ms` : `${(ms / 1000).toFixed(3)}s`;
}

function jobRef(job: Tracked): Involved {
  return { kind: 'Job', name: job.name, uid: job.uid };
}
