// The VS Code workbench as a user sees it: wait until it is usable, run a command from the palette,
// take a screenshot.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { SCREENSHOT_DIR } from '../harness/paths';
import { waitFor } from '../../helpers/waitFor';

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export class Workbench {
  constructor(readonly page: Page) {}

  /** Opens `url` and waits until the workbench is usable. */
  async open(url: string, timeoutMs = 90_000): Promise<void> {
    await this.page.goto(url, { timeout: timeoutMs });
    await this.waitUntilReady(timeoutMs);
  }

  /**
   * Usable = the workbench is laid out (activity bar, editor area, status bar) and restored far enough
   * to show the Problems counter in the status bar (≈ 5 s here). Extensions' contributions may still be
   * arriving: {@link runCommand} waits for its command itself.
   */
  async waitUntilReady(timeoutMs = 90_000): Promise<void> {
    const wb = this.page.locator('.monaco-workbench');
    for (const part of ['.part.activitybar', '.part.editor', '.part.statusbar', '.part.statusbar #status\\.problems']) {
      await wb.locator(part).first().waitFor({ state: 'visible', timeout: timeoutMs });
    }
  }

  /** The quick input (palette) widget. */
  get quickInput(): Locator {
    return this.page.locator('.quick-input-widget');
  }

  /**
   * F1, type the command's full title ("Consumer Probe: Run Probe in Sandbox"), then Enter on the entry
   * labelled exactly that (fuzzy ranking may highlight another one first: then it is clicked instead).
   * The palette lists the commands known when the text was typed, and an extension's commands arrive a
   * moment after the workbench looks ready, so the text is typed again until the entry shows up.
   */
  async runCommand(title: string, timeoutMs = 20_000): Promise<void> {
    const input = this.quickInput.locator('input.input');
    if (!(await input.isVisible())) await this.page.keyboard.press('F1');
    await input.waitFor({ state: 'visible', timeout: timeoutMs });
    // Exactly the title: "Run Probe" must not pick "Run Probe in Sandbox".
    const entry = this.quickInput
      .locator('.monaco-list-row')
      .filter({ has: this.page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(title)}$`) }) })
      .first();
    await waitFor(
      async () => {
        await input.fill('>');
        await input.fill(`>${title}`);
        return entry.waitFor({ state: 'visible', timeout: 1000 }).then(() => true);
      },
      { what: `the palette to offer "${title}"`, timeoutMs, intervalMs: 250 },
    ).catch(async (error: Error) => {
      const rows = await this.quickInput
        .locator('.monaco-list-row')
        .allInnerTexts()
        .catch(() => []);
      throw new Error(`${error.message} (palette shows: ${JSON.stringify(rows.slice(0, 8))})`);
    });
    if (((await entry.getAttribute('class')) ?? '').split(/\s+/).includes('focused')) await this.page.keyboard.press('Enter');
    else await entry.click();
    await this.quickInput.waitFor({ state: 'hidden', timeout: timeoutMs });
  }

  /** Saves `test-results/screenshots/NAME` (NAME ends in .png) and returns its path. */
  async screenshot(name: string): Promise<string> {
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    const path = join(SCREENSHOT_DIR, name);
    await this.page.screenshot({ path });
    return path;
  }

  /** Texts of the notification toasts currently shown (for failure messages). */
  async notifications(): Promise<string[]> {
    return this.page.locator('.notifications-toasts .notification-list-item-message').allInnerTexts();
  }
}
