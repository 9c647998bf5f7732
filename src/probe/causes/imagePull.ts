// The image could not be pulled. The kubelet's `Failed to pull image "…": …` event carries the
// registry's answer and decides which: the image does not exist (`not found`, `manifest unknown`), the
// registry refused the node (`unauthorized`, `authentication required`, `pull access denied`, 401/403),
// or something else went wrong on the way (timeouts, TLS, rate limits). `ImagePullBackOff`'s own
// message ("Back-off pulling image") says none of that, so it is never the decisive line.
import type { AnalysedPod, Analysis } from '../analysis';
import type { CauseOf, ContainerStateSummary, Scenario } from '../model';
import type { RuleContext } from './context';
import { containerLabel } from './containers';
import { eventLine, lastEvent } from './events';
import { failureContext } from './failureContext';
import { verdict } from './verdict';

export type ImagePullCause = Extract<CauseOf<'pod_failed'>, 'image_not_found' | 'image_pull_unauthorized' | 'image_pull_failed'>;

const PULL_REASONS = new Set([
  'ErrImagePull',
  'ImagePullBackOff',
  'ErrImageNeverPull',
  'InvalidImageName',
  'ImageInspectError',
  'RegistryUnavailable',
]);
/** Checked first: a registry that hides private images says "pull access denied, repository does not exist or may require authorization". */
const UNAUTHORIZED =
  /unauthorized|authentication required|pull access denied|no basic auth credentials|insufficient_scope|\b40[13]\b|forbidden/i;
const NOT_FOUND = /not found|manifest unknown|name unknown|does not exist|code = NotFound/i;
/** Kubelet messages that carry the registry's answer (its event, or the ErrImagePull waiting message). */
const PULL_FAILURE =
  /^Failed to pull image|^Failed to inspect image|failed to pull and unpack|failed to resolve reference|InvalidImageName|ErrImageNeverPull|is not present with pull policy of Never|couldn't parse image/i;

export function imagePullCause(message: string): ImagePullCause {
  if (UNAUTHORIZED.test(message)) return 'image_pull_unauthorized';
  if (NOT_FOUND.test(message)) return 'image_not_found';
  return 'image_pull_failed';
}

function imageNamed(message: string): string | null {
  return /image "([^"]+)"/.exec(message)?.[1] ?? null;
}

/** The registry's answer: the kubelet's pull-failure event, else the waiting message when it is one. */
function decisiveMessage(a: Analysis, pod: AnalysedPod, c: ContainerStateSummary): { line: string; message: string } | null {
  const event = lastEvent(a, pod.name, ['Failed', 'InspectFailed', 'ErrImageNeverPull'], (m) => PULL_FAILURE.test(m));
  if (event) return { line: eventLine(event), message: event.event.message };
  if (c.message && PULL_FAILURE.test(c.message)) return { line: `${containerLabel(c)} ${c.reason}: ${c.message}`, message: c.message };
  return null;
}

const TITLES: Record<ImagePullCause, (image: string) => string> = {
  image_not_found: (image) => `Pod failed: image ${image} not found`,
  image_pull_unauthorized: (image) => `Pod failed: the registry refused to let the node pull ${image}`,
  image_pull_failed: (image) => `Pod failed: image ${image} could not be pulled`,
};

const SUMMARIES: Record<ImagePullCause, (image: string) => string> = {
  image_not_found: (image) => `the registry has no image ${image}`,
  image_pull_unauthorized: (image) => `the registry refused to let the node pull ${image}`,
  image_pull_failed: (image) => `the image ${image} could not be pulled`,
};

export function imagePullFinding(a: Analysis, pod: AnalysedPod, ctx: RuleContext): Scenario | null {
  const c = pod.latest.containers.find((x) => x.state === 'waiting' && x.reason !== null && PULL_REASONS.has(x.reason));
  if (!c) return null;
  const decisive = decisiveMessage(a, pod, c);
  const cause = decisive ? imagePullCause(decisive.message) : 'image_pull_failed';
  const image = imageNamed(decisive?.message ?? '') ?? imageNamed(c.message ?? '') ?? 'of the job';
  const template = ctx.kubectl('get', 'job', a.names!.job, '-o', 'jsonpath={.spec.template.spec.containers[*].image}');
  const advice: Record<ImagePullCause, string[]> = {
    image_not_found: [
      `The registry has no image ${image}: check the repository and tag the backend puts in the Job template (a typo, or a tag that was never pushed): ${template}`,
    ],
    image_pull_unauthorized: [
      `The registry refused the node's credentials: check the Job template's imagePullSecrets and that the Secret holds valid credentials for that registry: ${ctx.kubectl('get', 'job', a.names!.job, '-o', 'jsonpath={.spec.template.spec.imagePullSecrets}')}`,
    ],
    image_pull_failed: [
      decisive
        ? "The node could not fetch the image (the message above says why): check the registry address, its TLS certificate and the node's network path to it."
        : `The kubelet's pull error was not seen: ${ctx.kubectl('describe', 'pod', pod.name)} shows it.`,
    ],
  };
  return verdict({
    id: 'pod_failed',
    cause,
    title: TITLES[cause](image),
    summary: `Pod ${pod.name} never ran: ${SUMMARIES[cause](image)} (${containerLabel(c)} is in ${c.reason}). The consumer never became ready.`,
    evidence: [decisive?.line ?? '', `${containerLabel(c)} ${c.reason}${c.message ? `: ${c.message}` : ''}`, ...failureContext(a)],
    suggestions: [...advice[cause], `See every pull attempt: ${ctx.kubectl('describe', 'pod', pod.name)}`],
  });
}
