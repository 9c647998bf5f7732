// The extension's bundle split (esbuild.js, src/extension/lazy.ts): activation evaluates only the shell;
// the engine (client-node, undici, amqplib) and the sandbox (node-forge) are separate bundles loaded on
// first use. Built here with the production settings into a temporary folder (dist/ is not touched),
// then checked from esbuild's metafile, by requiring the shell with a stub `vscode`, and by running a
// sandbox probe on the trimmed production parts.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import type { BuildOptions, Metafile } from 'esbuild';
import * as esbuild from 'esbuild';
import type { EngineModule, SandboxModule } from '../../src/extension/lazy';
import type { RunTarget } from '../../src/extension/runRecord';
import { ProbeError, userMessage } from '../../src/probe/errors';
import { probeOptions } from '../../src/probe/options';

// esbuild.js is the build script (CommonJS, no types): its extension targets are what `npm run build`
// and `npm run package` build.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { extensionTargets } = require('../../esbuild.js') as { extensionTargets(options: BuildOptions, outdir: string): BuildOptions[] };

const ENTRY_LIMIT_BYTES = 300 * 1024;
const HEAVY_PACKAGES = ['@kubernetes/client-node', 'undici', 'node-forge', 'amqplib'];

interface Bundle {
  file: string;
  bytes: number;
  inputs: string[];
  imports: Metafile['outputs'][string]['imports'];
}

const usesPackage = (b: Bundle, pkg: string) => b.inputs.some((i) => i.includes(`node_modules/${pkg}/`));

