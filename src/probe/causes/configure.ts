// configure_failed: POST /configure gave no job id. The client's failure kind is the cause; the
// answer (or why there was none) is the evidence, with the backend's own error line when it logged one.
import type { Analysis } from '../analysis';
import type { ConfigureFailure, Scenario } from '../model';
import { backendErrorEvidence, backendErrorSuggestion } from '../diagnoseEvidence';
import type { RuleContext } from './context';
import { verdict } from './verdict';

const TITLES: Record<ConfigureFailure, string> = {
  http_error: 'POST /configure failed: the backend answered with an error',
  no_job_id: 'POST /configure answered without a job id',
  not_json: 'POST /configure answered something that is not JSON',
  unreachable: 'POST /configure failed: the backend could not be reached',
  tls_error: "POST /configure failed: the backend's TLS certificate was refused",
  timeout: 'POST /configure failed: no answer in time',
};

export function configureFinding(a: Analysis, ctx: RuleContext): Scenario {
  const error = a.configure.error ?? 'no answer';
  return verdict({
    id: 'configure_failed',
    cause: a.configure.failure,
    title: a.configure.failure ? TITLES[a.configure.failure] : 'POST /configure failed',
    summary: `POST /configure did not return a job id: ${error}.`,
    evidence: [`POST ${a.configure.url ?? '/configure'} → ${error}`, backendErrorEvidence(a)],
    suggestions: [...configureSuggestions(a.configure.status, error, a.configure.failure), ...backendErrorSuggestion(a, ctx.kubectl)],
  });
}

function configureSuggestions(status: number | null, error: string, failure: ConfigureFailure | null): string[] {
  if (failure === 'tls_error')
    return ["Trust the CA that signed the backend's certificate: --backend-ca FILE (consumerProbe.backendCaFile in VS Code)."];
  if (status === null) return ['Check the backend URL and that the backend is up and reachable from here.'];
  if (status === 401 || status === 403) return ['Set a valid backend token (CONSUMER_PROBE_TOKEN, or "Set Backend Token" in VS Code).'];
  if (status >= 500) return ['The backend failed: check its logs and whether all job windows (30) are in use.'];
  if (/no "/.test(error)) return ['The answer has no job id: check the job id field setting (default job_id).'];
  if (/not JSON/.test(error)) return ['The URL may point at something other than the backend API (a proxy or login page?).'];
  return ['Check the request body (--body) against what the backend expects.'];
}
