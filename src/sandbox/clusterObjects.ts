// The shapes of the simulated cluster's objects: Jobs, pods and Events as a real cluster writes them,
// with the fields the probe reads (labels, ownerReferences, conditions, container states, event counts).
import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import type { KubeObject } from './kube/store';

export const JOB_CONTAINER = 'baby-analyzer';
export const JOB_IMAGE = 'registry.local/baby-analyzer:2.3.1';
export const BACKEND_CONTAINER = 'focus-server';
export const NODE_NAME = 'node-3';
export const FAILED_SCHEDULING_MESSAGE =
  '0/3 nodes are available: 3 Insufficient nvidia.com/gpu.shared. ' +
  'preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.';
export const GPU = 'nvidia.com/gpu.shared';
export const NODE_IP = '10.10.100.103';
const SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
export const IMAGE_NOT_FOUND =
  `rpc error: code = NotFound desc = failed to pull and unpack image "${JOB_IMAGE}": ` +
  `failed to resolve reference "${JOB_IMAGE}": ${JOB_IMAGE}: not found`;
/** containerd's words when the registry refuses the node's (missing) credentials. */
export const IMAGE_UNAUTHORIZED =
  `rpc error: code = Unknown desc = failed to pull and unpack image "${JOB_IMAGE}": failed to resolve reference "${JOB_IMAGE}": ` +
  'failed to authorize: failed to fetch anonymous token: unexpected status from GET request to ' +
  'https://registry.local/token?scope=repository%3Ababy-analyzer%3Apull&service=registry.local: 401 Unauthorized';
/** The cluster autoscaler adding a GPU node for the pod. */
export const SCALE_UP_TRIGGERED = 'pod triggered scale-up: [{gpu-pool-a 3->4 (max: 6)}]';
/** The kubelet cannot mount the analyzer's model cache: the ConfigMap behind it is missing. */
export const FAILED_MOUNT_MESSAGE = 'MountVolume.SetUp failed for volume "model-cache" : configmap "analyzer-model-config" not found';
/** The kubelet cannot build the container's environment: the Secret it names is missing. */
export const MISSING_SECRET_MESSAGE = 'secret "rabbitmq-credentials" not found';
export const READINESS_FAILED_MESSAGE = 'Readiness probe failed: HTTP probe failed with statuscode: 503';
/** The kubelet's eviction message for a node under memory pressure. */
export const EVICTED_MESSAGE =
  'The node was low on resource: memory. Threshold quantity: 100Mi, available: 63500Ki. ' +
  `Container ${JOB_CONTAINER} was using 3812532Ki, request is 2Gi, has larger consumption of memory. `;
export const BACKOFF_LIMIT_MESSAGE = 'Job has reached the specified backoff limit';
/** A policy webhook refusing the Job's pod, in Kyverno's words (multi-line, as it really is). */
export function webhookDeniedMessage(namespace: string, pod: string): string {
  return (
    `admission webhook "validate.kyverno.svc-fail" denied the request: \n\npolicy Pod/${namespace}/${pod} for resource violation: \n\n` +
    'require-team-label:\n  check-team: \'validation error: label "team" is required. rule check-team failed at path /metadata/labels/team/\'\n'
  );
}

export function randomSuffix(length = 5): string {
  return Array.from({ length }, () => SUFFIX_ALPHABET[randomInt(SUFFIX_ALPHABET.length)]).join('');
}

/** Ids of other jobs that contain `jobId` as a substring (`19-5` → `19-50`, `119-5`). */
export function decoyJobIds(jobId: string): string[] {
  return [`${jobId}0`, `1${jobId}`];
}

/** Kubernetes writes times with second precision. */
export const kubeTime = (at = Date.now()): string => new Date(at).toISOString().replace(/\.\d+Z$/, 'Z');
export const containerId = (): string => `containerd://${randomBytes(32).toString('hex')}`;

