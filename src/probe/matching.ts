// Which pods belong to the job. Job ids are substrings of each other (`1-3`, `11-3`, `1-30`), so a
// pod matches only when the id stands as a whole token in a name pattern or equals a label value.
import type { MatchRules } from './options';
import type { PodRole } from './model';

export interface PodMatch {
  role: PodRole;
  matchedBy: string[];
}

export interface PodIdentity {
  name: string;
  labels: Record<string, string>;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Compiled patterns, by pattern, job id and suffix: a burst's shared watches match every pod change
 * against every job, and compiling the same expressions again each time cost more than the matching.
 * The expressions have no `g` flag, so sharing one is safe; the cache forgets everything past its bound.
 */
const compiled = new Map<string, RegExp>();
const MAX_COMPILED = 5_000;

/** Compiles a pattern such as `grpc-job-{id}-{suffix}` into an anchored regular expression. */
export function namePatternToRegExp(pattern: string, jobId: string, suffixPattern: string): RegExp {
  const key = `${pattern}\0${jobId}\0${suffixPattern}`;
  let re = compiled.get(key);
  if (!re) {
    if (compiled.size >= MAX_COMPILED) compiled.clear();
    re = compileNamePattern(pattern, jobId, suffixPattern);
    compiled.set(key, re);
  }
  return re;
}

function compileNamePattern(pattern: string, jobId: string, suffixPattern: string): RegExp {
  const source = pattern
    .split(/(\{id\}|\{suffix\})/)
    .map((part) => (part === '{id}' ? escapeRegExp(jobId) : part === '{suffix}' ? `(?:${suffixPattern})` : escapeRegExp(part)))
    .join('');
  return new RegExp(`^${source}$`);
}

function parseLabelRule(rule: string, jobId: string): { key: string; value: string } | null {
  const eq = rule.indexOf('=');
  if (eq <= 0) return null;
  return {
    key: rule.slice(0, eq).trim(),
    value: rule
      .slice(eq + 1)
      .trim()
      .split('{id}')
      .join(jobId),
  };
}

function matchReasons(pod: PodIdentity, jobId: string, labelRules: string[], nameRules: string[], suffix: string): string[] {
  const reasons: string[] = [];
  for (const rule of labelRules) {
    const parsed = parseLabelRule(rule, jobId);
    if (parsed && pod.labels[parsed.key] === parsed.value) reasons.push(`label:${parsed.key}=${parsed.value}`);
  }
  for (const pattern of nameRules) {
    if (namePatternToRegExp(pattern, jobId, suffix).test(pod.name)) reasons.push(`name:${pattern}`);
  }
  return reasons;
}

/**
 * Label selectors that together select every pod the label rules tie to any of these jobs: one
 * set-based selector per label key (`job-name in (grpc-job-1-3,cleanup-job-1-3)`), since a selector
 * ANDs its terms and the rules are alternatives. Pods the rules match only by name are not selected.
 */
export function jobPodLabelSelectors(jobs: Iterable<{ id: string; rules: MatchRules }>): string[] {
  const valuesByKey = new Map<string, Set<string>>();
  for (const { id, rules } of jobs) {
    for (const rule of [...rules.primaryLabels, ...rules.relatedLabels]) {
      const parsed = parseLabelRule(rule, id);
      if (!parsed) continue;
      let values = valuesByKey.get(parsed.key);
      if (!values) valuesByKey.set(parsed.key, (values = new Set()));
      values.add(parsed.value);
    }
  }
  return [...valuesByKey].map(([key, values]) => `${key} in (${[...values].sort().join(',')})`);
}

/** Returns how the pod relates to the job, or null when it does not. Primary wins over related. */
export function matchPod(pod: PodIdentity, jobId: string, rules: MatchRules): PodMatch | null {
  const primary = matchReasons(pod, jobId, rules.primaryLabels, rules.primaryNames, rules.suffixPattern);
  if (primary.length > 0) return { role: 'primary', matchedBy: primary };
  const related = matchReasons(pod, jobId, rules.relatedLabels, rules.relatedNames, rules.suffixPattern);
  if (related.length > 0) return { role: 'related', matchedBy: related };
  return null;
}

/** A pattern with `{id}` replaced by the job id (`grpc-job-{id}` → `grpc-job-19-5`). */
export function fillJobId(pattern: string, jobId: string): string {
  return pattern.split('{id}').join(jobId);
}

/** The Kubernetes Job names that belong to the job: the primary one first. */
export function jobNamesFor(jobId: string, rules: MatchRules): { primary: string; related: string[] } {
  return { primary: fillJobId(rules.jobName, jobId), related: rules.relatedJobNames.map((p) => fillJobId(p, jobId)) };
}

/** The queue name the job's patterns predict: the first one without a generated `{suffix}`, if any. */
export function expectedQueueName(jobId: string, queuePatterns: readonly string[]): string | null {
  const exact = queuePatterns.find((p) => !p.includes('{suffix}'));
  return exact === undefined ? null : fillJobId(exact, jobId);
}
