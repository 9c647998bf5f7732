// Waiting for a condition with a deadline, instead of sleeping and hoping. Use it when there is no event
// to await (e.g. "the server has a watch open"); prefer awaiting the actual event when there is one.

export interface WaitForOptions {
  /** What is awaited, for the failure message: "the watch to be open". */
  what: string;
  /** Default 5000. */
  timeoutMs?: number;
  /** How often the condition is evaluated. Default 10. */
  intervalMs?: number;
}

/** What a truthy check lets through: `waitFor(() => store.get(...) && ...)` yields the object. */
export type Truthy<T> = Exclude<T, false | 0 | '' | null | undefined>;

/**
 * Resolves with the condition's first truthy value. A condition that throws counts as "not yet"; the
 * last error is quoted if the deadline passes, which fails with "timed out after N ms waiting for …".
 */
export async function waitFor<T>(
  condition: () => T | Promise<T>,
  { what, timeoutMs = 5000, intervalMs = 10 }: WaitForOptions,
): Promise<Truthy<T>> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await condition();
      if (value) return value as Truthy<T>;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const cause = lastError === undefined ? '' : ` (last error: ${lastError instanceof Error ? lastError.message : String(lastError)})`;
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${cause}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Rejects with "timed out after N ms waiting for …" unless `promise` settles first. */
export async function withDeadline<T>(promise: Promise<T>, { what, timeoutMs = 5000 }: Omit<WaitForOptions, 'intervalMs'>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)), timeoutMs);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
