// The management API as the only source, on a real RabbitMQ node whose statistics are collected often
// (collect_statistics_interval 500 ms and 1 s samples): the probe must see the queue within one poll and
// the consumer within the node's statistics interval — never before the sandbox attached it — and list
// the consumer with its details. (test/integration/rabbitmq.test.ts covers a default node.)
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rabbitmqSkip, startRabbitMQ, type RabbitNode } from '../helpers/rabbitmq';
import { assertFollowsTruth, probeOnBroker } from '../helpers/realBrokerProbe';

const skip = rabbitmqSkip();
const MANAGEMENT_POLL_MS = 250;
const SLACK_MS = 150;

let node: RabbitNode;
const teardown: (() => unknown)[] = [];
before(async () => {
  if (!skip) node = await startRabbitMQ({ after: (fn) => teardown.push(fn) }, { statsIntervalMs: 500 });
});
after(() => Promise.all(teardown.map((fn) => fn())));

describe('a real broker with fast statistics, management API only', { skip }, () => {
  test("queueCreatedMs within one poll, consumerAttachedMs within the statistics interval, with the consumer's details", async (t) => {
    const run = await probeOnBroker(t, node, 'metadata_never_ready', (o) => {
      o.broker.amqpUrl = undefined;
      o.broker.managementStatsLagMs = node.statsLagMs;
    });
    const created = assertFollowsTruth(run, 'queueCreatedMs', MANAGEMENT_POLL_MS + SLACK_MS);
    const attached = assertFollowsTruth(run, 'consumerAttachedMs', node.statsLagMs + MANAGEMENT_POLL_MS + SLACK_MS);
    t.diagnostic(
      `queue seen ${created.toFixed(1)} ms, consumer ${attached.toFixed(1)} ms after the sandbox's step (statistics lag up to ${node.statsLagMs} ms)`,
    );
    const queue = run.report.queue!;
    assert.equal(queue.source, 'management API (statistics lag ≈1 s)');
    assert.ok(run.report.logs.queue!.history.every((h) => h.source === 'management'));
    assert.equal(queue.consumers, 1);
    const [consumer, ...more] = run.report.logs.queue!.consumers;
    assert.equal(more.length, 0);
    assert.match(consumer!.tag, /^amq\.ctag-/);
    assert.match(consumer!.peer ?? '', /^127\.0\.0\.1:\d+$/);
    assert.equal(consumer!.user, 'guest');
    assert.equal(consumer!.prefetch, 1);
    assert.equal(consumer!.ackRequired, true);
    assert.match(consumer!.connection ?? '', /^127\.0\.0\.1:\d+ -> 127\.0\.0\.1:\d+$/);
    assert.ok(
      run.report.scenario.evidence.some((e) => /a consumer attached at [\d.]+s \(management API, statistics may lag\)/.test(e)),
      run.report.scenario.evidence.join('\n'),
    );
  });
});
