// What a notification says when the probe could not do its job because of how it is set up, and which
// buttons fix it: one sentence, then the fixes (messages.ts shows them). Pure, so every case is
// unit-tested without VS Code. A diagnosis about the job itself (a Pending pod, a slow consumer) is
// the report's business, not a notification's; only the set-up problems a button can fix are here.
import { oneLine } from '../probe/text';
import type { RunRecord } from './runRecord';

export type ProblemFix =
  { title: string; kind: 'setting'; key: string } | { title: string; kind: 'command'; command: string; args?: unknown[] };

export interface Problem {
  severity: 'error' | 'warning';
  /** One sentence, ending with a full stop. */
  sentence: string;
  fixes: ProblemFix[];
}

const openSetting = (key: string): ProblemFix => ({ title: 'Open Setting', kind: 'setting', key: `consumerProbe.${key}` });
const SELECT_CONTEXT: ProblemFix = { title: 'Select Context', kind: 'command', command: 'consumerProbe.selectContext' };
const SET_BACKEND_TOKEN: ProblemFix = { title: 'Set Backend Token', kind: 'command', command: 'consumerProbe.setBackendToken' };
const SET_BROKER_CREDENTIALS: ProblemFix = {
  title: 'Set RabbitMQ Credentials',
  kind: 'command',
  command: 'consumerProbe.setBrokerCredentials',
};

const sentence = (text: string) => {
  const line = oneLine(text, 400);
  return /[.!?]$/.test(line) ? line : `${line}.`;
};

/** A probe that could not start: the reason (a ProbeError's message) and its code when there is one. */
export function startProblem(reason: string, code?: string): Problem {
  const text = sentence(`Consumer Probe could not start: ${reason}`);
  const fixes: ProblemFix[] = [];
  const named = /\bconsumerProbe\.([\w.]+[A-Za-z])/.exec(reason)?.[1];
  if (code === 'KUBECONFIG_UNREADABLE') fixes.push(openSetting('kubeconfig'), SELECT_CONTEXT);
  else if (/^context ".*" is not in the kubeconfig/.test(reason)) fixes.push(SELECT_CONTEXT, openSetting('context'));
  else if (named) fixes.push(openSetting(named));
  return { severity: 'error', sentence: text, fixes };
}

/**
 * A finished run against a real cluster whose set-up kept it from seeing what it came for; null when
 * there is nothing a button could fix. Sandbox runs play their failures on purpose: no notification.
 */
export function runProblem(run: RunRecord): Problem | null {
  const report = run.report;
  if (run.status !== 'done' || !report || run.target.kind !== 'cluster') return null;
  const { id, cause } = report.scenario;
  const backend = run.target.backendUrl;
  if (id === 'configure_failed') {
    if (cause === 'unreachable' || cause === 'timeout') {
      return warn(`POST /configure got no answer from ${backend}: is the backend up, and is consumerProbe.backendUrl right?`, [
        openSetting('backendUrl'),
      ]);
    }
    if (cause === 'tls_error') {
      return warn(`The backend ${backend} presented a TLS certificate the probe does not trust.`, [
        { ...openSetting('backendCaFile'), title: 'Set Backend CA File' },
        openSetting('backendUrl'),
      ]);
    }
    // The diagnosis suggests the token exactly when the backend answered 401 or 403.
    if (cause === 'http_error' && report.scenario.suggestions.some((s) => s.includes('Set Backend Token'))) {
      return warn(`The backend ${backend} refused POST /configure (not authorized).`, [SET_BACKEND_TOKEN]);
    }
    return null;
  }
  if (id === 'cluster_unavailable') {
    if (cause === 'no_kubeconfig')
      return warn('The probe had no kubeconfig to watch the cluster with, so the pods are unknown.', [
        openSetting('kubeconfig'),
        SELECT_CONTEXT,
      ]);
    if (cause === 'unauthorized' || cause === 'forbidden' || cause === 'auth_plugin_failed') {
      return warn(`${report.scenario.title}: pick a context whose credentials may watch the namespace.`, [
        SELECT_CONTEXT,
        openSetting('kubeconfig'),
      ]);
    }
    if (cause === 'unreachable' || cause === 'tls_error')
      return warn(`${report.scenario.title}.`, [SELECT_CONTEXT, openSetting('kubeconfig')]);
  }
  if (run.brokerAuthRefused) {
    return warn("RabbitMQ refused the probe's credentials, so the job's queue was not watched.", [SET_BROKER_CREDENTIALS]);
  }
  return null;
}

function warn(text: string, fixes: ProblemFix[]): Problem {
  return { severity: 'warning', sentence: sentence(text), fixes };
}
