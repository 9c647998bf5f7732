// ESLint for the whole repository: typescript-eslint's recommended rules, and the house's layering
// rules (DESIGN.md, "Architecture") as import restrictions per folder. test/unit/layering.test.ts
// proves each layering rule still fires, so keep the two in step.
//
// The layering rules match import *specifiers* (gitignore-style patterns or regular expressions on the
// string after `from`), so they recognise a layer by its folder name anywhere in a relative path:
// `../sandbox/x` and `../../sandbox` are the sandbox wherever they are written from. They see static
// `import` and `export … from`, not `require()` or `import()`.
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const escapeRegex = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** A specifier into the folder `layer` (any relative depth), except the listed modules of it. */
const layerExcept = (layer, allowed) => `(^|/)${escapeRegex(layer)}(/(?!(${allowed.map(escapeRegex).join('|')})(\\.ts)?$)|$)`;

// ---- The layers -------------------------------------------------------------------------------------

const VSCODE = {
  name: 'vscode',
  message:
    'Only src/extension talks to VS Code: the engine, the sandbox, the CLI and the report page run without it (DESIGN.md, "Architecture").',
};

const ENGINE_KEEPS_OUT = [
  {
    group: ['**/sandbox', '**/sandbox/**'],
    message: 'The engine (src/probe) never depends on the sandbox: the sandbox simulates what the engine probes, not the other way round.',
  },
  {
    group: ['**/cli', '**/cli/**', '**/extension', '**/extension/**'],
    message: 'The engine (src/probe) never imports a shell (src/cli, src/extension): the shells are thin layers over the engine.',
  },
];

const SHELLS_KEEP_OUT = (other) => ({
  group: [`**/${other}`, `**/${other}/**`],
  message:
    'src/cli and src/extension are two thin shells over the same engine; they never import each other. Move shared code into the engine (src/probe).',
});

// The engine modules the sandbox may import values from: pure parsers of the shared grammars, so the
// simulated cluster reads a selector exactly as the real probe writes it. Everything else from the
// engine is imported as `import type`.
const ENGINE_PARSERS_FOR_SANDBOX = ['labelSelector'];

const SANDBOX_KEEPS_OUT = [
  {
    regex: layerExcept('probe', ENGINE_PARSERS_FOR_SANDBOX),
    allowTypeImports: true,
    message: `The sandbox imports only the engine's types (\`import type\`) and its parsers (${ENGINE_PARSERS_FOR_SANDBOX.join(', ')}): it simulates the world the engine probes, so engine values (defaults, options, monitors) must not leak into the simulation. Build probe options in the shells.`,
  },
  {
    group: ['**/cli', '**/cli/**', '**/extension', '**/extension/**'],
    message: 'The sandbox never imports a shell (src/cli, src/extension): both shells start it.',
  },
];

// The report page (webview-ui) runs in a browser: relative imports of its own files, the shared modules
// below, and the browser packages listed here; nothing else.
const BROWSER_PACKAGES = ['@vscode/webview-ui-toolkit'];
const NODE_BUILTINS = builtinModules.filter((m) => !m.startsWith('_') && !m.includes('/'));

// Shared with the page (values allowed): the host↔page protocol, the pod colouring the tree and the
// page both use, and the engine's pure formatting, so every output prints times the same way.
const SHARED_WITH_PAGE = {
  extension: ['report/protocol', 'tree/podVisualState'],
  extensionTypesOnly: ['runRecord'],
  probe: ['report/format'],
};

const BROWSER_KEEPS_OUT = [
  {
    regex: `^(node:|(${NODE_BUILTINS.map(escapeRegex).join('|')})(/|$))`,
    message: 'The report page runs in a browser (a VS Code webview): no Node built-ins. Compute it on the host and send it in the report.',
  },
  {
    // Any bare specifier but the browser packages (built-ins and vscode have their own messages).
    regex: `^(?!\\.{1,2}/|node:|(${[...BROWSER_PACKAGES, ...NODE_BUILTINS, 'vscode'].map(escapeRegex).join('|')})(/|$))`,
    message: `The report page runs in a browser: it imports only its own files, the shared modules and browser packages (${BROWSER_PACKAGES.join(', ')}). A new browser-safe package goes into BROWSER_PACKAGES in eslint.config.mjs; Node-only packages (client-node, undici, amqplib, node-forge, vscode…) never.`,
  },
];

