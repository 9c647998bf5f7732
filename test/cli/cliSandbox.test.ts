// The CLI end to end, as a user runs it: `consumer-probe sandbox` in one process, `consumer-probe run`
// against it in others, one per scenario profile; each JSON report must match the contract.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { profileByName } from '../../src/sandbox/profiles';
import { assertReportContract } from '../helpers/reportContract';

const CLI = resolve(__dirname, '../../dist/cli.js');

function start(args: string[], env: NodeJS.ProcessEnv): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, [CLI, ...args], { env, stdio: 'pipe' });
}

function collect(child: ChildProcessWithoutNullStreams): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c) => (stdout += c));
  child.stderr.on('data', (c) => (stderr += c));
  return new Promise((res) => child.on('close', (code) => res({ code, stdout, stderr })));
}

/** Reads the sandbox's stdout until "Serving until Ctrl-C." and returns the run command per profile. */
function sandboxCommands(child: ChildProcessWithoutNullStreams): Promise<Map<string, string[]>> {
  return new Promise((resolvePromise, reject) => {
    let out = '';
    child.on('exit', (code) => reject(new Error(`sandbox exited early (${code}): ${out}`)));
    child.stdout.on('data', (chunk) => {
      out += chunk;
      if (!out.includes('Serving until Ctrl-C.')) return;
      const commands = new Map<string, string[]>();
      const lines = out.split('\n');
      lines.forEach((line, i) => {
        const m = /^ {2}(\S+)\s/.exec(line);
        const next = lines[i + 1]?.trim();
        if (m && next?.startsWith('consumer-probe run ')) commands.set(m[1]!, next.split(/\s+/).slice(1)); // drop the program name, keep `run …`
      });
      assert.match(out, /^backend URL: http:\/\/127\.0\.0\.1:\d+$/m);
      assert.match(out, /^kubeconfig: \/.*$/m);
      resolvePromise(commands);
    });
  });
}

test('consumer-probe run against consumer-probe sandbox: a contract JSON report per profile', async (t) => {
  const home = mkdtempSync(join(tmpdir(), 'cp-cli-sbx-'));
  t.after(() => rmSync(home, { recursive: true, force: true }));
  const { KUBECONFIG: _unused, ...base } = process.env;
  const env = { ...base, HOME: home };

  const sandbox = start(['sandbox', '--port', '0'], env);
  const sandboxDone = collect(sandbox);
  t.after(() => sandbox.kill('SIGKILL'));
  const commands = await sandboxCommands(sandbox);
  assert.ok(commands.size >= 9, `one command per profile, got ${[...commands.keys()].join(', ')}`);

  const entries = [...commands.entries()];
  // Two at a time: the machine has two cores and the runs measure milliseconds.
  for (let i = 0; i < entries.length; i += 2) {
    await Promise.all(
      entries.slice(i, i + 2).map(async ([profile, args]) => {
        const jsonPath = join(home, `${profile}.json`);
        const run = await collect(start([...args, '--json', jsonPath, '--quiet'], env));
        assert.ok(existsSync(jsonPath), `${profile}: no report written (exit ${run.code}): ${run.stderr}`);
        const report = JSON.parse(readFileSync(jsonPath, 'utf8'));
        assertReportContract(report);
        const scenario = profileByName(profile)?.expectedScenario ?? profile;
        assert.equal(report.scenario.id, scenario, `${profile}: ${report.scenario.summary}`);
        assert.equal(run.code, scenario === 'healthy' ? 0 : 1, `${profile} exit status; stderr: ${run.stderr}`);
        assert.match(run.stdout, new RegExp(`^${scenario}: `), '--quiet prints the one-line verdict');
      }),
    );
  }

  sandbox.kill('SIGINT');
  const done = await sandboxDone;
  assert.equal(done.code, 0, done.stderr);
  assert.match(done.stdout, /sandbox stopped/);
});
