// What the outputs say about what could not be seen: pods that could not be observed are not "no pod
// was seen", logs that were never read are not "could not read all of it", and an empty excerpt says
// what it means instead of "No line worth keeping.".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildReport } from '../../src/probe/buildReport';
import type { Report } from '../../src/probe/model';
import { DEFAULT_MATCH_RULES } from '../../src/probe/options';
import { renderMarkdown } from '../../src/probe/report/markdown';
import { renderTextReport } from '../../src/probe/report/text';
import { reportView } from '../../webview-ui/viewModel';
import { TimelineBuilder, podReadyTimeline } from '../fixtures/timelines';

const ctx = { timeoutMs: 5000, slowThresholdMs: 4000, namespace: 'panda' };
const FORBIDDEN = '403 Forbidden from /api/v1/namespaces/panda/pods: pods is forbidden';
const view = (report: Report) => reportView({ status: 'done', report, runId: 'r1', trend: [] } as Parameters<typeof reportView>[0]);

function forbiddenRun(): Report {
  const b = new TimelineBuilder('6-2').unavailable(-5, FORBIDDEN).metadata(160, 4900, 404).end(5000, 'timeout');
  return buildReport(b.observations, DEFAULT_MATCH_RULES, ctx);
}

test('pods that could not be observed are said to be so, with why, in every output', () => {
  const report = forbiddenRun();
  const expected = `The pods could not be observed: ${FORBIDDEN}`;
  assert.match(renderTextReport(report), /The pods could not be observed: 403 Forbidden/);
  assert.doesNotMatch(renderTextReport(report), /No pod of the job was seen/);
  assert.match(renderMarkdown(report), /The pods could not be observed: 403 Forbidden/);
  assert.equal(view(report).noPods, expected);
  // A healthy run without a kubeconfig, too.
  const healthy = buildReport(
    new TimelineBuilder('1-2').unavailable(-5, 'no kubeconfig found', 'NO_KUBECONFIG').metadata(200, 900, 404).metadata(1000, 1000, 200)
      .observations,
    DEFAULT_MATCH_RULES,
    ctx,
  );
  assert.equal(view(healthy).noPods, 'The pods could not be observed: no kubeconfig found');
  // Watched, and no pod: that is what is said.
  const watched = buildReport(
    new TimelineBuilder('5-4').watching().metadata(160, 4900, 404).end(5000, 'timeout').observations,
    DEFAULT_MATCH_RULES,
    ctx,
  );
  assert.equal(view(watched).noPods, 'No pod of the job was seen.');
});

test('logs never read say "not read", logs partly read "could not read all of it"; an empty excerpt says what it means', () => {
  const b = podReadyTimeline('4-2').metadata(160, 4900, 404).end(5000, 'timeout');
  const noBackendPod = 'no running pod in namespace panda matches name^=panda-panda-focus-server';
  b.observations.push({
    kind: 'log.access',
    atMs: 0,
    source: 'backend',
    access: { state: 'unavailable', target: 'name^=panda-panda-focus-server', reason: noBackendPod },
  });
  b.observations.push({ kind: 'log.access', atMs: 500, source: 'pod', access: { state: 'following', target: 'pod/x', pods: ['x'] } });
  const report = buildReport(b.observations, DEFAULT_MATCH_RULES, ctx);
  const text = renderTextReport(report);
  assert.ok(text.includes(`  not read: ${noBackendPod}`), text);
  assert.doesNotMatch(text, /could not read all of it/);
  assert.doesNotMatch(text, /nothing about the job, no errors or warnings since t0/, 'nothing is said of lines never read');
  const [backend, pod] = view(report).logs;
  assert.equal(backend!.note, `not read: ${noBackendPod}`);
  assert.equal(backend!.empty, null);
  assert.equal(pod!.empty, 'No startup lines, errors or lines naming the job were read.');
  assert.ok(!JSON.stringify(view(report)).includes('No line worth keeping'));
});