const PAGE_KEEPS_OUT = [
  ...BROWSER_KEEPS_OUT,
  {
    regex: layerExcept('src/extension', [...SHARED_WITH_PAGE.extension, ...SHARED_WITH_PAGE.extensionTypesOnly]),
    message: `From src/extension the report page imports only the shared protocol and view-model modules (${SHARED_WITH_PAGE.extension.join(', ')}): it talks to the host through the message protocol, never through host code.`,
  },
  {
    regex: `(^|/)src/extension/(${SHARED_WITH_PAGE.extensionTypesOnly.map(escapeRegex).join('|')})(\\.ts)?$`,
    allowTypeImports: true,
    message: 'The report page imports the run record only as a type (`import type`).',
  },
  {
    regex: layerExcept('src/probe', SHARED_WITH_PAGE.probe),
    allowTypeImports: true,
    message: `The report page renders the report object it is sent: from the engine it imports only types (\`import type\`) and the shared formatting (${SHARED_WITH_PAGE.probe.join(', ')}).`,
  },
  {
    group: ['**/src/sandbox/**', '**/src/cli/**'],
    message: 'The report page never imports the sandbox or the CLI.',
  },
];

// Modules of src/ that the page bundles (directly or through the shared modules): they obey their own
// layer's rules *and* the browser's. webview-ui/tsconfig.json type-checks them without Node types too.
const BROWSER_SAFE_SOURCES = [
  'src/extension/report/protocol.ts',
  'src/extension/tree/podVisualState.ts',
  'src/extension/runRecord.ts',
  'src/probe/model.ts',
  'src/probe/podState.ts',
  'src/probe/report/format.ts',
  'src/probe/text.ts',
];

const BUNDLED_IN_PAGE = BROWSER_KEEPS_OUT.map((p) => ({ ...p, message: `${p.message} (This module is bundled into the report page.)` }));

const restrict = ({ paths = [], patterns = [] }) => ({
  '@typescript-eslint/no-restricted-imports': ['error', { paths, patterns }],
});

const layers = [
  {
    name: 'layers/engine',
    files: ['src/probe/**/*.ts'],
    rules: restrict({ paths: [VSCODE], patterns: ENGINE_KEEPS_OUT }),
  },
  {
    name: 'layers/sandbox',
    files: ['src/sandbox/**/*.ts'],
    rules: restrict({ paths: [VSCODE], patterns: SANDBOX_KEEPS_OUT }),
  },
  {
    name: 'layers/cli',
    files: ['src/cli/**/*.ts'],
    rules: restrict({ paths: [VSCODE], patterns: [SHELLS_KEEP_OUT('extension')] }),
  },
  {
    name: 'layers/extension',
    files: ['src/extension/**/*.ts'],
    rules: restrict({ patterns: [SHELLS_KEEP_OUT('cli')] }),
  },
  {
    name: 'layers/engine-shared-with-page',
    files: BROWSER_SAFE_SOURCES.filter((f) => f.startsWith('src/probe/')),
    rules: restrict({ paths: [VSCODE], patterns: [...ENGINE_KEEPS_OUT, ...BUNDLED_IN_PAGE] }),
  },
  {
    name: 'layers/extension-shared-with-page',
    files: BROWSER_SAFE_SOURCES.filter((f) => f.startsWith('src/extension/')),
    rules: restrict({ paths: [VSCODE], patterns: [SHELLS_KEEP_OUT('cli'), ...BUNDLED_IN_PAGE] }),
  },
  {
    name: 'layers/webview',
    files: ['webview-ui/**/*.ts'],
    rules: restrict({ paths: [VSCODE], patterns: PAGE_KEEPS_OUT }),
  },
];

// ---- The configuration ------------------------------------------------------------------------------

export default defineConfig(
  {
    name: 'ignores',
    ignores: ['node_modules/', 'dist/', 'out/', '.test-tools/', 'test-results/'],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    name: 'house',
    languageOptions: { ecmaVersion: 2023, sourceType: 'module' },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // tsc's noUnusedLocals covers locals; this adds parameters and catch bindings, with `_` to opt out.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { args: 'after-used', argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true },
      ],
      // `catch {}` is the house's way to say "best effort, nothing to do"; other empty blocks are not.
      'no-empty': ['error', { allowEmptyCatch: true }],
      // A `let` declared early so a cleanup closure can see it, assigned once later, stays a `let`.
      'prefer-const': ['error', { destructuring: 'all', ignoreReadBeforeAssign: true }],
      // Stripping control characters from untrusted text (terminal output, logs) is deliberate here.
      'no-control-regex': 'off',
      eqeqeq: ['error', 'always', { null: 'ignore' }],
    },
  },
  {
    // A few type-aware rules, cheap enough to run everywhere: a dropped promise is a rejection nobody
    // sees and a timer or socket that outlives its run (DESIGN.md, "Cancellation"). Each .ts file is
    // checked against its nearest tsconfig (webview-ui/tsconfig.json for the page).
    name: 'typed',
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'it', 'describe', 'suite'] }] },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
    },
  },
  {
    name: 'node-scripts',
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { ...globals.node } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    name: 'node-modules',
    files: ['**/*.mjs'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    name: 'tests',
    files: ['test/**/*.ts'],
    rules: {
      // Tests poke at loosely typed JSON (API answers, parsed reports) and private state on purpose.
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  ...layers,
);
