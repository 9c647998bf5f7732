// `run --backend-ca FILE`: a backend behind an internal CA is verified with that CA; a file that cannot
// be used is one line and exit 2 before anything is sent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateClusterCertificates } from '../../src/sandbox/kube/certs';
import { hostileServer } from '../helpers/hostileHttp';
import { runCli } from '../helpers/runCli';
import { makeTempDir } from '../helpers/tmp';

function assertOneLineError(stderr: string, pattern: RegExp) {
  const lines = stderr.trim().split('\n');
  assert.match(lines[0]!, pattern);
  assert.equal(lines.length, 1, `expected exactly one error line, got:\n${stderr}`);
  assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
}

test('a --backend-ca file that is missing or holds no certificate: exit 2, one line, nothing sent', async (t) => {
  const dir = makeTempDir(t);
  const server = await hostileServer(t, (_req, res) => res.writeHead(500).end());
  const missing = await runCli(t, ['run', '--backend', server.url, '--backend-ca', join(dir, 'nope.pem')]);
  assert.equal(missing.code, 2);
  assertOneLineError(missing.stderr, /^consumer-probe: cannot read --backend-ca .*nope\.pem: no such file$/);
  assert.equal(missing.stdout, '');

  writeFileSync(join(dir, 'key.pem'), '-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n');
  const notCa = await runCli(t, ['run', '--backend', server.url, '--backend-ca', join(dir, 'key.pem')]);
  assert.equal(notCa.code, 2);
  assertOneLineError(notCa.stderr, /^consumer-probe: --backend-ca .*key\.pem holds no PEM certificate/);

  writeFileSync(join(dir, 'broken.pem'), '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n');
  const broken = await runCli(t, ['run', '--backend', server.url, '--backend-ca', join(dir, 'broken.pem')]);
  assert.equal(broken.code, 2);
  assertOneLineError(broken.stderr, /^consumer-probe: --backend-ca .*broken\.pem is not a valid PEM certificate/);
  assert.equal(server.tcpConnections(), 0, 'the backend never heard from the probe');
});

test('an HTTPS backend behind an internal CA: configure fails on TLS without --backend-ca and gets its job id with it', async (t) => {
  const dir = makeTempDir(t);
  const certs = await generateClusterCertificates();
  writeFileSync(join(dir, 'ca.pem'), certs.caPem);
  const server = await hostileServer(
    t,
    (req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(req.url === '/configure' ? '{"job_id":"19-5"}' : '{}'),
    certs,
  );
  const run = async (...flags: string[]) => {
    const json = join(dir, `report-${flags.length}.json`);
    const r = await runCli(t, ['run', '--backend', server.url, '--timeout', '3', '--no-logs', '--json', json, ...flags]);
    assert.ok(r.code === 0 || r.code === 1, r.stderr);
    return JSON.parse(readFileSync(json, 'utf8')) as { jobId: string | null; scenario: { id: string; evidence: string[] } };
  };
  const untrusted = await run();
  assert.equal(untrusted.jobId, null);
  assert.equal(untrusted.scenario.id, 'configure_failed');
  assert.match(untrusted.scenario.evidence.join('\n'), /certificate/);
  const trusted = await run('--backend-ca', join(dir, 'ca.pem'));
  assert.equal(trusted.jobId, '19-5');
});
