// The e2e tool install runs `npm i` from inside `npm test`. Unless the outer npm's exported configuration
// is removed first, the nested npm takes it as its own (code-server then sees the outer Node's version in
// npm_config_user_agent and refuses to install). The slow end-to-end guard is `npm run check:fresh-tools`.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const CLEAN = 'scripts/lib/clean-npm-env.sh';

function envSeenThrough(script: string, env: NodeJS.ProcessEnv): Map<string, string> {
  const out = spawnSync('bash', [script, 'env', '-0'], { env, encoding: 'utf8' });
  assert.equal(out.status, 0, out.stderr);
  return new Map(
    out.stdout
      .split('\0')
      .filter(Boolean)
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)] as [string, string]),
  );
}

describe('clean-npm-env.sh', () => {
  const outer: NodeJS.ProcessEnv = {
    PATH: '/work/x/node_modules/.bin:/usr/lib/node_modules/npm/node_modules/@npmcli/run-script/lib/node-gyp-bin:/opt/node24/bin:/usr/bin:/bin',
    HOME: '/root',
    CI: 'true',
    CONSUMER_PROBE_TOOLS_DIR: '/tmp/tools',
    npm_config_user_agent: 'npm/11.19.1 node/v20.20.2 linux x64 workspaces/false',
    npm_config_nodedir: '/usr',
    NPM_CONFIG_REGISTRY: 'http://example.invalid',
    npm_lifecycle_event: 'test',
    npm_package_name: 'consumer-probe',
    npm_execpath: '/usr/lib/node_modules/npm/bin/npm-cli.js',
    NODE: '/usr/bin/node',
    INIT_CWD: '/work/x',
  };

  test('removes every variable an outer npm run exports, and its PATH entries', () => {
    const seen = envSeenThrough(CLEAN, outer);
    const leaked = [...seen.keys()].filter((k) => /^npm_/i.test(k) || k === 'NODE' || k === 'INIT_CWD');
    assert.deepEqual(leaked, []);
    assert.equal(seen.get('PATH'), '/opt/node24/bin:/usr/bin:/bin');
  });

  test('keeps everything else, including what the install script itself is told', () => {
    const seen = envSeenThrough(CLEAN, outer);
    assert.equal(seen.get('HOME'), '/root');
    assert.equal(seen.get('CI'), 'true');
    assert.equal(seen.get('CONSUMER_PROBE_TOOLS_DIR'), '/tmp/tools');
  });

  test('the e2e tool installer runs itself through it before any npm command', () => {
    const script = readFileSync('scripts/ensure-vscode-e2e.sh', 'utf8');
    const reExec = script.indexOf('lib/clean-npm-env.sh');
    const firstNpm = script.search(/^\s*npm i /m);
    assert.ok(reExec > 0, 'ensure-vscode-e2e.sh does not re-run itself through clean-npm-env.sh');
    assert.ok(reExec < firstNpm, 'the npm environment is cleaned only after the first nested npm');
  });
});
