// A pod that has its node but whose containers never start: the kubelet could not mount a volume
// (`FailedMount: MountVolume.SetUp failed for volume "model-cache" : configmap "model-config" not
// found`), could not set the pod's sandbox up (`FailedCreatePodSandBox`, the runtime or the network
// plugin), or is still pulling the image.
import type { AnalysedPod, Analysis } from '../analysis';
import type { Scenario } from '../model';
import { backendErrorEvidence, metadataEvidence, s } from '../diagnoseEvidence';
import { containerLabel, containerName, isInit } from './containers';
import type { RuleContext } from './context';
import { eventLine, eventsAbout, lastEvent } from './events';
import { pendingSummary } from './pendingSummary';
import { verdict } from './verdict';

const MOUNT_REASONS = ['FailedMount', 'FailedAttachVolume'];
const SANDBOX_REASONS = ['FailedCreatePodSandBox'];

/** The image pull that began and had not finished when the run ended, if any. */
function pullUnderway(a: Analysis, pod: AnalysedPod): { atMs: number; message: string } | null {
  const events = eventsAbout(a, pod.name, ['Pulling', 'Pulled', 'Failed']);
  const last = events[events.length - 1];
  return last?.reason === 'Pulling' ? { atMs: last.atMs, message: last.message } : null;
}

export function containerCreatingFinding(a: Analysis, pod: AnalysedPod, ctx: RuleContext): Scenario {
  const mount = lastEvent(a, pod.name, MOUNT_REASONS);
  const sandbox = lastEvent(a, pod.name, SANDBOX_REASONS);
  const pulling = pullUnderway(a, pod);
  const node = pod.node ?? 'its node';
  const waiting = pod.latest.containers.find((c) => c.state === 'waiting' && c.reason);
  const initRunning = pod.latest.containers.find((c) => isInit(c) && c.state === 'running');
  const why = mount
    ? { title: 'Pod scheduled, but a volume could not be mounted', line: eventLine(mount) }
    : sandbox
      ? { title: 'Pod scheduled, but its sandbox could not be created', line: eventLine(sandbox) }
      : pulling
        ? {
            title: 'Pod scheduled, but its image was still being pulled',
            line: `still pulling since ${s(pulling.atMs)}: ${pulling.message}`,
          }
        : initRunning
          ? {
              title: `Pod scheduled, but its init container ${containerName(initRunning)} never finished`,
              line: `${containerLabel(initRunning)} still running`,
            }
          : {
              title: 'Pod scheduled, but its containers never started',
              line: waiting ? `${waiting.name} waiting: ${waiting.reason}${waiting.message ? `: ${waiting.message}` : ''}` : '',
            };
  const suggestions = mount
    ? [
        `The kubelet on ${node} could not mount a volume (its message names it): check that the ConfigMap, Secret or PersistentVolumeClaim exists in ${ctx.namespace} and can attach to that node.`,
        `${ctx.kubectl('describe', 'pod', pod.name)} shows the volumes and the mount errors.`,
      ]
    : sandbox
      ? [
          `The container runtime or the network plugin (CNI) on ${node} failed to set the pod up: check their pods on that node.`,
          pod.node
            ? ctx.kubectlClusterWide('get', 'pods', '-n', 'kube-system', '-o', 'wide', `--field-selector=spec.nodeName=${pod.node}`)
            : '',
        ]
      : pulling
        ? ["The image pull had not finished: pre-pull the analyzer image on the GPU nodes, or check the registry's speed from them."]
        : initRunning
          ? [`See what the init container waits for: ${ctx.kubectl('logs', pod.name, '-c', containerName(initRunning))}`]
          : [`See what the kubelet is waiting for: ${ctx.kubectl('describe', 'pod', pod.name)}`];
  return verdict({
    id: 'pod_pending',
    cause: 'container_creating_stuck',
    title: why.title,
    summary: `${pendingSummary(pod, ctx)}: it was scheduled on ${node}${pod.scheduledMs !== null ? ` at ${s(pod.scheduledMs)}` : ''}, but its containers were still being created.`,
    evidence: [why.line, metadataEvidence(a), backendErrorEvidence(a)],
    suggestions,
  });
}
