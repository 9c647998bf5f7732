// "The probe could not run" — as opposed to a diagnosis, which is a scenario, never an error.
// The CLI maps every code to exit status 2 and one line on stderr.

import { oneLine } from './text';

/**
 * `BAD_OUTPUT`: an output file that cannot be written; `FILE_UNREADABLE`: a file a flag names (e.g.
 * `--backend-ca`) that cannot be used. Both are told before the run, without the usage hint.
 */
export type ProbeErrorCode =
  'BAD_ARGUMENT' | 'BAD_OUTPUT' | 'FILE_UNREADABLE' | 'KUBECONFIG_UNREADABLE' | 'BODY_UNREADABLE' | 'SANDBOX_FAILED' | 'ABORTED';

/**
 * Marks a ProbeError across bundles: the extension loads the engine and the sandbox as separate
 * bundles, each with its own copy of this class, so `instanceof` alone would miss theirs.
 */
const PROBE_ERROR = Symbol.for('consumer-probe.ProbeError');

export class ProbeError extends Error {
  constructor(
    readonly code: ProbeErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ProbeError';
  }

  static is(e: unknown, code?: ProbeErrorCode): e is ProbeError {
    return e instanceof Error && PROBE_ERROR in e && (code === undefined || (e as { code?: unknown }).code === code);
  }
}
Object.defineProperty(ProbeError.prototype, PROBE_ERROR, { value: true });

/** A short, single-line description of any thrown value, safe to show to a user. */
export function describeError(e: unknown): string {
  if (e instanceof Error) {
    const code = (e as { code?: unknown }).code;
    const cause = (e as { cause?: unknown }).cause;
    let text = e.message || e.name;
    if (cause instanceof Error && cause.message && !text.includes(cause.message)) text += `: ${cause.message}`;
    else if (typeof code === 'string' && !text.includes(code)) text += ` (${code})`;
    return oneLine(text, 300);
  }
  return oneLine(String(e), 300);
}

/** What a user is told: a ProbeError's message is already the sentence; anything else is described. */
export function userMessage(e: unknown): string {
  return ProbeError.is(e) ? oneLine(e.message, 300) : describeError(e);
}
