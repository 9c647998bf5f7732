// pod_never_created: the cluster was watched and no pod of the job appeared. Why, in the order the API
// server would say it: the namespace does not exist; the Job is suspended (nothing will create its
// pod until it is resumed); the Job controller tried and the API server refused the pod, for a
// ResourceQuota (`exceeded quota: gpu-quota, requested: …, used: …, limited: …`) or an admission
// controller (`admission webhook "…" denied the request: …`); or there is no Job at all.
import type { Analysis } from '../analysis';
import type { CauseOf, Scenario } from '../model';
import { backendErrorEvidence, metadataEvidence, s } from '../diagnoseEvidence';
import type { RuleContext } from './context';
import { eventLine, lastEvent, type SeenEvent } from './events';
import { verdict } from './verdict';

type CreateRefusal = Extract<CauseOf<'pod_never_created'>, 'quota_exceeded' | 'admission_denied'>;

/** What refused the Job's pod, from the FailedCreate message; null when it was something else. */
export function createRefusal(message: string): CreateRefusal | null {
  if (/exceeded quota:/.test(message)) return 'quota_exceeded';
  if (/admission webhook "[^"]*" denied the request|violates PodSecurity|is forbidden:/.test(message)) return 'admission_denied';
  return null;
}

function suspension(a: Analysis, jobName: string): string[] | null {
  const condition = a.job?.conditions.find((c) => c.type === 'Suspended' && c.status === 'True');
  const event = lastEvent(a, jobName, ['Suspended']);
  // A later Resumed event means the Job runs again: its suspension is not why nothing appeared.
  const resumed = lastEvent(a, jobName, ['Resumed']);
  if (!condition && (!event || (resumed && resumed.event.atMs > event.event.atMs))) return null;
  return [
    condition
      ? `Job ${jobName} condition Suspended=True (${condition.reason ?? 'no reason'})${condition.message ? `: ${condition.message}` : ''}`
      : '',
    eventLine(event),
  ];
}

export function neverCreatedFinding(a: Analysis, ctx: RuleContext): Scenario {
  const common = [metadataEvidence(a), backendErrorEvidence(a)];
  if (a.namespaceMissing !== null) {
    return verdict({
      id: 'pod_never_created',
      cause: 'namespace_not_found',
      title: `No pod: the namespace ${ctx.namespace} does not exist`,
      summary: `No pod of job ${a.jobId} appeared ${ctx.ended}: the namespace ${ctx.namespace} does not exist in this cluster.`,
      evidence: [`GET /api/v1/namespaces/${ctx.namespace} → 404 ${a.namespaceMissing}`, ...common],
      suggestions: [
        'Point the probe at the namespace the backend creates its Jobs in (--namespace, or the "namespace" setting in VS Code).',
        `List the namespaces this context can see: ${ctx.kubectlClusterWide('get', 'namespaces')}`,
      ],
    });
  }
  // Named by the match rules (`match.jobName`), so a custom Job name keeps its evidence.
  const jobName = a.names!.job;
  const jobSeen = a.job ? `Job ${a.job.name} seen at ${s(a.timings.jobCreatedMs)} (active ${a.job.active}, failed ${a.job.failed})` : '';
  const describeJob = ctx.kubectl('describe', 'job', jobName);
  const suspended = suspension(a, jobName);
  if (suspended) {
    return verdict({
      id: 'pod_never_created',
      cause: 'job_suspended',
      title: `No pod: the Job ${jobName} is suspended`,
      summary: `No pod of job ${a.jobId} appeared ${ctx.ended}: the Job ${jobName} is suspended, so the Job controller creates no pod until it is resumed.`,
      evidence: [...suspended, jobSeen, ...common],
      suggestions: [
        'Something suspended the Job (spec.suspend: true): the backend, a policy, or a queueing controller such as Kueue that admits Jobs when capacity is free. Find out which, and resume it there.',
        `See its state and events: ${describeJob}`,
      ],
    });
  }
  const failedCreate = lastEvent(a, jobName, ['FailedCreate']);
  if (failedCreate) return refusedFinding(a, ctx, failedCreate, jobSeen, common);
  if (a.job) {
    return verdict({
      id: 'pod_never_created',
      cause: null,
      title: `No pod: the Job ${jobName} exists, but no pod was created and nothing said why`,
      summary: `No pod of job ${a.jobId} appeared ${ctx.ended}, although the Job ${a.job.name} exists.`,
      evidence: [jobSeen, 'no FailedCreate event about the Job was seen', ...common],
      suggestions: [`${describeJob} shows why the controller did not create a pod.`],
    });
  }
  return verdict({
    id: 'pod_never_created',
    cause: 'job_not_created',
    title: `No pod: the backend never created the Job ${jobName}`,
    summary: `No pod of job ${a.jobId} appeared ${ctx.ended}: no Job ${jobName} appeared either.`,
    evidence: [`no Job ${jobName} appeared either`, ...common],
    suggestions: [
      'The backend did not create the Job: check its logs and its permissions to create Jobs.',
      'Check the namespace (--namespace) is the one the backend uses.',
    ],
  });
}

function refusedFinding(a: Analysis, ctx: RuleContext, failedCreate: SeenEvent, jobSeen: string, common: string[]): Scenario {
  const jobName = a.names!.job;
  const message = failedCreate.event.message;
  const cause = createRefusal(message);
  const quota = /exceeded quota: ([^,\s]+)/.exec(message)?.[1] ?? null;
  const webhook = /admission webhook "([^"]+)"/.exec(message)?.[1] ?? null;
  const title =
    cause === 'quota_exceeded'
      ? `No pod: ${quota ? `the ResourceQuota ${quota}` : 'a ResourceQuota'} refused it`
      : cause === 'admission_denied'
        ? webhook
          ? `No pod: the admission webhook ${webhook} denied it`
          : 'No pod: an admission policy denied it'
        : 'No pod: the Job controller could not create it';
  const advice =
    cause === 'quota_exceeded'
      ? [
          "The namespace's ResourceQuota is used up (the message says what is requested, used and allowed): wait for running jobs to finish, clean up stale ones, or raise the quota.",
          `See the quota: ${ctx.kubectl('describe', 'resourcequota', ...(quota ? [quota] : []))}`,
        ]
      : cause === 'admission_denied'
        ? [
            "An admission controller refused the Job's pod (its message says which rule): change the Job template to satisfy it, or ask whoever owns the policy.",
            webhook
              ? `The webhook's configuration: ${ctx.kubectlClusterWide('get', 'validatingwebhookconfigurations,mutatingwebhookconfigurations')}`
              : '',
          ]
        : [];
  return verdict({
    id: 'pod_never_created',
    cause,
    title,
    summary: `No pod of job ${a.jobId} appeared ${ctx.ended}${a.job ? `, although the Job ${a.job.name} exists` : ''}: the API server refused the Job controller's request to create it.`,
    evidence: [jobSeen, eventLine(failedCreate), ...common],
    suggestions: [...advice, `The Job controller could not create the pod: ${ctx.kubectl('describe', 'job', jobName)}`],
  });
}
