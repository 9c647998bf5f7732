// Headless Debian Chromium driven by playwright-core, with a fresh profile that is removed at the end.
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import type { Teardown } from './teardown';
import type { E2eTools } from './tools';

/** Flags measured to work on these machines (see TESTING-HERE.md); playwright adds its own on top. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Browser {
  context: BrowserContext;
  page: Page;
}

export async function launchBrowser(tools: E2eTools, teardown: Teardown): Promise<Browser> {
  const home = teardown.tempDir('consumer-probe-chromium-');
  const profile = join(home, 'profile');
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: tools.chromium,
    // Chromium keeps its crash database under $XDG_CONFIG_HOME even with a user-data-dir of its own.
    env: { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, '.config'), XDG_CACHE_HOME: join(home, '.cache') },
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1440, height: 900 },
    timeout: 60_000,
  });
  // After the temp dir, so it closes first. close() ends the Chromium processes and waits for them.
  teardown.add('close chromium', () => context.close());
  const page = context.pages()[0] ?? (await context.newPage());
  return { context, page };
}
