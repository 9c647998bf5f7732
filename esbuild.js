// Bundles the entry points. The CLI and the extension run on Node (CommonJS, so the ESM-only
// @kubernetes/client-node is folded in); the webview runs in the browser and never touches the network.
//
// The extension is three bundles, so activation evaluates only the shell (see src/extension/lazy.ts):
//   dist/extension.js  the shell: commands, tree, status bar, history, report panel host
//   dist/engine.js     the engine: probe runs, kubeconfig (client-node), undici, amqplib; first probe
//   dist/sandbox.js    the embedded sandbox (node-forge for its certificates); first sandbox run
// The CLI stays one file.
const esbuild = require('esbuild');
const fs = require('node:fs');
const path = require('node:path');

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const common = {
  bundle: true,
  minify: production,
  sourcemap: !production,
  logLevel: 'warning',
  legalComments: 'none',
};

/** The shell's lazy parts: the entry src/extension/lazy.ts requires → the bundle it loads at run time. */
const LAZY_PARTS = {
  './engineBundle': { entry: 'src/extension/engineBundle.ts', outfile: 'dist/engine.js' },
  './sandboxBundle': { entry: 'src/extension/sandboxBundle.ts', outfile: 'dist/sandbox.js' },
};
const LAZY_LOADER = path.resolve('src/extension/lazy.ts');

/**
 * In the shell, lazy.ts's `require('./engineBundle')` becomes `require('./engine.js')`: external, so
 * it is resolved next to dist/extension.js when first called, not bundled into it.
 */
const lazyParts = {
  name: 'lazy-parts',
  setup(build) {
    build.onResolve({ filter: /^\.\/(engine|sandbox)Bundle$/ }, (args) => {
      if (path.resolve(args.importer) !== LAZY_LOADER) return undefined;
      return { path: `./${path.basename(LAZY_PARTS[args.path].outfile)}`, external: true };
    });
  },
};

// Trims of the lazy parts, each safe because of how the code uses the package (the e2e suite and
// test/build/bundleSplit.test.ts run a sandbox probe on the production parts):
// - client-node: the engine uses only KubeConfig, so its modules are treated as free of side effects
//   and the generated API clients, Watch, Exec, Cp… (and ws, tar) are left out;
// - whatwg-url (node-fetch 2's URL fallback): node-fetch takes `require('url').URL`, always present on Node;
// - node-forge: the sandbox builds certificates only, so x509 (and digests) instead of all of forge;
// - amqplib: the sandbox (its real-broker mode) takes the engine's copy instead of a second one.
const CLIENT_NODE = `${path.sep}node_modules${path.sep}@kubernetes${path.sep}client-node${path.sep}`;

const clientNodeWithoutSideEffects = {
  name: 'client-node-without-side-effects',
  setup(build) {
    build.onResolve({ filter: /.*/ }, async (args) => {
      if (args.pluginData || !(args.path === '@kubernetes/client-node' || args.importer.includes(CLIENT_NODE))) return undefined;
      const resolved = await build.resolve(args.path, {
        importer: args.importer,
        resolveDir: args.resolveDir,
        kind: args.kind,
        pluginData: true,
      });
      if (resolved.errors.length > 0 || resolved.external || !resolved.path.includes(CLIENT_NODE)) return resolved;
      return { ...resolved, sideEffects: false };
    });
  },
};

/** Replaces whole packages by a module of our own (`contents`, resolved from the repository root). */
function replacePackages(replacements) {
  const filter = new RegExp(`^(${Object.keys(replacements).join('|')})$`);
  return {
    name: 'replace-packages',
    setup(build) {
      build.onResolve({ filter }, (args) => ({ path: args.path, namespace: 'replaced' }));
      build.onLoad({ filter: /.*/, namespace: 'replaced' }, (args) => ({
        contents: replacements[args.path],
        loader: 'js',
        resolveDir: __dirname,
      }));
    },
  };
}

/**
 * @opentelemetry/* through their ES modules (`module`): their CommonJS `main` makes esbuild keep each
 * package's whole index (semantic conventions, metrics, protobuf serializers), ≈256 KB per bundle instead
 * of ≈27 KB. The OTLP output is byte-identical either way.
 */
const openTelemetryEsm = {
  name: 'opentelemetry-esm',
  setup(build) {
    build.onResolve({ filter: /^@opentelemetry\/[^/]+$/ }, (args) => {
      const dir = path.join(__dirname, 'node_modules', args.path);
      const { module: esm } = require(path.join(dir, 'package.json'));
      return esm ? { path: path.join(dir, esm) } : undefined;
    });
  },
};

const TRIMS = {
  engine: [
    openTelemetryEsm,
    clientNodeWithoutSideEffects,
    replacePackages({ 'whatwg-url': "module.exports = { URL: require('node:url').URL };" }),
  ],
  sandbox: [
    replacePackages({
      'node-forge': "require('node-forge/lib/x509');\nrequire('node-forge/lib/md.all');\nmodule.exports = require('node-forge/lib/forge');",
      amqplib: "module.exports = require('./engine.js').amqplib;",
    }),
  ],
};

/** The extension's bundles (shell + lazy parts) into `outdir`; `options` override the common ones (tests, benchmarks). */
function extensionTargets(options = {}, outdir = 'dist') {
  const node = { ...common, ...options, platform: 'node', format: 'cjs', target: 'node20' };
  return [
    // Only the shell may import 'vscode'; in the lazy parts an import of it fails the build.
    {
      ...node,
      entryPoints: ['src/extension/main.ts'],
      outfile: path.join(outdir, 'extension.js'),
      external: ['vscode'],
      plugins: [lazyParts],
    },
    { ...node, entryPoints: [LAZY_PARTS['./engineBundle'].entry], outfile: path.join(outdir, 'engine.js'), plugins: TRIMS.engine },
    {
      ...node,
      entryPoints: [LAZY_PARTS['./sandboxBundle'].entry],
      outfile: path.join(outdir, 'sandbox.js'),
      plugins: TRIMS.sandbox,
      // amqplib's replacement requires the engine at run time, next to sandbox.js.
      external: ['./engine.js'],
    },
  ];
}

function targets() {
  return [
    {
      ...common,
      entryPoints: ['src/cli/main.ts'],
      outfile: 'dist/cli.js',
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      banner: { js: '#!/usr/bin/env node' },
      plugins: [openTelemetryEsm],
    },
    ...extensionTargets(),
    {
      ...common,
      entryPoints: ['webview-ui/main.ts'],
      outfile: 'dist/webview/report.js',
      platform: 'browser',
      format: 'iife',
      target: 'es2022',
    },
    // The in-VS-Code test suite (loaded by the extension host through extensionTestsPath).
    fs.existsSync('test/e2e/inHost/suite.ts') && {
      ...common,
      entryPoints: ['test/e2e/inHost/suite.ts'],
      outfile: 'out/e2e/inHostSuite.js',
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      external: ['vscode'],
    },
  ].filter(Boolean);
}

async function main() {
  const all = targets();
  if (watch) {
    for (const t of all) await (await esbuild.context(t)).watch();
    return;
  }
  // A production build starts from an empty dist/: no development source map (or bundle of an older
  // layout) is left beside the production files.
  if (production) fs.rmSync('dist', { recursive: true, force: true });
  await Promise.all(all.map((t) => esbuild.build(t)));
  fs.chmodSync('dist/cli.js', 0o755);
}

module.exports = { extensionTargets, LAZY_PARTS };

if (require.main === module) {
  main().catch((e) => {
    console.error(e.message);
    process.exit(1);
  });
}
