// Secrets never leave the probe: the backend token, the kubeconfig's bearer token and the broker
// passwords (management API and AMQP) must not appear in the live log or in any rendered report.
// With a real broker, test/integration/rabbitmq.test.ts checks the same with credentials it accepts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startProbe } from '../../src/probe/runProbe';
import { createLiveTextLog } from '../../src/probe/report/liveText';
import { renderJson } from '../../src/probe/report/json';
import { renderMarkdown } from '../../src/probe/report/markdown';
import { renderJUnit } from '../../src/probe/report/junit';
import { renderTextReport } from '../../src/probe/report/text';
import { profileByName } from '../../src/sandbox/profiles';
import { Sandbox } from '../../src/sandbox/sandbox';
import { probeOptionsForProfile } from '../helpers/sandboxOptions';

const BACKEND_TOKEN = 'backend-s3cret-5f1a9c';

async function probe(sandbox: Sandbox, token: string | undefined, profile = 'healthy') {
  const options = probeOptionsForProfile(sandbox, profileByName(profile)!);
  options.backend.token = token;
  options.broker.password = 'guest';
  const lines: string[] = [];
  const report = await startProbe(options, { onObservation: createLiveTextLog((l) => lines.push(l), { match: options.match }) }).report;
  const everything = [lines.join('\n'), renderJson(report), renderMarkdown(report), renderJUnit(report), renderTextReport(report)].join(
    '\n',
  );
  return { report, everything };
}

test('the backend token is sent but never shown; the kubeconfig token is never shown', async (t) => {
  const sandbox = await Sandbox.start({ backendToken: BACKEND_TOKEN });
  t.after(() => sandbox.stop());
  const kubeToken =
    /token: "?([^"\s]+)"?/.exec(readFileSync(sandbox.kubeconfigPath, 'utf8'))?.[1] ??
    JSON.parse(readFileSync(sandbox.kubeconfigPath, 'utf8')).users[0].user.token;
  assert.ok(kubeToken && kubeToken.length > 8, 'found the kubeconfig token');

  const { report, everything } = await probe(sandbox, BACKEND_TOKEN);
  assert.equal(report.scenario.id, 'healthy', 'the token was sent: the backend accepted the run');
  assert.ok(!everything.includes(BACKEND_TOKEN), 'backend token leaked');
  assert.ok(!everything.includes(kubeToken), 'kubeconfig token leaked');
  assert.ok(!everything.includes('guest:guest') && !everything.includes('Z3Vlc3Q6Z3Vlc3Q='), 'broker credentials leaked');
});

test('without the token the backend answers 401 and the report says what to do', async (t) => {
  const sandbox = await Sandbox.start({ backendToken: BACKEND_TOKEN });
  t.after(() => sandbox.stop());
  const { report } = await probe(sandbox, undefined);
  assert.equal(report.scenario.id, 'configure_failed');
  assert.match(report.scenario.evidence[0]!, /HTTP 401: Not authenticated/);
  assert.match(report.scenario.suggestions.join(' '), /token/);
});

test('a wrong token is 401 too, and the wrong token is not echoed', async (t) => {
  const sandbox = await Sandbox.start({ backendToken: BACKEND_TOKEN });
  t.after(() => sandbox.stop());
  const wrong = 'wrong-token-77aa';
  const { report, everything } = await probe(sandbox, wrong);
  assert.equal(report.scenario.id, 'configure_failed');
  assert.ok(!everything.includes(wrong));
});

test('broker credentials that are refused or cannot be tried are never echoed', async (t) => {
  const sandbox = await Sandbox.start();
  t.after(() => sandbox.stop());
  const options = probeOptionsForProfile(sandbox, profileByName('healthy')!);
  const managementPassword = 'mgmt-s3cret-77c1';
  const amqpPassword = 'amqp-s3cret-90d2';
  options.broker.username = 'probe-user';
  options.broker.password = managementPassword;
  // Nothing listens on port 1: the AMQP check fails to connect with the password in the URL.
  options.broker.amqpUrl = `amqp://probe-user:${amqpPassword}@127.0.0.1:1/`;
  const lines: string[] = [];
  const report = await startProbe(options, { onObservation: createLiveTextLog((l) => lines.push(l), { match: options.match }) }).report;
  const everything = [lines.join('\n'), renderJson(report), renderMarkdown(report), renderJUnit(report), renderTextReport(report)].join(
    '\n',
  );
  assert.equal(report.scenario.id, 'healthy', 'the broker is only a witness: the run itself is unaffected');
  for (const secret of [managementPassword, amqpPassword, Buffer.from(`probe-user:${managementPassword}`).toString('base64')]) {
    assert.ok(!everything.includes(secret), `${secret} leaked`);
  }
  assert.ok(
    report.scenario.evidence.some((e) =>
      /^management API unavailable: cannot read queues from http:\/\/127\.0\.0\.1:\d+: 401 Unauthorized: the management API refused the credentials$/.test(
        e,
      ),
    ),
    report.scenario.evidence.join('\n'),
  );
  assert.ok(
    report.scenario.evidence.some((e) =>
      /^AMQP check unavailable: cannot connect to amqp:\/\/127\.0\.0\.1:1: connect ECONNREFUSED 127\.0\.0\.1:1/.test(e),
    ),
    report.scenario.evidence.join('\n'),
  );
  assert.ok(
    lines.some((l) => /BROKER unavailable \(amqp\): cannot connect to amqp:\/\/127\.0\.0\.1:1/.test(l)),
    'the live log says it once',
  );
});
