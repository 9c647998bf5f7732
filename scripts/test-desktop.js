// The same in-host suite in desktop VS Code, through @vscode/test-electron, for machines that can
// download VS Code (CI here cannot: it runs the suite in code-server instead, see test/e2e).
// Usage: npm run test:desktop   (VS Code version: CONSUMER_PROBE_VSCODE_VERSION, default "stable")
const path = require('node:path');
const os = require('node:os');
const fs = require('node:fs');
const { runTests } = require('@vscode/test-electron');

async function main() {
  const root = path.resolve(__dirname, '..');
  const results = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'consumer-probe-desktop-')), 'results.json');
  await runTests({
    version: process.env.CONSUMER_PROBE_VSCODE_VERSION || 'stable',
    extensionDevelopmentPath: root,
    extensionTestsPath: path.join(root, 'out', 'e2e', 'inHostSuite.js'),
    launchArgs: ['--disable-extensions', '--disable-workspace-trust', fs.mkdtempSync(path.join(os.tmpdir(), 'consumer-probe-ws-'))],
    extensionTestsEnv: { CONSUMER_PROBE_E2E_RESULTS: results },
  });
  console.log(`in-host results: ${results}`);
}

main().catch((e) => {
  console.error(`desktop VS Code tests failed: ${e instanceof Error ? e.message : e}`);
  process.exit(1);
});
