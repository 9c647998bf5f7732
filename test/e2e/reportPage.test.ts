// The report page as a user reads it, in a real VS Code (code-server + Chromium): two sandbox runs of
// a pod stuck Pending (its suggestions carry kubectl commands). Checks that switching runs brings the
// verdict into view, that Copy and Run in Terminal sit on every command and the keyboard reaches and
// presses them, that at 700 and at 400 px the timeline's type stays ≥ 11 px, pods rows stay ≤ 3 lines
// and events cells line up in columns, and that the webview's console shows no error (CSP violations
// included) all along. Screenshots for the README: report-desktop.png, report-700.png, report-narrow.png.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ConsoleMessage, Page } from 'playwright-core';
import { launchBrowser } from './harness/browser';
import { packageVsix } from './harness/build';
import { CodeServer, installExtension } from './harness/codeServer';
import { Teardown } from './harness/teardown';
import { e2eSkip, requireE2eTools } from './harness/tools';
import { ReportPanel, type ReportLayout } from './pageObjects/reportPanel';
import { SideBar } from './pageObjects/sideBar';
import { Workbench } from './pageObjects/workbench';
import { waitFor } from '../helpers/waitFor';

const SCENARIO = 'pod_pending';
/** Smallest type a reader should have to read, in CSS px. */
const MIN_FONT_PX = 11;

