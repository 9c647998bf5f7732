// Why the scheduler placed the pod on no node, read from its own words: `0/3 nodes are available: 1
// node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient
// nvidia.com/gpu.shared. preemption: …`. Nodes the pod may never use (a taint it does not tolerate, a
// selector it does not match) are not the story; the reason that blocks the nodes it could use is.
import type { AnalysedPod, Analysis } from '../analysis';
import type { CauseOf, Scenario } from '../model';
import { backendErrorEvidence, gpuHolderEvidence, gpuHolderSuggestion, metadataEvidence } from '../diagnoseEvidence';
import type { RuleContext } from './context';
import { eventLine, lastEvent } from './events';
import { pendingSummary } from './pendingSummary';
import { verdict } from './verdict';

export type UnschedulableCause = Extract<CauseOf<'pod_pending'>, `unschedulable_${string}`>;

/** What one part of the message says blocks its nodes. */
type ReasonKind =
  | 'gpu'
  | 'cpu'
  | 'memory'
  /** Another resource or a per-node limit (ephemeral-storage, hugepages, `Too many pods`). */
  | 'capacity'
  /** Volumes that bind no node at all (an unbound PersistentVolumeClaim). */
  | 'volume_binding'
  /** Volumes that rule some nodes out (zone conflicts, attach limits). */
  | 'volume_node'
  | 'affinity'
  | 'taint'
  /** A control-plane node's taint: such nodes are never meant for workloads. */
  | 'control_plane_taint'
  | 'other';

export interface SchedulerReason {
  /** How many nodes the part counts; null for parts without a count (`pod has unbound immediate PersistentVolumeClaims`). */
  nodes: number | null;
  text: string;
  kind: ReasonKind;
}

export interface SchedulerReading {
  /** `N` of `0/N nodes are available`; null when the message has no such head. */
  total: number | null;
  reasons: SchedulerReason[];
  cause: UnschedulableCause;
  /** The part that decided the cause; null when no part was recognised. */
  decisive: SchedulerReason | null;
}

const CAUSE_OF_KIND: Record<ReasonKind, UnschedulableCause> = {
  gpu: 'unschedulable_gpu',
  cpu: 'unschedulable_cpu',
  memory: 'unschedulable_memory',
  capacity: 'unschedulable_other',
  volume_binding: 'unschedulable_volume',
  volume_node: 'unschedulable_volume',
  affinity: 'unschedulable_affinity',
  taint: 'unschedulable_taint',
  control_plane_taint: 'unschedulable_taint',
  other: 'unschedulable_other',
};

/** Among parts that count the same number of nodes, the earlier kind decides. */
const CAPACITY_ORDER: readonly ReasonKind[] = ['gpu', 'memory', 'cpu', 'capacity'];
const EXCLUSION_ORDER: readonly ReasonKind[] = ['affinity', 'volume_node', 'taint', 'other'];

function kindOf(text: string): ReasonKind {
  const insufficient = /^Insufficient (\S+)/.exec(text);
  if (insufficient) {
    const resource = insufficient[1]!.replace(/[.,]$/, '');
    if (/gpu/i.test(resource)) return 'gpu';
    if (resource === 'cpu') return 'cpu';
    if (resource === 'memory') return 'memory';
    return 'capacity';
  }
  if (/^Too many pods/i.test(text)) return 'capacity';
  if (/unbound immediate PersistentVolumeClaims|persistentvolumeclaim "[^"]*" (not found|is being deleted)/i.test(text))
    return 'volume_binding';
  if (/volume node affinity conflict|no available volume zone|max volume count|available persistent volumes to bind/i.test(text)) {
    return 'volume_node';
  }
  if (/didn't match Pod's node affinity|node affinity\/selector|pod affinity|anti-affinity|topology spread/i.test(text)) return 'affinity';
  if (/taint/i.test(text)) return /node-role\.kubernetes\.io\/(control-plane|master)\b/.test(text) ? 'control_plane_taint' : 'taint';
  return 'other';
}

function mostNodes(reasons: readonly SchedulerReason[], order: readonly ReasonKind[]): SchedulerReason | null {
  const ranked = reasons
    .filter((r) => order.includes(r.kind))
    .sort((x, y) => (y.nodes ?? 0) - (x.nodes ?? 0) || order.indexOf(x.kind) - order.indexOf(y.kind));
  return ranked[0] ?? null;
}