describe('the extension bundles (production build)', () => {
  let dir = '';
  const bundles = new Map<string, Bundle>();
  after(() => rmSync(dir, { recursive: true, force: true }));
  const bundle = (name: string): Bundle => {
    const b = bundles.get(name);
    assert.ok(b, `${name} was built (built: ${[...bundles.keys()].join(', ')})`);
    return b;
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'consumer-probe-bundles-'));
    for (const target of extensionTargets({ minify: true, sourcemap: false, metafile: true, logLevel: 'error' }, dir)) {
      const result = await esbuild.build(target);
      for (const [file, out] of Object.entries(result.metafile!.outputs)) {
        bundles.set(basename(file), {
          file: join(process.cwd(), file),
          bytes: out.bytes,
          inputs: Object.keys(out.inputs),
          imports: out.imports,
        });
      }
    }
  });

  test('the activation entry has none of client-node, undici, node-forge or amqplib, nor the engine or the sandbox', () => {
    const shell = bundle('extension.js');
    for (const pkg of HEAVY_PACKAGES) assert.ok(!usesPackage(shell, pkg), `dist/extension.js bundles ${pkg}`);
    const engineOrSandbox = shell.inputs.filter(
      (i) => i.includes('src/sandbox/') || /src\/probe\/(runProbe|kube\/|backend\/|broker\/|logs\/)/.test(i),
    );
    assert.deepEqual(engineOrSandbox, [], 'the shell bundles engine or sandbox modules');
  });

  test('the activation entry stays under 300 KB', () => {
    const { bytes } = bundle('extension.js');
    assert.ok(bytes <= ENTRY_LIMIT_BYTES, `dist/extension.js is ${(bytes / 1024).toFixed(0)} KB (limit ${ENTRY_LIMIT_BYTES / 1024} KB)`);
  });

  test('the shell loads the engine and the sandbox by requiring their bundles, kept external', () => {
    const relativeRequires = bundle('extension.js').imports.filter((i) => i.external && i.path.startsWith('.'));
    assert.deepEqual(relativeRequires.map((i) => `${i.kind} ${i.path}`).sort(), ['require-call ./engine.js', 'require-call ./sandbox.js']);
  });

  test("the engine has client-node, undici and amqplib; only the sandbox has node-forge, and it shares the engine's amqplib", () => {
    const engine = bundle('engine.js');
    const sandbox = bundle('sandbox.js');
    for (const pkg of ['@kubernetes/client-node', 'undici', 'amqplib']) assert.ok(usesPackage(engine, pkg), `the engine lacks ${pkg}`);
    assert.ok(usesPackage(sandbox, 'node-forge'), 'the sandbox lacks node-forge');
    const withForge = [...bundles.values()].filter((b) => usesPackage(b, 'node-forge')).map((b) => basename(b.file));
    assert.deepEqual(withForge, ['sandbox.js']);
    assert.ok(!usesPackage(sandbox, 'amqplib'), 'the sandbox bundles a second amqplib');
    assert.ok(!engine.inputs.some((i) => i.includes('src/sandbox/')), 'the engine bundles sandbox modules');
  });

  test('the .vsix ships every bundle of the extension', () => {
    const shipped = readFileSync('.vscodeignore', 'utf8')
      .split('\n')
      .map((l) => l.trim());
    for (const name of bundles.keys()) assert.ok(shipped.includes(`!dist/${name}`), `.vscodeignore does not ship dist/${name}`);
  });

  test('requiring the shell (as activation does) loads neither the engine nor the sandbox', () => {
    const child = `
      const Module = require('node:module');
      const resolve = Module._resolveFilename;
      Module._resolveFilename = function (request, ...rest) { return request === 'vscode' ? 'vscode-stub' : resolve.call(this, request, ...rest); };
      const any = () => new Proxy(function () {}, { get: (t, k) => (k === 'then' ? undefined : any()), construct: () => any(), apply: () => any() });
      require.cache['vscode-stub'] = { id: 'vscode-stub', filename: 'vscode-stub', loaded: true, exports: any() };
      const m = require(process.argv[1]);
      if (typeof m.activate !== 'function') throw new Error('no activate()');
      console.log(JSON.stringify(Object.keys(require.cache).filter((f) => f.startsWith(process.argv[2]))));
    `;
    const r = spawnSync(process.execPath, ['-e', child, bundle('extension.js').file, dir], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(
      (JSON.parse(r.stdout) as string[]).map((f) => relative(dir, f)),
      ['extension.js'],
    );
  });

  test('the production engine and sandbox run a sandbox probe to its report', async (t) => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Sandbox, probeOverridesForProfile, profileByName } = require(bundle('sandbox.js').file) as SandboxModule;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const engine = require(bundle('engine.js').file) as EngineModule;
    const sandbox = await Sandbox.start({ podLabels: {}, timeScale: 1 });
    t.after(() => sandbox.stop());
    const profile = profileByName('healthy')!;
    const target: RunTarget = {
      kind: 'sandbox',
      backendUrl: sandbox.backendUrlFor(profile.name),
      kubeconfig: sandbox.kubeconfigFor(profile.name),
      namespace: sandbox.namespace,
      scenario: profile.name,
    };
    const session = new engine.ProbeSession(probeOptions(probeOverridesForProfile(sandbox, profile)), target, {
      onUpdate: () => {},
      log: () => {},
    });
    const final = await session.done;
    assert.equal(final.status, 'done', final.error);
    assert.equal(final.report?.scenario.id, 'healthy');
    assert.ok(
      final.report.pods.some((p) => p.role === 'primary'),
      'the job pod was watched through the kubeconfig (client-node, TLS)',
    );

    const namespaces = await engine.namespaceChoices({ kubeconfig: target.kubeconfig!, context: '', namespace: '' });
    assert.ok(namespaces.names.includes(sandbox.namespace), `namespaces listed: ${namespaces.names.join(', ')} ${namespaces.why}`);
  });

  test("the engine's ProbeError is a ProbeError to the shell's copy of the class", async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const engine = require(bundle('engine.js').file) as EngineModule;
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(
      kubeconfig,
      'apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "https://127.0.0.1:9"}}]\n' +
        'users: [{name: u, user: {}}]\ncontexts: [{name: a, context: {cluster: c, user: u}}]\ncurrent-context: a\n',
    );
    // An unknown context: a BAD_ARGUMENT ProbeError, thrown by the engine bundle's copy of the class.
    const thrown = await engine.namespaceChoices({ kubeconfig, context: 'missing', namespace: '' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(ProbeError.is(thrown, 'BAD_ARGUMENT'), `not recognised as a ProbeError: ${String(thrown)}`);
    assert.equal(userMessage(thrown), 'context "missing" is not in the kubeconfig (contexts: a)');
  });
});
