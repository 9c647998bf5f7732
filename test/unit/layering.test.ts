// The layering rules of eslint.config.mjs (DESIGN.md, "Architecture"), proven on snippets placed at
// virtual paths: each rule fires on a violation and stays quiet on an allowed import, so a change to
// the configuration cannot silently switch one off.
import assert from 'node:assert/strict';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';

const ROOT = path.resolve(__dirname, '../..');
const RULE = '@typescript-eslint/no-restricted-imports';

let eslint: ESLint;
before(() => {
  // The virtual files are in no tsconfig: lint them without the type-aware rules.
  eslint = new ESLint({ cwd: ROOT, overrideConfig: [tseslint.configs.disableTypeChecked] });
});

/** The layering messages ESLint reports for `code` placed at `file` (relative to the repository). */
async function layering(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${code}\nexport {};\n`, { filePath: path.join(ROOT, file) });
  assert.ok(result, `no result for ${file}`);
  const fatal = result.messages.filter((m) => m.fatal);
  assert.deepEqual(fatal, [], `${file} did not parse`);
  return result.messages.filter((m) => m.ruleId === RULE).map((m) => m.message);
}

function check(file: string, cases: { denied?: [code: string, says: RegExp][]; allowed?: string[] }) {
  for (const [code, says] of cases.denied ?? []) {
    test(`${file}: denies ${code}`, async () => {
      const messages = await layering(file, code);
      assert.equal(messages.length, 1, `expected one layering error, got ${JSON.stringify(messages)}`);
      assert.match(messages[0]!, says);
    });
  }
  for (const code of cases.allowed ?? []) {
    test(`${file}: allows ${code}`, async () => {
      assert.deepEqual(await layering(file, code), []);
    });
  }
}

describe('the engine (src/probe) imports no vscode, sandbox or shell', () => {
  check('src/probe/kube/virtual.ts', {
    denied: [
      ["import * as vscode from 'vscode';", /Only src\/extension talks to VS Code/],
      ["import { Sandbox } from '../../sandbox/sandbox';", /never depends on the sandbox/],
      ["import type { Sandbox } from '../../sandbox/sandbox';", /never depends on the sandbox/],
      ["import { parseCommandLine } from '../../cli/args';", /never imports a shell/],
      ["import { ProbeCtx } from '../../extension/ctx';", /never imports a shell/],
      ["export { Config } from '../../extension/config';", /never imports a shell/],
    ],
    allowed: [
      "import { analyse } from '../analysis';",
      "import type { Report } from '../model';",
      "import { request } from 'node:http';",
      "import { KubeConfig } from '@kubernetes/client-node';",
    ],
  });
});

describe('the sandbox imports only engine types and parsers', () => {
  check('src/sandbox/kube/virtual.ts', {
    denied: [
      ["import { defaultProbeOptions } from '../../probe/options';", /only the engine's types .* and its parsers/],
      ["import { defaultProbeOptions, type ProbeOptions } from '../../probe/options';", /only the engine's types/],
      ["export { defaultProbeOptions } from '../../probe/options';", /only the engine's types/],
      ["import { startProbe } from '../../probe';", /only the engine's types/],
      ["import * as vscode from 'vscode';", /Only src\/extension talks to VS Code/],
      ["import { main } from '../../cli/main';", /never imports a shell/],
    ],
    allowed: [
      "import type { ProbeOptions } from '../../probe/options';",
      "import { type ScenarioId } from '../../probe/model';",
      "import { parseLabelSelector } from '../../probe/labelSelector';",
      "import { parseLabelSelector } from '../../probe/labelSelector.ts';",
      "import { Store } from './store';",
      "import { createServer } from 'node:https';",
    ],
  });
});

describe('the shells (src/cli, src/extension) never import each other', () => {
  check('src/cli/virtual.ts', {
    denied: [
      ["import * as vscode from 'vscode';", /Only src\/extension talks to VS Code/],
      ["import { Config } from '../extension/config';", /never import each other/],
    ],
    allowed: [
      "import { startProbe } from '../probe/runProbe';",
      "import { Sandbox } from '../sandbox/sandbox';",
      "import { readFileSync } from 'node:fs';",
    ],
  });
  check('src/extension/tree/virtual.ts', {
    denied: [["import { parseCommandLine } from '../../cli/args';", /never import each other/]],
    allowed: [
      "import * as vscode from 'vscode';",
      "import { startProbe } from '../../probe/runProbe';",
      "import { Sandbox } from '../../sandbox/sandbox';",
    ],
  });
});

describe('the report page (webview-ui) imports no Node and only the shared modules', () => {
  check('webview-ui/render/virtual.ts', {
    denied: [
      ["import { readFileSync } from 'node:fs';", /no Node built-ins/],
      ["import { readFileSync } from 'fs';", /no Node built-ins/],
      ["import { readFile } from 'fs/promises';", /no Node built-ins/],
      ["import path from 'path';", /no Node built-ins/],
      ["import { KubeConfig } from '@kubernetes/client-node';", /browser packages/],
      ["import { fetch } from 'undici';", /browser packages/],
      ["import * as vscode from 'vscode';", /Only src\/extension talks to VS Code/],
      ["import { ReportPanel } from '../../src/extension/report/reportPanel';", /only the shared protocol and view-model/],
      ["import { ProbeCtx } from '../../src/extension/ctx';", /only the shared protocol and view-model/],
      ["import { trimHistory } from '../../src/extension/runRecord';", /only as a type/],
      ["import { defaultProbeOptions } from '../../src/probe/options';", /from the engine it imports only types/],
      ["import { Sandbox } from '../../src/sandbox/sandbox';", /never imports the sandbox or the CLI/],
    ],
    allowed: [
      "import { DidChangeState, type ReportViewState } from '../../src/extension/report/protocol';",
      "import { podVisualState } from '../../src/extension/tree/podVisualState';",
      "import type { RunRecord } from '../../src/extension/runRecord';",
      "import type { Report } from '../../src/probe/model';",
      "import { formatSeconds } from '../../src/probe/report/format';",
      "import { provideVSCodeDesignSystem } from '@vscode/webview-ui-toolkit';",
      "import { el } from './dom';",
      "import '../report.css';",
    ],
  });
});

describe('the modules the page bundles stay browser-safe', () => {
  check('src/probe/report/format.ts', {
    denied: [
      ["import { inspect } from 'node:util';", /bundled into the report page/],
      ["import { fetch } from 'undici';", /bundled into the report page/],
    ],
    allowed: ["import { TIMING_KEYS } from '../model';"],
  });
  check('src/extension/report/protocol.ts', {
    denied: [["import * as vscode from 'vscode';", /Only src\/extension talks to VS Code/]],
    allowed: ["import type { RunStatus } from '../runRecord';"],
  });
});