export type Spec = Record<string, unknown>;
export type JobStatus = Record<string, unknown>;
export type State = Record<string, Record<string, unknown>>;
export type Owner = { kind: string; apiVersion: string; name: string; uid: string };
export interface PodCondition {
  type: string;
  status: 'True' | 'False';
  reason?: string;
  message?: string;
  lastProbeTime: null;
  lastTransitionTime: string;
}
export interface ContainerStatus {
  name: string;
  image: string;
  imageID: string;
  containerID?: string;
  ready: boolean;
  started: boolean;
  restartCount: number;
  state: State;
  lastState: State;
}
export interface PodStatus {
  phase: string;
  /** Why the pod as a whole is in its phase (`Evicted`), with the kubelet's message. */
  reason?: string;
  message?: string;
  qosClass: string;
  conditions?: PodCondition[];
  containerStatuses?: ContainerStatus[];
  hostIP?: string;
  podIP?: string;
  podIPs?: { ip: string }[];
  startTime?: string;
}
export interface Involved {
  kind: 'Pod' | 'Job';
  name: string;
  uid: string;
  fieldPath?: string;
}

export const CONDITION_ORDER = ['Initialized', 'Ready', 'ContainersReady', 'PodScheduled'];

/** Sets a pod condition; lastTransitionTime only moves when the status flips, as in a real cluster. */
export function setCondition(s: PodStatus, type: string, value: 'True' | 'False', reason?: string, message?: string): void {
  const old = s.conditions?.find((c) => c.type === type);
  const next: PodCondition = { type, status: value, lastProbeTime: null, lastTransitionTime: kubeTime() };
  if (reason) next.reason = reason;
  if (message) next.message = message;
  if (old?.status === value) next.lastTransitionTime = old.lastTransitionTime;
  s.conditions = [...(s.conditions ?? []).filter((c) => c.type !== type), next];
  s.conditions.sort((a, b) => CONDITION_ORDER.indexOf(a.type) - CONDITION_ORDER.indexOf(b.type));
}

export function setNotReady(s: PodStatus, container: string, reason = 'ContainersNotReady'): void {
  const message = reason === 'ContainersNotReady' ? `containers with unready status: [${container}]` : undefined;
  setCondition(s, 'Ready', 'False', reason, message);
  setCondition(s, 'ContainersReady', 'False', reason, message);
}

/** The template's `app` label plus the labels the Job controller adds. */
export function jobPodLabels(jobName: string, uid: string): Record<string, string> {
  return {
    app: jobName,
    'batch.kubernetes.io/controller-uid': uid,
    'batch.kubernetes.io/job-name': jobName,
    'controller-uid': uid,
    'job-name': jobName,
  };
}

export function analyzerPodSpec(jobId: string): Spec {
  const container = {
    name: JOB_CONTAINER,
    image: JOB_IMAGE,
    imagePullPolicy: 'IfNotPresent',
    env: [
      { name: 'JOB_ID', value: jobId },
      { name: 'RABBITMQ_HOST', value: 'rabbitmq-panda.panda.svc' },
    ],
    ports: [{ name: 'grpc', containerPort: 50051, protocol: 'TCP' }],
    resources: { requests: { cpu: '500m', memory: '2Gi', [GPU]: '1' }, limits: { memory: '4Gi', [GPU]: '1' } },
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
  };
  // OnFailure is what lets a crashing analyzer end in CrashLoopBackOff instead of a Failed pod.
  return { ...basePodSpec('OnFailure'), containers: [container] };
}

export function simplePodSpec(name: string, image: string, restartPolicy: string, args: string[] = []): Spec {
  const resources = { requests: { cpu: '50m', memory: '64Mi' } };
  return {
    ...basePodSpec(restartPolicy),
    containers: [{ name, image, args, imagePullPolicy: 'IfNotPresent', resources }],
  };
}

