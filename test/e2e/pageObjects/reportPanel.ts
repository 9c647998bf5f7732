// The report webview. VS Code puts each webview in an outer `iframe.webview` whose document holds the
// extension's page in `iframe#active-frame`. Several webviews may exist (other panels, hidden ones), so
// the report is the one whose page has the report's marker element.
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { waitFor } from '../../helpers/waitFor';

/** An element only the report page has. */
const REPORT_MARKER = '#scenario-title';

/** What the layout checks measure in the page, in CSS pixels. */
export interface ReportLayout {
  /** The page's own width (its viewport inside the webview). */
  width: number;
  /** Whether the page itself scrolls sideways (it should not: wide content scrolls in its own box). */
  pageOverflows: boolean;
  /** The smallest rendered font size of the timeline's text, after any scaling of the SVG. */
  minTimelineFontPx: number;
  timelineTexts: number;
  /** Each pods row's height divided by the line height of its cells. */
  podRowLines: number[];
  /** For each events column, how far apart (px) the cells' left edges are across rows (0 = aligned). */
  eventColumnSpreadPx: number[];
  eventRows: number;
}

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

  get banner(): Locator {
    return this.frame.locator('#banner');
  }

  /** Each suggested kubectl command with its buttons. */
  get commands(): Locator {
    return this.frame.locator('#suggestions .command');
  }

  /** Shows every pod label (the table shows the job's own labels until asked). */
  async showAllLabels(): Promise<void> {
    const toggle = this.frame.locator('#labels-toggle');
    if ((await toggle.getAttribute('aria-pressed')) !== 'true') await toggle.click();
    await waitFor(async () => (await toggle.getAttribute('aria-pressed')) === 'true', {
      what: 'all pod labels to show',
      timeoutMs: 5000,
      intervalMs: 50,
    });
  }

  /** Number of elements matching `selector` anywhere in the report document. */
  count(selector: string): Promise<number> {
    return this.frame.locator(selector).count();
  }

  /**
   * Evaluates `script` (an expression; browser code, so kept as text: the tests compile without DOM
   * types) in the report page's document.
   */
  evaluate<R>(script: string): Promise<R> {
    return this.frame.locator('html').evaluate(script) as Promise<R>;
  }

  /** The page's own width in CSS px. */
  width(): Promise<number> {
    return this.evaluate('document.documentElement.clientWidth');
  }

  /** The `data-key` of the focused control (buttons, summaries), or its tag when it has none. */
  focusedKey(): Promise<string | null> {
    return this.evaluate(`(() => {
      const active = document.activeElement;
      if (!active || active === document.body) return null;
      const keyed = active.closest('[data-key]');
      return keyed ? keyed.dataset.key : active.tagName.toLowerCase();
    })()`);
  }

  /** Whether the verdict's title is inside the page's viewport. */
  verdictInView(): Promise<boolean> {
    return this.evaluate(`(() => {
      const r = document.getElementById('scenario-title').getBoundingClientRect();
      return r.top >= 0 && r.bottom <= window.innerHeight;
    })()`);
  }

  scrollTo(top: 'top' | 'bottom'): Promise<number> {
    return this.evaluate(`(() => {
      window.scrollTo(0, ${top === 'top' ? 0 : 'document.documentElement.scrollHeight'});
      return window.scrollY;
    })()`);
  }

  /** The sizes the narrow-page checks are about, measured as rendered. */
  layout(): Promise<ReportLayout> {
    return this.evaluate(`(() => {
      const px = (value) => parseFloat(value) || 0;
      const svgEl = document.querySelector('svg#timeline');
      const texts = svgEl ? [...svgEl.querySelectorAll('text')] : [];
      const box = svgEl ? svgEl.getBoundingClientRect().width : 1;
      const scale = svgEl ? box / (svgEl.viewBox.baseVal.width || box) : 1;
      const sizes = texts.map((t) => px(getComputedStyle(t).fontSize) * scale);
      const lineHeight = (cell) => {
        const style = getComputedStyle(cell);
        return style.lineHeight === 'normal' ? px(style.fontSize) * 1.2 : px(style.lineHeight);
      };
      const podRows = [...document.querySelectorAll('#pods tbody tr')];
      const eventRows = [...document.querySelectorAll('#events tr')];
      const columns = Math.max(0, ...eventRows.map((r) => r.children.length));
      const spread = [];
      for (let c = 0; c < columns; c++) {
        const lefts = eventRows.filter((r) => r.children[c]).map((r) => r.children[c].getBoundingClientRect().left);
        spread.push(Math.max(...lefts) - Math.min(...lefts));
      }
      return {
        width: document.documentElement.clientWidth,
        pageOverflows: document.documentElement.scrollWidth > document.documentElement.clientWidth + 1,
        minTimelineFontPx: sizes.length ? Math.min(...sizes) : 0,
        timelineTexts: texts.length,
        podRowLines: podRows.map((r) => r.getBoundingClientRect().height / lineHeight(r.querySelector('td'))),
        eventColumnSpreadPx: spread,
        eventRows: eventRows.length,
      };
    })()`);
  }
}
