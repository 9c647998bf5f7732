// Temporary directories that are removed when the test ends.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Anything with node:test's `after` (a TestContext, or the suite's context). */
export interface CleanupScope {
  after(fn: () => unknown): void;
}

/** Creates a fresh directory under the OS temp dir and registers its removal with `scope.after`. */
export function makeTempDir(scope: CleanupScope, prefix = 'consumer-probe-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  scope.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
