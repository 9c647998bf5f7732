import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyse } from '../../src/probe/analysis';
import { diagnose } from '../../src/probe/diagnose';
import { SCENARIO_IDS, type Scenario, type ScenarioId } from '../../src/probe/model';
import { DEFAULT_MATCH_RULES } from '../../src/probe/options';
import { POD, TimelineBuilder, healthyTimeline, jobLabels, podReadyTimeline } from '../fixtures/timelines';

const ctx = { timeoutMs: 8000, slowThresholdMs: 4000, namespace: 'panda' };
const diagnoseOf = (b: TimelineBuilder): Scenario => diagnose(analyse(b.observations, DEFAULT_MATCH_RULES), ctx);
const GPU_MESSAGE = '0/3 nodes are available: 3 Insufficient nvidia.com/gpu.shared.';
const seen = new Set<ScenarioId>();
const expectScenario = (sc: Scenario, id: ScenarioId) => {
  assert.equal(sc.id, id, `${sc.id}: ${sc.summary}`);
  seen.add(id);
};

test('healthy: ready within the threshold', () => {
  const sc = diagnoseOf(healthyTimeline('19-5', 2300));
  expectScenario(sc, 'healthy');
  assert.equal(sc.severity, 'ok');
  assert.match(sc.summary, /2\.300s/);
});

test('slow_consumer: the pod was ready early, the backend took the time', () => {
  const sc = diagnoseOf(healthyTimeline('19-5', 5400));
  expectScenario(sc, 'slow_consumer');
  assert.equal(sc.severity, 'warning');
  assert.match(sc.summary, /4\.000s went to the backend/);
});

test('slow_pod_start: most of the time went into scheduling and starting the pod', () => {
  const pod = POD('3-9');
  const b = new TimelineBuilder('3-9')
    .watching()
    .job(200)
    .pod(300, pod, { scheduled: 'unschedulable' }, jobLabels('3-9'))
    .event(350, 'Warning', 'FailedScheduling', `Pod/${pod}`, GPU_MESSAGE)
    .pod(2800, pod, { scheduled: true, node: 'node-1' })
    .pod(4200, pod, { phase: 'Running', container: { state: 'running', reason: null } })
    .pod(4400, pod, { ready: true })
    .metadata(200, 4800, 404, 'Invalid job_id')
    .metadata(4900, 4900, 200);
  const sc = diagnoseOf(b);
  expectScenario(sc, 'slow_pod_start');
  assert.ok(
    sc.evidence.some((e) => e.includes(`FailedScheduling: ${GPU_MESSAGE}`)),
    sc.evidence.join('\n'),
  );
  assert.ok(
    sc.evidence.some((e) => e.includes('waited 2.500s to be scheduled')),
    sc.evidence.join('\n'),
  );
  assert.ok(sc.evidence.includes('pod conditions became True: PodScheduled 2.800s → Ready 4.400s'), sc.evidence.join('\n'));
});

