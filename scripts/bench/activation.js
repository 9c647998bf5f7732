// How heavy activation is: the size of the production activation entry (dist/extension.js) and of the
// parts it loads later, and the time Node takes to `require` the entry, median of N fresh processes,
// with a stub `vscode` module. Side by side with the single bundle of a commit before the split.
//
//   npm run bench -- activation [--runs=N] [--baseline=REF|--baseline=none]
//
// Builds into a temporary folder (never touches dist/): the current tree with esbuild.js's production
// settings, and REF's src/ the way esbuild.js built it then (one bundle of src/extension/main.ts).
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const esbuild = require('esbuild');
const { extensionTargets } = require('../../esbuild');

const ROOT = path.resolve(__dirname, '../..');
/** The last commit whose extension was one bundle. */
const SINGLE_BUNDLE_COMMIT = '4eeb186';
const PRODUCTION = { minify: true, sourcemap: false, logLevel: 'error' };

/** Run in a fresh process: hooks the resolution of 'vscode' to a stub, then times the require of the entry. */
const CHILD = `
const Module = require('node:module');
const stub = require('node:path').join(require('node:os').tmpdir(), 'consumer-probe-vscode-stub-' + process.pid + '.js');
require('node:fs').writeFileSync(stub, 'const any = () => new Proxy(function () {}, { get: (t, k) => (k === "then" ? undefined : any()), construct: () => any(), apply: () => any() });\\nmodule.exports = any();\\n');
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) { return request === 'vscode' ? stub : resolve.call(this, request, ...rest); };
const entry = process.argv[1];
const t0 = process.hrtime.bigint();
const m = require(entry);
const ms = Number(process.hrtime.bigint() - t0) / 1e6;
require('node:fs').rmSync(stub);
if (typeof m.activate !== 'function') throw new Error(entry + ' exports no activate()');
const loaded = Object.keys(require.cache).filter((f) => f !== stub && f.startsWith(require('node:path').dirname(entry)));
process.stdout.write(JSON.stringify({ ms, loaded: loaded.map((f) => require('node:path').basename(f)) }));
`;

function requireOnce(entry) {
  const r = spawnSync(process.execPath, ['-e', CHILD, entry], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`requiring ${entry} failed:\n${r.stderr}`);
  return JSON.parse(r.stdout);
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const kb = (bytes) => `${(bytes / 1024).toFixed(0)} KB`;

async function buildCurrent(dir) {
  await Promise.all(extensionTargets(PRODUCTION, dir).map((t) => esbuild.build(t)));
  return path.join(dir, 'extension.js');
}

/** REF's src/ built as esbuild.js built the extension before the split. */
async function buildSingleBundle(ref, dir) {
  const src = path.join(dir, 'tree');
  fs.mkdirSync(src, { recursive: true });
  const archive = execFileSync('git', ['archive', ref, 'src'], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
  execFileSync('tar', ['-x', '-C', src], { input: archive });
  const outfile = path.join(dir, 'single', 'extension.js');
  await esbuild.build({
    ...PRODUCTION,
    bundle: true,
    legalComments: 'none',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    entryPoints: [path.join(src, 'src/extension/main.ts')],
    outfile,
    external: ['vscode'],
    nodePaths: [path.join(ROOT, 'node_modules')],
  });
  return outfile;
}

function refExists(ref) {
  return spawnSync('git', ['cat-file', '-e', `${ref}^{commit}`], { cwd: ROOT }).status === 0;
}

async function run(options) {
  const opt = (name, fallback) => options.find((o) => o.startsWith(`--${name}=`))?.split('=')[1] ?? fallback;
  const runs = Number(opt('runs', '15'));
  const baseline = opt('baseline', SINGLE_BUNDLE_COMMIT);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'consumer-probe-bench-'));
  try {
    const variants = [{ name: 'split (this tree)', entry: await buildCurrent(path.join(dir, 'split')) }];
    if (baseline !== 'none') {
      if (refExists(baseline)) variants.push({ name: `single bundle (${baseline})`, entry: await buildSingleBundle(baseline, dir) });
      else console.log(`(no baseline: commit ${baseline} is not in this repository)`);
    }
    console.log(
      `Node ${process.version}, ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown CPU'}), ${runs} fresh processes per variant, interleaved\n`,
    );
    const times = variants.map(() => []);
    const loaded = variants.map(() => new Set());
    for (let i = 0; i < runs; i++) {
      variants.forEach((v, j) => {
        const r = requireOnce(v.entry);
        times[j].push(r.ms);
        r.loaded.forEach((f) => loaded[j].add(f));
      });
    }
    variants.forEach((v, j) => {
      const files = fs.readdirSync(path.dirname(v.entry)).filter((f) => f.endsWith('.js'));
      const sizes = files.map((f) => `${f} ${kb(fs.statSync(path.join(path.dirname(v.entry), f)).size)}`).join(', ');
      const t = times[j];
      console.log(`${v.name}`);
      console.log(`  bundles:        ${sizes}`);
      console.log(
        `  require entry:  median ${median(t).toFixed(1)} ms (min ${Math.min(...t).toFixed(1)}, max ${Math.max(...t).toFixed(1)})`,
      );
      console.log(`  loaded by it:   ${[...loaded[j]].sort().join(', ')}`);
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

module.exports = {
  name: 'activation',
  description: 'size of the activation entry and the median time to require it (fresh Node processes)',
  run,
};
