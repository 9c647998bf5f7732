// Which queue names belong to the job: the configured patterns (`grpc-job-{id}`, `grpc-job-{id}-{suffix}`)
// with the job id as a whole token, so `grpc-job-19-50` never passes for job `19-5`.
import type { BrokerOptions } from '../options';
import { namePatternToRegExp } from '../matching';

export interface QueueNameMatcher {
  test: (name: string) => boolean;
  /** One anchored regular expression for all patterns (the management API's `name` filter takes it). */
  source: string;
  /** Names known without asking the broker (patterns without `{suffix}`): the AMQP check can try them at once. */
  exactNames: string[];
}

export function queueNameMatcher(broker: Pick<BrokerOptions, 'queueNames' | 'suffixPattern'>, jobId: string): QueueNameMatcher {
  const regexps = broker.queueNames.map((p) => namePatternToRegExp(p, jobId, broker.suffixPattern));
  const inner = regexps.map((re) => re.source.replace(/^\^/, '').replace(/\$$/, ''));
  return {
    test: (name) => regexps.some((re) => re.test(name)),
    source: `^(?:${inner.join('|')})$`,
    exactNames: broker.queueNames.filter((p) => !p.includes('{suffix}')).map((p) => p.split('{id}').join(jobId)),
  };
}