test('consumer_never_ready: pod Running and Ready, metadata kept answering 404', () => {
  const sc = diagnoseOf(podReadyTimeline('4-2').queue(1600, 0).metadata(160, 7900, 404, 'Invalid job_id').end(8000, 'timeout'));
  expectScenario(sc, 'consumer_never_ready');
  assert.ok(
    sc.evidence.some((e) => /404 "Invalid job_id" \(78 attempts/.test(e)),
    sc.evidence.join('\n'),
  );
  assert.ok(sc.evidence.some((e) => e.includes('queue grpc-job-4-2 seen at 1.600s with 0 consumers')));
  assert.ok(sc.suggestions.some((s) => s.includes('4-2')));
});

test('pod_never_created: the Job exists, FailedCreate names the quota', () => {
  const quota = 'Error creating: pods "grpc-job-5-5-" is forbidden: exceeded quota: gpu-quota';
  const b = new TimelineBuilder('5-5')
    .watching()
    .job(200)
    .event(260, 'Warning', 'FailedCreate', 'Job/grpc-job-5-5', quota)
    .metadata(160, 7900, 404, 'Invalid job_id')
    .end(8000, 'timeout');
  const sc = diagnoseOf(b);
  expectScenario(sc, 'pod_never_created');
  assert.ok(sc.evidence.includes(`FailedCreate: ${quota}`), sc.evidence.join('\n'));
  assert.ok(sc.suggestions.some((s) => s.includes('kubectl -n panda describe job grpc-job-5-5')));
});

test('pod_never_created with a custom Job name (match.jobName): the FailedCreate evidence is kept and the suggestion names that Job', () => {
  const quota = 'Error creating: pods "analyzer-5-5-" is forbidden: exceeded quota: gpu-quota';
  const rules = {
    ...DEFAULT_MATCH_RULES,
    jobName: 'analyzer-{id}',
    primaryNames: ['analyzer-{id}-{suffix}'],
    primaryLabels: ['job-name=analyzer-{id}'],
  };
  const b = new TimelineBuilder('5-5')
    .watching()
    .job(200, 'analyzer-5-5')
    .event(260, 'Warning', 'FailedCreate', 'Job/analyzer-5-5', quota)
    .metadata(160, 7900, 404, 'Invalid job_id')
    .end(8000, 'timeout');
  const a = analyse(b.observations, rules);
  assert.equal(a.names?.job, 'analyzer-5-5');
  const sc = diagnose(a, ctx);
  expectScenario(sc, 'pod_never_created');
  assert.ok(sc.summary.includes('although the Job analyzer-5-5 exists'), sc.summary);
  assert.ok(sc.evidence.includes(`FailedCreate: ${quota}`), sc.evidence.join('\n'));
  assert.ok(
    sc.suggestions.some((s) => s.includes('kubectl -n panda describe job analyzer-5-5')),
    sc.suggestions.join('\n'),
  );
  assert.ok(![sc.summary, ...sc.evidence, ...sc.suggestions].some((t) => t.includes('grpc-job')), 'nothing names the default Job');
});

test('pod_never_created with a custom Job name that never appeared: the evidence names the expected Job', () => {
  const rules = { ...DEFAULT_MATCH_RULES, jobName: 'analyzer-{id}' };
  const sc = diagnose(
    analyse(new TimelineBuilder('5-5').watching().metadata(160, 7900, 404, 'Invalid job_id').end(8000, 'timeout').observations, rules),
    ctx,
  );
  expectScenario(sc, 'pod_never_created');
  assert.ok(sc.evidence.includes('no Job analyzer-5-5 appeared either'), sc.evidence.join('\n'));
});

test('consumer_never_ready with an unwatched broker names the queue the queue patterns predict', () => {
  const b = podReadyTimeline('4-2').metadata(160, 7900, 404, 'Invalid job_id').end(8000, 'timeout');
  const custom = diagnose(analyse(b.observations, DEFAULT_MATCH_RULES, { queueNames: ['jobs.{id}', 'jobs.{id}.{suffix}'] }), ctx);
  expectScenario(custom, 'consumer_never_ready');
  assert.ok(
    custom.suggestions.some((s) => s.includes('Check that the queue jobs.4-2 exists')),
    custom.suggestions.join('\n'),
  );
  const unknown = diagnose(analyse(b.observations, DEFAULT_MATCH_RULES), ctx);
  assert.ok(
    unknown.suggestions.some((s) => s.includes('Check that the queue of job 4-2 exists')),
    unknown.suggestions.join('\n'),
  );
});

test('pod_never_created needs the cluster to have been watched: otherwise cluster_unavailable', () => {
  const b = new TimelineBuilder('5-5')
    .unavailable(-5, '403 Forbidden from /api/v1/namespaces/panda/pods: pods is forbidden')
    .metadata(160, 7900, 404, 'Invalid job_id');
  const sc = diagnoseOf(b.end(8000, 'timeout'));
  expectScenario(sc, 'cluster_unavailable');
  assert.equal(sc.severity, 'inconclusive');
  assert.ok(sc.evidence.some((e) => e.includes('403 Forbidden')));
});

test('a run with no kubeconfig at all is cluster_unavailable, never pod_never_created', () => {
  const b = new TimelineBuilder('5-6').unavailable(-5, 'no kubeconfig found', 'NO_KUBECONFIG').metadata(160, 7900, 404);
  const sc = diagnoseOf(b.end(8000, 'timeout'));
  expectScenario(sc, 'cluster_unavailable');
  assert.equal(sc.cause, 'no_kubeconfig');
});

test('cluster_unavailable names why the cluster could not be observed as its cause', () => {
  const causes = (['UNAUTHORIZED', 'FORBIDDEN', 'UNREACHABLE', 'TLS_ERROR', 'AUTH_PLUGIN_FAILED'] as const).map((code) => {
    const b = new TimelineBuilder('5-7').unavailable(-5, `cannot watch: ${code}`, code).metadata(160, 7900, 404);
    return diagnoseOf(b.end(8000, 'timeout')).cause;
  });
  assert.deepEqual(causes, ['unauthorized', 'forbidden', 'unreachable', 'tls_error', 'auth_plugin_failed']);
});

test('pod_never_created: a namespace the API server does not know is namespace_not_found, not the Job', () => {
  const b = new TimelineBuilder('5-8').watching().namespace(-8, false).metadata(160, 7900, 404, 'Invalid job_id');
  const sc = diagnoseOf(b.end(8000, 'timeout'));
  expectScenario(sc, 'pod_never_created');
  assert.equal(sc.cause, 'namespace_not_found');
  assert.match(sc.summary, /namespace panda does not exist/);
  assert.ok(sc.evidence.includes('GET /api/v1/namespaces/panda → 404 namespaces "panda" not found'), sc.evidence.join('\n'));
  assert.ok(!sc.suggestions.some((x) => /describe job|create Jobs/.test(x)), 'the Job is not blamed');
  const exists = diagnoseOf(new TimelineBuilder('5-8').watching().namespace(-8, true).metadata(160, 7900, 404).end(8000, 'timeout'));
  assert.equal(exists.cause, 'job_not_created');
});

test('pod_pending: FailedScheduling for GPUs is the cause', () => {
  const pod = POD('8-1');
  const b = new TimelineBuilder('8-1')
    .watching()
    .job(200)
    .pod(300, pod, { scheduled: 'unschedulable' }, jobLabels('8-1'))
    .event(350, 'Warning', 'FailedScheduling', `Pod/${pod}`, GPU_MESSAGE)
    .event(2350, 'Warning', 'FailedScheduling', `Pod/${pod}`, GPU_MESSAGE, 2)
    .metadata(160, 7900, 404, 'Invalid job_id')
    .end(8000, 'timeout');
  const sc = diagnoseOf(b);
  expectScenario(sc, 'pod_pending');
  assert.ok(sc.evidence.includes(`FailedScheduling: ${GPU_MESSAGE} (seen 2×)`), sc.evidence.join('\n'));
  assert.match(sc.summary, /Unschedulable/);
  assert.ok(sc.suggestions.some((s) => /GPUs are exhausted/.test(s)));
});

test('pod_failed: CrashLoopBackOff with restarts and the last exit code', () => {
  const pod = POD('9-9');
  const b = podReadyTimeline('9-9')
    .pod(2300, pod, { ready: false, container: { state: 'terminated', reason: 'Error', exitCode: 1, restartCount: 3 } })
    .pod(2400, pod, {
      container: {
        state: 'waiting',
        reason: 'CrashLoopBackOff',
        exitCode: null,
        lastTerminated: { reason: 'Error', exitCode: 1, message: null },
      },
    })
    .metadata(160, 7900, 404, 'Invalid job_id')
    .end(8000, 'timeout');
  const sc = diagnoseOf(b);
  expectScenario(sc, 'pod_failed');
  assert.ok(sc.evidence.includes('CrashLoopBackOff after 3 restarts, last exit code 1 (Error)'), sc.evidence.join('\n'));
  assert.equal(sc.cause, 'crash_loop');
  assert.ok(sc.suggestions.some((s) => s.includes(`logs ${pod} -c baby-analyzer --previous`)));
});

test('pod_failed: ImagePullBackOff is a failure even though the phase stays Pending', () => {
  const pod = POD('2-2');
  const b = new TimelineBuilder('2-2')
    .watching()
    .pod(300, pod, { scheduled: true, node: 'n' }, jobLabels('2-2'))
    .pod(1300, pod, {
      container: { state: 'waiting', reason: 'ImagePullBackOff', message: 'Back-off pulling image "registry.local/baby-analyzer:2.3.1"' },
    })
    .event(900, 'Warning', 'Failed', `Pod/${pod}`, 'Failed to pull image "registry.local/baby-analyzer:2.3.1": not found')
    .metadata(160, 7900, 404)
    .end(8000, 'timeout');
  const sc = diagnoseOf(b);
  expectScenario(sc, 'pod_failed');
  assert.equal(sc.cause, 'image_not_found');
  // The kubelet's pull error decides, and comes first; the back-off message says nothing of why.
  assert.equal(sc.evidence[0], 'Failed: Failed to pull image "registry.local/baby-analyzer:2.3.1": not found', sc.evidence.join('\n'));
  assert.ok(sc.evidence.some((e) => e.endsWith('ImagePullBackOff: Back-off pulling image "registry.local/baby-analyzer:2.3.1"')));
});

test('pod_failed: OOMKilled container', () => {
  const pod = POD('6-6');
  const b = podReadyTimeline('6-6')
    .pod(2000, pod, { phase: 'Failed', ready: false, container: { state: 'terminated', reason: 'OOMKilled', exitCode: 137 } })
    .metadata(160, 7900, 404)
    .end(8000, 'timeout');
  const sc = diagnoseOf(b);
  expectScenario(sc, 'pod_failed');
  assert.equal(sc.cause, 'oom_killed');
  assert.equal(sc.evidence[0], 'container baby-analyzer terminated with exit code 137 (OOMKilled)');
});

test('configure_failed: the HTTP answer is the evidence', () => {
  const b = new TimelineBuilder(null, { configureStatus: 503, configureError: 'HTTP 503: All 30 job windows are busy' }).end(
    200,
    'configure_failed',
  );
  const sc = diagnoseOf(b);
  expectScenario(sc, 'configure_failed');
  assert.deepEqual(sc.evidence, ['POST http://backend.test/configure → HTTP 503: All 30 job windows are busy']);
  assert.ok(sc.suggestions[0]!.includes('job windows'));
});

test('configure_failed: unreachable backend and missing job id get their own advice', () => {
  const down = diagnoseOf(
    new TimelineBuilder(null, { configureStatus: null, configureError: 'cannot connect to http://x (ECONNREFUSED)' }),
  );
  expectScenario(down, 'configure_failed');
  assert.match(down.suggestions[0]!, /backend URL/);
  const noId = diagnoseOf(new TimelineBuilder(null, { configureStatus: 200, configureError: 'response has no "job_id" (got: status)' }));
  assert.match(noId.suggestions[0]!, /job id field/);
});

test("configure_failed carries the client's failure kind as its cause", () => {
  const slow = diagnoseOf(
    new TimelineBuilder(null, { configureStatus: null, configureError: 'no complete answer within 5 s', configureFailure: 'timeout' }),
  );
  expectScenario(slow, 'configure_failed');
  assert.equal(slow.cause, 'timeout');
  const http = diagnoseOf(new TimelineBuilder(null, { configureStatus: 503, configureError: 'HTTP 503', configureFailure: 'http_error' }));
  assert.equal(http.cause, 'http_error');
});

test('a healthy run still says when pods could not be observed', () => {
  const b = new TimelineBuilder('1-2')
    .unavailable(-5, 'no kubeconfig found', 'NO_KUBECONFIG')
    .metadata(200, 900, 404)
    .metadata(1000, 1000, 200);
  const sc = diagnoseOf(b);
  expectScenario(sc, 'healthy');
  assert.ok(sc.evidence.includes('pods not observed: no kubeconfig found'));
});

test('a stopped run is scenario stopped: what was seen and what was not yet, no cause, no blame', () => {
  const sc = diagnoseOf(podReadyTimeline('4-4').metadata(160, 2000, 404).end(2100, 'aborted'));
  expectScenario(sc, 'stopped');
  assert.equal(sc.cause, 'stopped_by_user');
  assert.equal(sc.severity, 'inconclusive');
  assert.equal(sc.title, 'Stopped before a verdict');
  assert.match(sc.summary, /stopped at 2\.100s, before the consumer for job 4-4 was ready/);
  assert.ok(
    sc.evidence.some((e) => /^pod ready at /.test(e)),
    sc.evidence.join('\n'),
  );
  assert.ok(
    sc.evidence.some((e) => /^not seen before the stop: .*consumer ready/.test(e)),
    sc.evidence.join('\n'),
  );
  assert.ok(!sc.evidence.some((e) => /never/.test(e)), 'nothing is called "never" in a run that was cut short');
  assert.ok(!sc.suggestions.some((x) => /analyzer|backend|kubectl/.test(x)), sc.suggestions.join('\n'));
});

test('a run stopped before /configure answered is stopped too, not a configure failure', () => {
  const b = new TimelineBuilder(null);
  b.observations.splice(2); // keep probe.started and configure.sent: no answer arrived
  const sc = diagnoseOf(b.end(40, 'aborted'));
  expectScenario(sc, 'stopped');
  assert.match(sc.summary, /stopped at 0\.040s, before POST \/configure answered/);
  assert.match(sc.summary, /nothing was seen yet/);
});

test('a stop after the verdict keeps it: a consumer already ready is healthy', () => {
  const sc = diagnoseOf(podReadyTimeline('4-5').metadata(160, 900, 200).end(950, 'aborted'));
  expectScenario(sc, 'healthy');
  assert.equal(sc.cause, null);
});

test('every scenario id is produced by some rule above', () => {
  assert.deepEqual([...seen].sort(), [...SCENARIO_IDS].sort());
});

test('a configure answer cut at the read cap is said in the evidence, whatever the verdict', () => {
  const cut = { readBytes: 4 * 1024 * 1024 };
  const failed = diagnoseOf(
    new TimelineBuilder(null, {
      configureStatus: 200,
      configureError: 'response has no "job_id"',
      configureFailure: 'no_job_id',
      bodyCut: cut,
    }),
  );
  assert.equal(failed.cause, 'no_job_id');
  const note = 'POST /configure answered with a body longer than the probe reads: only its first 4194304 bytes were looked at';
  assert.ok(failed.evidence.includes(note), failed.evidence.join('\n'));
  const healthy = diagnoseOf(new TimelineBuilder('1-9', { bodyCut: cut }).metadata(200, 300, 200));
  expectScenario(healthy, 'healthy');
  assert.ok(healthy.evidence.includes(note), healthy.evidence.join('\n'));
});
