// Why the API server could not be used, as a code the diagnosis maps to a cause, and the message to show.
import type { ClusterUnavailableCode } from '../model';

export class KubeAccessError extends Error {
  constructor(
    readonly code: ClusterUnavailableCode,
    message: string,
    readonly httpStatus: number | null = null,
    options?: { cause?: unknown; statusMessage?: string; retryAfterMs?: number },
  ) {
    super(message, options);
    this.name = 'KubeAccessError';
    this.statusMessage = options?.statusMessage ?? null;
    this.retryAfterMs = options?.retryAfterMs ?? null;
  }

  /** How long the server asked the client to wait (`Retry-After` of a 429 or 503); null when it did not say. */
  readonly retryAfterMs: number | null;

  /** The API server's Status message (e.g. `namespaces "x" not found`), one line; null when there was none. */
  readonly statusMessage: string | null;
}