/** Console errors of the report's webview frames (the workbench's own console is not ours to judge). */
function collectWebviewErrors(page: Page): string[] {
  const errors: string[] = [];
  const fromWebview = (url: string) => /webview|vscode-cdn|vscode-resource|active-frame|fake\.html/i.test(url);
  page.on('console', (m: ConsoleMessage) => {
    // Errors only: VS Code's own webview host warns about its iframe sandbox, which is not the page's doing.
    if (m.type() !== 'error') return;
    const url = m.location().url || '';
    const text = m.text();
    if (fromWebview(url) || /Content Security Policy|NaN/.test(text)) errors.push(`${m.type()}: ${text} (${url})`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  return errors;
}

test(
  'report page: verdict in view after a switch, actions on kubectl commands, legible at 700 and 400 px, no console errors',
  { skip: e2eSkip(), timeout: 600_000 },
  async (t) => {
    const teardown = new Teardown();
    t.after(() => teardown.run());
    const tools = requireE2eTools();

    const vsix = await packageVsix();
    const extensionsDir = teardown.tempDir('consumer-probe-extensions-');
    await installExtension(tools, teardown, vsix, extensionsDir);

    const workspace = teardown.tempDir('consumer-probe-ws-');
    mkdirSync(join(workspace, '.vscode'));
    writeFileSync(
      join(workspace, '.vscode', 'settings.json'),
      JSON.stringify({ 'consumerProbe.sandbox.scenario': SCENARIO, 'consumerProbe.timeoutSeconds': 4 }, null, 2),
    );
    const server = await CodeServer.start({ tools, teardown, workspace, extensionsDir });
    const { page, context } = await launchBrowser(tools, teardown);
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    const consoleErrors = collectWebviewErrors(page);
    const workbench = new Workbench(page);
    await workbench.open(server.workbenchUrl());
    const sideBar = new SideBar(page);
    const tree = sideBar.tree('Probe Runs');

    /** Runs one sandbox probe and waits for its verdict in the report; returns the report's job id. */
    const runOnce = async (runsBefore: number): Promise<ReportPanel> => {
      await workbench.runCommand('Consumer Probe: Run Probe in Sandbox');
      await sideBar.openContainer('Consumer Probe');
      await waitFor(async () => (await tree.rowTexts()).filter((r) => r.includes(SCENARIO)).length > runsBefore, {
        what: `run ${runsBefore + 1} to end as ${SCENARIO} in the tree`,
        timeoutMs: 90_000,
        intervalMs: 200,
      });
      const report = await ReportPanel.find(page, 30_000);
      await waitFor(async () => (await report.frame.locator('#scenario-badge').innerText()).includes(SCENARIO), {
        what: `the report to show the ${SCENARIO} verdict`,
        timeoutMs: 30_000,
        intervalMs: 200,
      });
      return report;
    };

    // --- Run 1, then run 2 while the page is scrolled to the bottom: the new verdict comes into view.
    let report = await runOnce(0);
    const severity = await report.frame.locator('#scenario-badge .severity-word').innerText();
    assert.equal(severity.trim(), 'Error', 'the severity reads as a word');
    const tab = page.locator('.tabs-container .tab', { hasText: SCENARIO }).first();
    await tab.waitFor({ state: 'visible', timeout: 10_000 });
    assert.match((await tab.innerText()).trim(), /job \S+ · pod_pending/, 'the panel is titled with the job and the scenario');

    assert.ok((await report.scrollTo('bottom')) > 0, 'the report is long enough to scroll');
    assert.equal(await report.verdictInView(), false);
    report = await runOnce(1);
    await waitFor(() => report.verdictInView(), {
      what: 'the new run’s verdict to be scrolled into view',
      timeoutMs: 10_000,
      intervalMs: 100,
    });

    // --- Switching back to run 1 from the tree, scrolled down: its verdict comes into view too.
    const titleOfRun2 = await report.frame.locator('#scenario-summary').innerText();
    await report.scrollTo('bottom');
    const runRows = tree.pane.locator('.pane-body .monaco-list-row[aria-level="1"]');
    await runRows.nth(1).click();
    await waitFor(async () => (await report.frame.locator('#scenario-summary').innerText()) !== titleOfRun2, {
      what: 'the report to switch to the first run',
      timeoutMs: 15_000,
      intervalMs: 100,
    });
    await waitFor(() => report.verdictInView(), {
      what: 'the first run’s verdict to be scrolled into view',
      timeoutMs: 10_000,
      intervalMs: 100,
    });
    await workbench.screenshot('report-desktop.png');

    // --- Every kubectl command has Copy and Run in Terminal; Tab reaches them; Enter presses Copy.
    const commands = await report.commands.count();
    assert.ok(commands >= 1, 'the pod_pending suggestions carry kubectl commands');
    for (let i = 0; i < commands; i++) {
      const command = report.commands.nth(i);
      assert.match(await command.locator('code').innerText(), /^kubectl /);
      const copy = command.locator('vscode-button[data-key^="copy:"]');
      const run = command.locator('vscode-button[data-key^="run:"]');
      assert.equal(await copy.count(), 1, `Copy on command ${i}`);
      assert.equal(await run.count(), 1, `Run in Terminal on command ${i}`);
      assert.equal((await copy.innerText()).trim(), 'Copy');
      assert.equal((await run.innerText()).trim(), 'Run in Terminal');
    }
    await report.scrollTo('top');
    await report.frame.locator('#scenario-summary').click();
    const reached: string[] = [];
    for (let i = 0; i < 40 && !reached.at(-1)?.startsWith('copy:'); i++) {
      await page.keyboard.press('Tab');
      reached.push((await report.focusedKey()) ?? 'nothing');
    }
    assert.ok(reached.at(-1)?.startsWith('copy:'), `Tab reaches a Copy button (reached: ${reached.join(', ')})`);
    await page.keyboard.press('Enter');
    await waitFor(async () => (await page.locator('.part.statusbar').innerText()).includes('Copied to the clipboard'), {
      what: 'the status bar to say the command was copied (Enter on Copy)',
      timeoutMs: 10_000,
      intervalMs: 100,
    });
    await page.keyboard.press('Tab');
    assert.match((await report.focusedKey()) ?? '', /^run:/, 'Run in Terminal follows Copy in the Tab order');

    // --- Narrow widths: the side bar closed and the browser narrowed until the page is that wide.
    await workbench.runCommand('View: Close Primary Side Bar');
    const measureAt = async (target: number, screenshot: string): Promise<ReportLayout> => {
      for (let attempt = 0; attempt < 5; attempt++) {
        const width = await report.width();
        if (Math.abs(width - target) <= 2) break;
        const viewport = page.viewportSize()!;
        await page.setViewportSize({ width: viewport.width + (target - width), height: viewport.height });
        await waitFor(async () => (await report.width()) !== width, {
          what: `the webview to resize towards ${target} px`,
          timeoutMs: 5000,
          intervalMs: 50,
        });
      }
      // The chart is redrawn for the new width: wait until it fits the page.
      const layout = await waitFor(
        async () => {
          const l = await report.layout();
          return Math.abs(l.width - target) <= 2 && l.timelineTexts > 0 && !l.pageOverflows && l;
        },
        { what: `the report laid out at ${target} px without sideways page scroll`, timeoutMs: 10_000, intervalMs: 100 },
      ).catch(async (error: Error) => {
        throw new Error(`${error.message}; measured ${JSON.stringify(await report.layout())}`);
      });
      await workbench.screenshot(screenshot);
      return layout;
    };

    for (const [width, shot] of [
      [700, 'report-700.png'],
      [400, 'report-narrow.png'],
    ] as const) {
      const layout = await measureAt(width, shot);
      const at = `at ${width} px: ${JSON.stringify(layout)}`;
      t.diagnostic(at);
      assert.ok(layout.minTimelineFontPx >= MIN_FONT_PX, `timeline text ≥ ${MIN_FONT_PX} px ${at}`);
      assert.ok(layout.podRowLines.length >= 1, `pods rows ${at}`);
      for (const lines of layout.podRowLines) assert.ok(lines <= 3, `each pods row ≤ 3 lines ${at}`);
      assert.ok(layout.eventRows >= 2, `an events header and rows ${at}`);
      for (const spread of layout.eventColumnSpreadPx) assert.ok(spread <= 0.5, `events cells share column positions ${at}`);
    }

    // The narrow page's timeline, for the README.
    await report.evaluate(`document.getElementById('section-timeline').scrollIntoView()`);
    await workbench.screenshot('report-narrow-timeline.png');

    // No NaN reached the chart, and nothing in the webview logged an error all along.
    assert.equal(await report.count('svg [x="NaN"], svg [width="NaN"], svg [d*="NaN"]'), 0, 'no NaN in the charts');
    assert.deepEqual(consoleErrors, [], 'the webview console has no errors');
  },
);
