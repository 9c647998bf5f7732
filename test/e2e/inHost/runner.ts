// A tiny test runner for the extension host (no mocha there): `test(name, fn)` registers, `runTests()`
// runs them one after another with a timeout each and writes the results for the outer test to read.
import { writeFileSync } from 'node:fs';

export interface TestOptions {
  /** Default 30 s. */
  timeoutMs?: number;
}

export interface TestResult {
  name: string;
  ok: boolean;
  error?: string;
  durationMs: number;
}

export interface SuiteResults {
  tests: TestResult[];
}

interface RegisteredTest {
  name: string;
  fn: () => unknown;
  timeoutMs: number;
}

const registered: RegisteredTest[] = [];

/** Registers a test. Files of tests call this at import time; suite.ts imports them. */
export function test(name: string, fn: () => unknown, { timeoutMs = 30_000 }: TestOptions = {}): void {
  if (registered.some((t) => t.name === name)) throw new Error(`duplicate in-host test name: ${name}`);
  registered.push({ name, fn, timeoutMs });
}

function describeError(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  return String(error);
}

async function runOne({ name, fn, timeoutMs }: RegisteredTest): Promise<TestResult> {
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      Promise.resolve().then(fn),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { name, ok: true, durationMs: Date.now() - started };
  } catch (error) {
    return { name, ok: false, error: describeError(error), durationMs: Date.now() - started };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs the registered tests in order, writes `{tests}` to `resultsPath` (when given) and resolves with
 * the results. A test that hangs past its timeout is reported failed and the next one starts.
 */
export async function runTests(resultsPath: string | undefined): Promise<SuiteResults> {
  const results: SuiteResults = { tests: [] };
  for (const t of registered) {
    const result = await runOne(t);
    results.tests.push(result);
    console.log(`[in-host] ${result.ok ? 'ok' : 'FAILED'} ${t.name} (${result.durationMs} ms)${result.error ? `\n${result.error}` : ''}`);
    // Written after every test, so a crash or a kill still leaves what ran.
    if (resultsPath) writeFileSync(resultsPath, JSON.stringify(results, null, 2));
  }
  if (resultsPath) writeFileSync(resultsPath, JSON.stringify(results, null, 2));
  return results;
}
