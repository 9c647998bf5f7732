// The parts of the extension that activation does not need, loaded on first use. The shell
// (dist/extension.js: commands, tree, status bar, history, report panel host) is all VS Code evaluates
// at activation; the engine (dist/engine.js: probe runs, kubeconfig, client-node, undici, amqplib) loads
// on the first probe or the first command that reads the kubeconfig, the sandbox (dist/sandbox.js,
// with node-forge) when a sandbox run starts.
//
// The `require`s below name the TypeScript entries, so the sources run as they are (tests under tsx).
// esbuild.js turns them into `require('./engine.js')` / `require('./sandbox.js')`, kept external and
// resolved next to dist/extension.js. Elsewhere in the shell, import only types from the engine and
// the sandbox (`import type`): a value import would pull them back into the activation bundle, which
// test/build/bundleSplit.test.ts forbids.

export type EngineModule = typeof import('./engineBundle');
export type SandboxModule = typeof import('./sandboxBundle');

let engine: EngineModule | undefined;
let sandbox: SandboxModule | undefined;

/** The engine, loaded (synchronously, once) on first use. */
export function loadEngine(): EngineModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (engine ??= require('./engineBundle') as EngineModule);
}

/** The embedded sandbox, loaded (synchronously, once) on first use. */
export function loadSandbox(): SandboxModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (sandbox ??= require('./sandboxBundle') as SandboxModule);
}
