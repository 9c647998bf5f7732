// A last-in-first-out cleanup list. node:test runs `t.after` hooks in the order they were added, but a
// workspace must outlive the code-server that has it open, and code-server the browser showing it:
// things are undone in the reverse order they were made. Register one `t.after(() => teardown.run())`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export class Teardown {
  private readonly steps: Array<{ what: string; fn: () => unknown }> = [];

  /** Adds a step; it runs before every step added earlier. */
  add(what: string, fn: () => unknown): void {
    this.steps.push({ what, fn });
  }

  /** Runs every step (newest first) even if some fail, then throws the failures together. Idempotent. */
  async run(): Promise<void> {
    const failures: string[] = [];
    for (let step = this.steps.pop(); step; step = this.steps.pop()) {
      try {
        await step.fn();
      } catch (error) {
        failures.push(`${step.what}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    if (failures.length > 0) throw new Error(`teardown failed: ${failures.join('; ')}`);
  }

  /** A fresh directory under the OS temp dir, removed when the teardown reaches it. */
  tempDir(prefix = 'consumer-probe-e2e-'): string {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    this.add(`remove ${dir}`, () => rmSync(dir, { recursive: true, force: true }));
    return dir;
  }
}