/** Reads a FailedScheduling message (or the PodScheduled condition's, which is the same text). */
export function readSchedulerMessage(message: string): SchedulerReading {
  const head = /^\s*\d+\/(\d+) nodes are available:?\s*/.exec(message);
  // What follows "preemption:" says why evicting other pods would not help: not why this one waits.
  const body = (head ? message.slice(head[0].length) : message).split(/\.?\s+preemption:/)[0]!.replace(/\.\s*$/, '');
  // Parts are separated by ", " before a node count; a comma inside a part (old taint wording) stays.
  const reasons = body
    .split(/,\s+(?=\d+ )/)
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part): SchedulerReason => {
      const counted = /^(\d+) (.*)$/.exec(part);
      const text = counted ? counted[2]! : part;
      return { nodes: counted ? Number(counted[1]) : null, text, kind: kindOf(text) };
    });
  const decisive =
    // No node can take a pod whose claim is unbound, whatever else the nodes lack.
    reasons.find((r) => r.kind === 'volume_binding') ??
    // The nodes the pod could use are full: that is what blocks it, not the nodes it may never use.
    mostNodes(reasons, CAPACITY_ORDER) ??
    mostNodes(reasons, EXCLUSION_ORDER) ??
    // Control-plane nodes are never meant for the pod: their taint speaks only when nothing else does.
    mostNodes(reasons, ['control_plane_taint']);
  return {
    total: head ? Number(head[1]) : null,
    reasons,
    cause: decisive ? CAUSE_OF_KIND[decisive.kind] : 'unschedulable_other',
    decisive,
  };
}

/** The scheduler's latest word on the pod: its FailedScheduling event, else the PodScheduled condition's message. */
export function schedulerMessage(a: Analysis, pod: AnalysedPod): { line: string; message: string } | null {
  const event = lastEvent(a, pod.name, ['FailedScheduling']);
  if (event) return { line: eventLine(event), message: event.event.message };
  const condition = pod.latest.conditions.find((c) => c.type === 'PodScheduled' && c.status === 'False' && c.message);
  return condition
    ? { line: `PodScheduled False (${condition.reason ?? 'Unschedulable'}): ${condition.message}`, message: condition.message! }
    : null;
}

const TITLES: Record<UnschedulableCause, string> = {
  unschedulable_gpu: 'Pod never started: no node has a free GPU',
  unschedulable_cpu: 'Pod never started: no node has enough free CPU',
  unschedulable_memory: 'Pod never started: no node has enough free memory',
  unschedulable_taint: 'Pod never started: the nodes it could use have taints it does not tolerate',
  unschedulable_affinity: 'Pod never started: no node matches its node selector or affinity',
  unschedulable_volume: 'Pod never started: its volumes cannot be bound or attached on any node',
  unschedulable_other: 'Pod never started: the scheduler found no node for it',
};

function suggestions(cause: UnschedulableCause, a: Analysis, pod: AnalysedPod, ctx: RuleContext): string[] {
  const describePod = `See the scheduler's reasons: ${ctx.kubectl('describe', 'pod', pod.name)}`;
  const nodes = `Compare with what the nodes have: ${ctx.kubectlClusterWide('describe', 'nodes')}`;
  switch (cause) {
    case 'unschedulable_gpu':
      return [
        'GPUs are exhausted: wait for running jobs to finish or free them (at most 30 concurrent jobs).',
        ...gpuHolderSuggestion(a, ctx.kubectl),
        `See what holds the GPUs: ${ctx.kubectl('get', 'pods', '--field-selector=status.phase=Running', '-o', 'wide')}`,
      ];
    case 'unschedulable_cpu':
    case 'unschedulable_memory': {
      const what = cause === 'unschedulable_cpu' ? 'CPU' : 'memory';
      return [`No node has the ${what} the pod requests free: lower the Job template's ${what} request, or free or add capacity.`, nodes];
    }
    case 'unschedulable_taint':
      return [
        "Add a toleration for the nodes' taint (named above) to the Job's pod template, or remove the taint if it is left over.",
        `List the taints: ${ctx.kubectlClusterWide('get', 'nodes', '-o', 'custom-columns=NAME:.metadata.name,TAINTS:.spec.taints')}`,
      ];
    case 'unschedulable_affinity':
      return [
        "The pod's node selector or affinity matches no node that could take it: compare it with the nodes' labels.",
        `The pod's rules: ${ctx.kubectl('get', 'pod', pod.name, '-o', 'jsonpath={.spec.nodeSelector} {.spec.affinity}')}`,
        `The nodes' labels: ${ctx.kubectlClusterWide('get', 'nodes', '--show-labels')}`,
      ];
    case 'unschedulable_volume':
      return [`Check the pod's PersistentVolumeClaims are bound and in a zone its nodes are in: ${ctx.kubectl('get', 'pvc')}`, describePod];
    default:
      return [describePod];
  }
}

/** pod_pending for a pod the scheduler placed nowhere; null when the scheduler said nothing the probe saw. */
export function unschedulableFinding(a: Analysis, pod: AnalysedPod, ctx: RuleContext): Scenario | null {
  const said = schedulerMessage(a, pod);
  if (!said) return null;
  const reading = readSchedulerMessage(said.message);
  const decisive = reading.decisive
    ? `${reading.decisive.nodes === null ? '' : `${reading.decisive.nodes} `}${reading.decisive.text}`
    : null;
  return verdict({
    id: 'pod_pending',
    cause: reading.cause,
    title: TITLES[reading.cause],
    summary: `${pendingSummary(pod, ctx)}${decisive ? `: ${decisive}` : ''}.`,
    evidence: [
      said.line,
      ...(reading.cause === 'unschedulable_gpu' ? gpuHolderEvidence(a) : []),
      metadataEvidence(a),
      backendErrorEvidence(a),
    ],
    suggestions: suggestions(reading.cause, a, pod, ctx),
  });
}
