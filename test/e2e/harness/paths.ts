// Paths the e2e tests share.
import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(__dirname, '..', '..', '..');
/** Screenshots from the UI tests (gitignored with test-results/). */
export const SCREENSHOT_DIR = join(REPO_ROOT, 'test-results', 'screenshots');
/** Where esbuild.js puts the in-extension-host suite. */
export const IN_HOST_SUITE = join(REPO_ROOT, 'out', 'e2e', 'inHostSuite.js');