function basePodSpec(restartPolicy: string): Spec {
  const scheduling = { schedulerName: 'default-scheduler', terminationGracePeriodSeconds: 30 };
  return {
    restartPolicy,
    dnsPolicy: 'ClusterFirst',
    serviceAccountName: 'default',
    securityContext: {},
    ...scheduling,
  };
}

function containersOf(spec: Spec): { name: string; image: string }[] {
  return (spec.containers as { name: string; image: string }[]).map(({ name, image }) => ({ name, image }));
}

export function jobObject(namespace: string, name: string, uid: string, podSpec: Spec): KubeObject {
  const labels = jobPodLabels(name, uid);
  const spec = {
    parallelism: 1,
    completions: 1,
    backoffLimit: 0,
    ttlSecondsAfterFinished: 120,
    completionMode: 'NonIndexed',
    suspend: false,
    selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } },
    template: { metadata: { labels }, spec: podSpec },
  };
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace, uid, labels },
    spec,
    status: {},
  };
}

/** A Pending pod as its controller creates it. */
function podObject(namespace: string, name: string, labels: Record<string, string>, owner: Owner, spec: Spec): KubeObject {
  const ownerReferences = [{ ...owner, controller: true, blockOwnerDeletion: true }];
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, uid: randomUUID(), labels, ownerReferences },
    spec: structuredClone(spec),
    status: { phase: 'Pending', qosClass: 'Burstable' } satisfies PodStatus,
  };
}

/** A pod the Job controller creates: a generated name, the Job's labels, the Job as its controller. */
export function jobPodObject(namespace: string, jobName: string, jobUid: string, spec: Spec): KubeObject {
  const owner = { kind: 'Job', apiVersion: 'batch/v1', name: jobName, uid: jobUid };
  const pod = podObject(namespace, `${jobName}-${randomSuffix()}`, jobPodLabels(jobName, jobUid), owner, spec);
  pod.metadata.generateName = `${jobName}-`;
  return pod;
}

/** A Job of the analyzer and its pod, running and ready since `since` (another job of the backend). */
export function runningAnalyzerJob(namespace: string, jobId: string, since: number, podIP: string): KubeObject[] {
  const name = `grpc-job-${jobId}`;
  const uid = randomUUID();
  const job = jobObject(namespace, name, uid, analyzerPodSpec(jobId));
  job.metadata.creationTimestamp = kubeTime(since);
  job.status = { active: 1, ready: 1, startTime: kubeTime(since), terminating: 0 };
  const pod = jobPodObject(namespace, name, uid, analyzerPodSpec(jobId));
  return [job, startedLongAgo(pod, since, podIP)];
}

const BACKEND_LABELS = { 'app.kubernetes.io/name': 'focus-server', 'app.kubernetes.io/instance': 'panda' };
const BROKER_LABELS = { 'app.kubernetes.io/name': 'rabbitmq' };

/**
 * The backend's Deployment and the broker's StatefulSet with their pods, running for an hour: the
 * namespace is never empty in production, and a probe finds the backend's pods through its workload.
 */
