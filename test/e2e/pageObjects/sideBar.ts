// The side bar: open a view container from the activity bar, and the rows of a tree view in it.
import type { Locator, Page } from 'playwright-core';
import { waitFor } from '../../helpers/waitFor';

export class SideBar {
  constructor(readonly page: Page) {}

  get part(): Locator {
    return this.page.locator('.monaco-workbench .part.sidebar');
  }

  /** The side bar's title ("Consumer Probe: Probe Runs"), or null while the side bar is hidden. */
  async title(): Promise<string | null> {
    if (!(await this.part.isVisible())) return null;
    return this.part
      .locator('.composite.title .title-label')
      .first()
      .innerText()
      .catch(() => null);
  }

  /**
   * Shows the view container `title` ("Consumer Probe") by clicking its activity-bar entry, unless it is
   * already shown (clicking the entry of the container on show would hide the side bar).
   */
  async openContainer(title: string, timeoutMs = 15_000): Promise<void> {
    const isShown = async () => (await this.title())?.toLowerCase().startsWith(title.toLowerCase()) ?? false;
    if (await isShown()) return;
    const entry = this.page.locator(`.monaco-workbench .part.activitybar a.action-label[aria-label^="${title}"]`).first();
    await entry.click({ timeout: timeoutMs });
    await waitFor(isShown, { what: `the side bar to show ${title}`, timeoutMs, intervalMs: 100 });
  }

  /** The tree view named `name` ("Probe Runs") in the side bar. */
  tree(name: string): TreeView {
    return new TreeView(
      this.page,
      this.part
        .locator('.pane')
        .filter({ has: this.page.locator('.pane-header', { hasText: name }) })
        .first(),
    );
  }
}

export class TreeView {
  constructor(
    readonly page: Page,
    /** The view's pane (header and body). */
    readonly pane: Locator,
  ) {}

  get rows(): Locator {
    return this.pane.locator('.pane-body .monaco-list-row');
  }

  /** The first row whose text contains `text` (a string or pattern), once it is visible. */
  async row(text: string | RegExp, timeoutMs = 30_000): Promise<Locator> {
    const row = this.rows.filter({ hasText: text }).first();
    await row.waitFor({ state: 'visible', timeout: timeoutMs }).catch(async (error: Error) => {
      throw new Error(`no row matching ${String(text)} in the tree (rows: ${JSON.stringify(await this.rowTexts())}): ${error.message}`);
    });
    return row;
  }

  /** Texts of the rows now rendered (the tree is virtualised: only visible rows exist). */
  async rowTexts(): Promise<string[]> {
    return this.rows.allInnerTexts().catch(() => []);
  }

  /** Expands every collapsed top-level row (e.g. runs, to show their pods). */
  async expandTopLevel(timeoutMs = 10_000): Promise<void> {
    const collapsed = this.pane.locator('.pane-body .monaco-list-row[aria-level="1"][aria-expanded="false"]');
    for (const row of await collapsed.all()) await this.expand(row, timeoutMs);
  }

  /** Expands a collapsed row (no-op for an expanded row or a leaf) and waits until it shows as expanded. */
  async expand(row: Locator, timeoutMs = 10_000): Promise<void> {
    if ((await row.getAttribute('aria-expanded')) !== 'false') return;
    await row.locator('.monaco-tl-twistie').click();
    await waitFor(async () => (await row.getAttribute('aria-expanded')) === 'true', {
      what: 'the tree row to expand',
      timeoutMs,
      intervalMs: 50,
    });
  }
}
