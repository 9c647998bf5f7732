// pod_failed's causes: the image pull (not found, unauthorized, other) from the kubelet's pull error;
// an evicted pod without crash advice; OOMKilled before CrashLoopBackOff; a liveness probe's kills; a
// missing Secret or key; a Job that failed before the probe saw its pod.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyse } from '../../src/probe/analysis';
import { missingReference } from '../../src/probe/causes/containerConfig';
import { imagePullCause } from '../../src/probe/causes/imagePull';
import { diagnose } from '../../src/probe/diagnose';
import type { Scenario } from '../../src/probe/model';
import { DEFAULT_MATCH_RULES } from '../../src/probe/options';
import { CAUSE_EXAMPLES } from '../fixtures/causeExamples';
import { JOB_CONTROLLER, KUBELET } from '../fixtures/clusterMessages';
import { POD, TimelineBuilder, podReadyTimeline } from '../fixtures/timelines';

const ctx = { timeoutMs: 5000, slowThresholdMs: 4000, namespace: 'panda' };
const diagnoseOf = (b: TimelineBuilder): Scenario => diagnose(analyse(b.observations, DEFAULT_MATCH_RULES), ctx);
const notReady = (b: TimelineBuilder) => b.metadata(160, 4900, 404, 'Invalid job_id').end(5000, 'timeout');

test('image pull errors: not found, unauthorized (before not found: registries hide private images), anything else', () => {
  assert.equal(imagePullCause(KUBELET.imageNotFound), 'image_not_found');
  assert.equal(imagePullCause(KUBELET.imageManifestUnknown), 'image_not_found');
  assert.equal(imagePullCause(KUBELET.imageUnauthorized), 'image_pull_unauthorized');
  assert.equal(imagePullCause(KUBELET.imageDeniedDockerHub), 'image_pull_unauthorized');
  assert.equal(
    imagePullCause('Failed to pull image "r.local/a:1": rpc error: code = Unknown desc = failed to authorize: 403 Forbidden'),
    'image_pull_unauthorized',
  );
  assert.equal(imagePullCause(KUBELET.imageTimeout), 'image_pull_failed');
  assert.equal(imagePullCause(KUBELET.backOffPulling), 'image_pull_failed');
});

test('image pull: the decisive message is the pull error, quoted whole, never only "run kubectl describe"', () => {
  const sc = diagnoseOf(CAUSE_EXAMPLES.pod_failed.image_not_found.build());
  assert.equal(sc.title, 'Pod failed: image registry.local/baby-analyzer:2.3.1 not found');
  assert.ok(sc.evidence[0]!.includes('registry.local/baby-analyzer:2.3.1: not found'), sc.evidence[0]);
  assert.ok(!sc.evidence.some((e) => /Error: (ErrImagePull|ImagePullBackOff)$/.test(e)), 'the bare error words are not evidence');
  assert.ok(
    sc.evidence.includes('GET /metadata/2-1 answered 404 "Invalid job_id" (48 attempts, last at 4.860s)'),
    'what the backend said follows',
  );
  // With only the back-off seen, no cause beyond "could not be pulled" is claimed.
  const pod = POD('2-9');
  const backOffOnly = new TimelineBuilder('2-9')
    .watching()
    .pod(300, pod, { scheduled: true, node: 'n' }, { 'job-name': 'grpc-job-2-9' })
    .pod(1300, pod, { container: { state: 'waiting', reason: 'ImagePullBackOff', message: KUBELET.backOffPulling } });
  const unsure = diagnoseOf(notReady(backOffOnly));
  assert.equal(unsure.cause, 'image_pull_failed');
  assert.ok(unsure.suggestions.some((s) => s.startsWith("The kubelet's pull error was not seen")));
});