export function backgroundWorkloads(
  namespace: string,
  backendPod: string,
  podIPs: () => string,
): { resource: 'pods' | 'deployments' | 'statefulsets'; object: KubeObject }[] {
  const hourAgo = Date.now() - 3_600_000;
  const hash = /^panda-panda-focus-server-(\w+)-/.exec(backendPod)?.[1] ?? '';
  const deployment = workloadObject('Deployment', namespace, 'panda-panda-focus-server', BACKEND_LABELS, hourAgo);
  const statefulSet = workloadObject('StatefulSet', namespace, 'rabbitmq-panda', BROKER_LABELS, hourAgo);
  const focus = podObject(
    namespace,
    backendPod,
    { ...BACKEND_LABELS, 'pod-template-hash': hash },
    { kind: 'ReplicaSet', apiVersion: 'apps/v1', name: `panda-panda-focus-server-${hash}`, uid: randomUUID() },
    simplePodSpec(BACKEND_CONTAINER, 'registry.local/focus-server:5.8.0', 'Always'),
  );
  const broker = podObject(
    namespace,
    'rabbitmq-panda-0',
    { ...BROKER_LABELS, 'statefulset.kubernetes.io/pod-name': 'rabbitmq-panda-0' },
    { kind: 'StatefulSet', apiVersion: 'apps/v1', name: 'rabbitmq-panda', uid: statefulSet.metadata.uid! },
    simplePodSpec('rabbitmq', 'registry.local/rabbitmq:3.10.8-management', 'Always'),
  );
  return [
    { resource: 'deployments', object: deployment },
    { resource: 'statefulsets', object: statefulSet },
    { resource: 'pods', object: startedLongAgo(focus, hourAgo, podIPs()) },
    { resource: 'pods', object: startedLongAgo(broker, hourAgo, podIPs()) },
  ];
}

/** A workload with one ready replica whose selector is its pods' labels (the fields a client reads). */
function workloadObject(
  kind: 'Deployment' | 'StatefulSet',
  namespace: string,
  name: string,
  labels: Record<string, string>,
  since: number,
): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind,
    metadata: { name, namespace, uid: randomUUID(), labels, creationTimestamp: kubeTime(since) },
    spec: { replicas: 1, selector: { matchLabels: labels }, template: { metadata: { labels } } },
    status: { observedGeneration: 1, replicas: 1, readyReplicas: 1, availableReplicas: 1, updatedReplicas: 1 },
  };
}

function startedLongAgo(pod: KubeObject, since: number, podIP: string): KubeObject {
  pod.metadata.creationTimestamp = kubeTime(since);
  (pod.spec as Spec).nodeName = NODE_NAME;
  pod.status = runningStatus(containersOf(pod.spec as Spec), since, podIP);
  return pod;
}

/** The status of a pod that has been running and ready since `since`. */
function runningStatus(containers: { name: string; image: string }[], since: number, podIP: string): PodStatus {
  const at = kubeTime(since);
  const conditions = CONDITION_ORDER.map((type): PodCondition => ({
    type,
    status: 'True',
    lastProbeTime: null,
    lastTransitionTime: at,
  }));
  const containerStatuses = containers.map(({ name, image }): ContainerStatus => ({
    name,
    image,
    imageID: `${image}@sha256:${'a1b2'.repeat(16)}`,
    containerID: containerId(),
    ready: true,
    started: true,
    restartCount: 0,
    state: { running: { startedAt: at } },
    lastState: {},
  }));
  const addresses = { hostIP: NODE_IP, podIP, podIPs: [{ ip: podIP }] };
  return { phase: 'Running', qosClass: 'Burstable', conditions, containerStatuses, ...addresses, startTime: at };
}

export function eventObject(
  namespace: string,
  involved: Involved,
  type: 'Normal' | 'Warning',
  reason: string,
  component: string,
  message: string,
): KubeObject {
  const now = kubeTime();
  const kubelet = component === 'kubelet';
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `${involved.name}.${randomBytes(8).toString('hex')}`, namespace },
    involvedObject: { apiVersion: involved.kind === 'Job' ? 'batch/v1' : 'v1', namespace, ...involved },
    reason,
    message,
    type,
    count: 1,
    firstTimestamp: now,
    lastTimestamp: now,
    eventTime: null,
    source: kubelet ? { component, host: NODE_NAME } : { component },
    reportingComponent: component,
    reportingInstance: kubelet ? NODE_NAME : '',
  };
}

/** The container's status once the kubelet starts on it, before its image is there. */
export function creatingContainer(name: string, image: string): ContainerStatus {
  const waiting = { reason: 'ContainerCreating' };
  return { name, image, imageID: '', ready: false, started: false, restartCount: 0, state: { waiting }, lastState: {} };
}
