// The report webview. VS Code puts each webview in an outer `iframe.webview` whose document holds the
// extension's page in `iframe#active-frame`. Several webviews may exist (other panels, hidden ones), so
// the report is the one whose page has the report's marker element.
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { waitFor } from '../../helpers/waitFor';

/** An element only the report page has. */
const REPORT_MARKER = '#scenario-title';

export class ReportPanel {
  private constructor(
    readonly page: Page,
    /** The report page's document. */
    readonly frame: FrameLocator,
  ) {}

  /** Waits until some webview shows the report page and returns it. */
  static async find(page: Page, timeoutMs = 30_000): Promise<ReportPanel> {
    const outer = page.locator('iframe.webview');
    const inner = (i: number) => page.frameLocator(`iframe.webview >> nth=${i}`).frameLocator('iframe#active-frame');
    const index = await waitFor(
      async () => {
        const count = await outer.count();
        for (let i = 0; i < count; i++) {
          if ((await inner(i).locator(REPORT_MARKER).count()) > 0) return i + 1; // 1-based: 0 is falsy
        }
        return 0;
      },
      { what: `a webview showing the report (${REPORT_MARKER})`, timeoutMs, intervalMs: 200 },
    );
    return new ReportPanel(page, inner(index - 1));
  }

  get scenarioTitle(): Locator {
    return this.frame.locator('#scenario-title');
  }

  get timeline(): Locator {
    return this.frame.locator('svg#timeline');
  }

  get podsTable(): Locator {
    return this.frame.locator('#pods');
  }

  /** Number of elements matching `selector` anywhere in the report document. */
  count(selector: string): Promise<number> {
    return this.frame.locator(selector).count();
  }
}