test('an evicted pod: the kubelet message, the node, and no crash advice', () => {
  const sc = diagnoseOf(CAUSE_EXAMPLES.pod_failed.evicted.build());
  assert.equal(sc.cause, 'evicted');
  assert.equal(sc.title, 'Pod failed: evicted, the node was low on memory');
  const advice = sc.suggestions.join('\n');
  assert.doesNotMatch(advice, /--previous|crash|logs /i);
  assert.match(advice, /describe node node-3/);
  assert.equal(sc.evidence.filter((e) => e.includes('The node was low on resource: memory')).length, 1, 'the same words are quoted once');
});

test('a preempted pod is put out by the cluster too', () => {
  const pod = POD('9-8');
  const b = podReadyTimeline('9-8')
    .event(2000, 'Normal', 'Preempted', `Pod/${pod}`, 'Preempted by pod 4f0c5a6e-2b1d-4c1e-9a55-0d1c2b3a4f5e on node node-3')
    .pod(2000, pod, {
      ready: false,
      conditions: [
        { type: 'DisruptionTarget', status: 'True', reason: 'PreemptionByScheduler', message: 'Preempted by a pod on node node-3' },
      ],
    });
  const sc = diagnoseOf(notReady(b));
  assert.equal(sc.cause, 'evicted');
  assert.equal(sc.title, 'Pod failed: preempted by a pod of higher priority');
  assert.ok(sc.evidence.some((e) => e.startsWith('Preempted: Preempted by pod')));
});

test('OOMKilled wins over the CrashLoopBackOff it causes; a liveness probe that kills is named as such', () => {
  const oom = diagnoseOf(CAUSE_EXAMPLES.pod_failed.oom_killed.build());
  assert.equal(oom.cause, 'oom_killed');
  assert.ok(oom.suggestions[0]!.includes(`jsonpath={.spec.containers[?(@.name=="baby-analyzer")].resources}`), oom.suggestions[0]);

  const pod = POD('9-9');
  const terminated = { reason: 'Error', exitCode: 137, message: null };
  const b = podReadyTimeline('9-9')
    .event(2000, 'Warning', 'Unhealthy', `Pod/${pod}`, KUBELET.livenessFailed)
    .event(2010, 'Normal', 'Killing', `Pod/${pod}`, KUBELET.livenessKilling)
    .pod(2100, pod, {
      ready: false,
      container: { state: 'waiting', reason: 'CrashLoopBackOff', restartCount: 2, lastTerminated: terminated },
    });
  const liveness = diagnoseOf(notReady(b));
  assert.equal(liveness.cause, 'crash_loop');
  assert.equal(liveness.title, 'Pod failed: container baby-analyzer is restarted because its liveness probe fails');
  assert.ok(liveness.evidence.includes(`Unhealthy: ${KUBELET.livenessFailed}`));
  assert.ok(liveness.evidence.includes(`Killing: ${KUBELET.livenessKilling}`));
});

