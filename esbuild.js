// Bundles the three entry points. The CLI and the extension run on Node (CommonJS, so the ESM-only
// @kubernetes/client-node is folded in); the webview runs in the browser and never touches the network.
const esbuild = require('esbuild');
const fs = require('node:fs');

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const common = {
  bundle: true,
  minify: production,
  sourcemap: !production,
  logLevel: 'warning',
  legalComments: 'none',
};

const targets = [
  { ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', platform: 'node', format: 'cjs', target: 'node20',
    banner: { js: '#!/usr/bin/env node' } },
  fs.existsSync('src/extension/main.ts') &&
    { ...common, entryPoints: ['src/extension/main.ts'], outfile: 'dist/extension.js', platform: 'node', format: 'cjs',
      target: 'node20', external: ['vscode'] },
  fs.existsSync('webview-ui/main.ts') &&
    { ...common, entryPoints: ['webview-ui/main.ts'], outfile: 'dist/webview/report.js', platform: 'browser',
      format: 'iife', target: 'es2022' },
  // The in-VS-Code test suite (loaded by the extension host through extensionTestsPath).
  fs.existsSync('test/e2e/inHost/suite.ts') &&
    { ...common, entryPoints: ['test/e2e/inHost/suite.ts'], outfile: 'out/e2e/inHostSuite.js', platform: 'node',
      format: 'cjs', target: 'node20', external: ['vscode'] },
].filter(Boolean);

async function main() {
  if (watch) {
    for (const t of targets) await (await esbuild.context(t)).watch();
    return;
  }
  await Promise.all(targets.map((t) => esbuild.build(t)));
  fs.chmodSync('dist/cli.js', 0o755);
}

main().catch((e) => {
  console.error(e.message);
  process.exit(1);
});
