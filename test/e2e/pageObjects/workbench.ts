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

  /**
   * The titles the palette offers for `text` once its list settles (two equal reads in a row) and holds
   * `mustInclude` if given, then closes it. For checking what is hidden as much as what is there.
   */
  async paletteOffers(text: string, mustInclude?: string, timeoutMs = 20_000): Promise<string[]> {
    const input = this.quickInput.locator('input.input');
    if (!(await input.isVisible())) await this.page.keyboard.press('F1');
    await input.waitFor({ state: 'visible', timeout: timeoutMs });
    const labels = () => this.quickInput.locator('.monaco-list-row .label-name').allInnerTexts();
    let last = '';
    const offered = await waitFor(
      async () => {
        // Typed again each time: the palette lists the commands known when the text was typed.
        if (mustInclude) {
          await input.fill('>');
          await input.fill(`>${text}`);
        } else if ((await input.inputValue()) !== `>${text}`) await input.fill(`>${text}`);
        const now = JSON.stringify(await labels());
        const settled = now === last;
        last = now;
        const list = JSON.parse(now) as string[];
        return settled && (!mustInclude || list.includes(mustInclude)) && list;
      },
      { what: `the palette's list for "${text}" to settle`, timeoutMs, intervalMs: 300 },
    );
    await this.page.keyboard.press('Escape');
    await this.quickInput.waitFor({ state: 'hidden', timeout: timeoutMs });
    return offered;
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

  /** The notification toast whose message contains `text`, once it shows. */
  async notification(text: string | RegExp, timeoutMs = 30_000): Promise<Locator> {
    const toast = this.page
      .locator('.notifications-toasts .notification-list-item')
      .filter({ has: this.page.locator('.notification-list-item-message', { hasText: text }) })
      .first();
    await toast.waitFor({ state: 'visible', timeout: timeoutMs }).catch(async (error: Error) => {
      throw new Error(`no notification matching ${String(text)} (shown: ${JSON.stringify(await this.notifications())}): ${error.message}`);
    });
    return toast;
  }

  /** The titles of the editor tabs now open. */
  async tabTitles(): Promise<string[]> {
    return this.page
      .locator('.part.editor .tabs-container .tab .label-name')
      .allInnerTexts()
      .catch(() => []);
  }

  /** The texts of the status bar's entries. */
  async statusBarTexts(): Promise<string[]> {
    return this.page
      .locator('.part.statusbar .statusbar-item')
      .allInnerTexts()
      .catch(() => []);
  }

  /** What the Settings editor's search box holds, or null while no Settings editor is shown. */
  async settingsSearch(): Promise<string | null> {
    const editor = this.page.locator('.part.editor .settings-editor');
    if (!(await editor.isVisible().catch(() => false))) return null;
    return editor
      .locator('.search-container .view-lines')
      .first()
      .innerText()
      .catch(() => null);
  }
}