test('CreateContainerConfigError names the missing Secret, ConfigMap or key, and never prints a Secret', () => {
  assert.deepEqual(missingReference(KUBELET.secretMissing), { kind: 'Secret', name: 'rabbitmq-credentials', key: null });
  assert.deepEqual(missingReference('configmap "focus-config" not found'), { kind: 'ConfigMap', name: 'focus-config', key: null });
  assert.deepEqual(missingReference(KUBELET.secretKeyMissing), { kind: 'Secret', name: 'rabbitmq-credentials', key: 'password' });
  assert.equal(missingReference('failed to sync secret cache: timed out waiting for the condition'), null);
  const sc = diagnoseOf(CAUSE_EXAMPLES.pod_failed.create_container_config_error.build());
  assert.equal(sc.title, 'Pod failed: Secret rabbitmq-credentials not found');
  assert.ok(sc.suggestions.some((s) => s.endsWith('kubectl -n panda describe secret rabbitmq-credentials')));
  assert.ok(!sc.suggestions.some((s) => /get secret|jsonpath=\{\.data/.test(s)));
});

test('a readiness probe that never passes is the pod failing, not the backend', () => {
  const sc = diagnoseOf(CAUSE_EXAMPLES.pod_failed.readiness_probe_failing.build());
  assert.equal(sc.id, 'pod_failed');
  assert.ok(sc.evidence[0] === `Unhealthy: ${KUBELET.readinessFailed} (seen 2×)`, sc.evidence.join('\n'));
  // A pod that became Ready once is not held back by its readiness probe.
  const pod = POD('9-10');
  const readyOnce = podReadyTimeline('9-10').event(2000, 'Warning', 'Unhealthy', `Pod/${pod}`, KUBELET.readinessFailed);
  assert.equal(diagnoseOf(notReady(readyOnce)).id, 'consumer_never_ready');
});

test('a Job that failed (BackoffLimitExceeded) is container_error, even when its pod was never seen', () => {
  const failedJob = new TimelineBuilder('9-11').watching().job(200, 'grpc-job-9-11', {
    failed: 1,
    conditions: [{ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded', message: JOB_CONTROLLER.backoffLimit }],
  });
  const sc = diagnoseOf(
    notReady(failedJob.event(1900, 'Warning', 'BackoffLimitExceeded', 'Job/grpc-job-9-11', JOB_CONTROLLER.backoffLimit)),
  );
  assert.equal(sc.id, 'pod_failed');
  assert.equal(sc.cause, 'container_error');
  assert.ok(sc.evidence.includes(`Job grpc-job-9-11 condition Failed (BackoffLimitExceeded): ${JOB_CONTROLLER.backoffLimit}`));

  // A Job that gave up after its container crashed: the Job's verdict, with the crash as its evidence.
  const crashed = CAUSE_EXAMPLES.pod_failed.crash_loop.build();
  crashed.job(2500, 'grpc-job-9-1', {
    failed: 1,
    conditions: [{ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded', message: JOB_CONTROLLER.backoffLimit }],
  });
  const gaveUp = diagnoseOf(crashed);
  assert.equal(gaveUp.cause, 'container_error');
  assert.equal(gaveUp.title, 'Pod failed: the Job gave up (BackoffLimitExceeded)');
  assert.ok(
    gaveUp.evidence.some((e) => e.includes("KeyError: 'stream_port'")),
    gaveUp.evidence.join('\n'),
  );

  const pod = POD('9-12');
  const exited = podReadyTimeline('9-12').pod(2000, pod, {
    phase: 'Failed',
    ready: false,
    container: { state: 'terminated', reason: 'Error', exitCode: 2, message: 'usage: baby_analyzer [-h] --job-id JOB_ID' },
  });
  const once = diagnoseOf(notReady(exited));
  assert.equal(once.cause, 'container_error');
  assert.equal(once.title, 'Pod failed: container baby-analyzer exited with exit code 2 (Error)');
  assert.ok(once.evidence.includes('container baby-analyzer: usage: baby_analyzer [-h] --job-id JOB_ID'), once.evidence.join('\n'));
});

test('an init container that keeps failing is init_container_failed, read with --previous', () => {
  const pod = POD('9-13');
  const b = new TimelineBuilder('9-13')
    .watching()
    .pod(300, pod, { scheduled: true, node: 'node-3' }, { 'job-name': 'grpc-job-9-13' })
    .pod(2000, pod, {
      initContainer: {
        name: 'wait-for-rabbitmq',
        state: 'waiting',
        reason: 'CrashLoopBackOff',
        restartCount: 2,
        lastTerminated: { reason: 'Error', exitCode: 1, message: null },
      },
    });
  const sc = diagnoseOf(notReady(b));
  assert.equal(sc.cause, 'init_container_failed');
  assert.equal(sc.title, 'Pod failed: init container wait-for-rabbitmq failed with exit code 1 (Error)');
  assert.ok(sc.suggestions[0]!.endsWith(`logs ${pod} -c wait-for-rabbitmq --previous`), sc.suggestions[0]);
});
