// The JSON report contract of DESIGN.md (schemaVersion 1), checked key by key and type by type,
// so a test fails when a renderer or the engine drifts from what other tools rely on.
import assert from 'node:assert/strict';
import { CAUSE_CODES, SCENARIO_IDS, TIMING_KEYS, type ScenarioId } from '../../src/probe/model';

const isNumOrNull = (v: unknown) => v === null || (typeof v === 'number' && Number.isFinite(v));
const isStrOrNull = (v: unknown) => v === null || typeof v === 'string';

function exactKeys(value: unknown, keys: readonly string[], where: string) {
  assert.ok(value && typeof value === 'object' && !Array.isArray(value), `${where} is an object`);
  assert.deepEqual(Object.keys(value as object).sort(), [...keys].sort(), `${where} has exactly the contract's keys`);
}

export function assertReportContract(report: unknown): void {
  exactKeys(
    report,
    [
      'schemaVersion',
      'jobId',
      'startedAt',
      'scenario',
      'timings',
      'timingWindows',
      'pods',
      'metadataAttempts',
      'queue',
      'events',
      'logs',
      'probe',
    ],
    'report',
  );
  const r = report as Record<string, any>;
  assert.equal(r.schemaVersion, 1);
  assert.ok(isStrOrNull(r.jobId), 'jobId');
  assert.ok(!Number.isNaN(Date.parse(r.startedAt)) && /T.*Z$/.test(r.startedAt), 'startedAt is ISO-8601');

  exactKeys(r.scenario, ['id', 'cause', 'severity', 'title', 'summary', 'evidence', 'suggestions'], 'scenario');
  assert.ok((SCENARIO_IDS as readonly string[]).includes(r.scenario.id), `scenario.id ${r.scenario.id}`);
  assert.ok(
    r.scenario.cause === null || (CAUSE_CODES[r.scenario.id as ScenarioId] as readonly string[]).includes(r.scenario.cause),
    `scenario.cause ${r.scenario.cause} is one of ${r.scenario.id}'s causes`,
  );
  assert.ok(['ok', 'warning', 'error', 'inconclusive'].includes(r.scenario.severity));
  for (const k of ['title', 'summary']) assert.equal(typeof r.scenario[k], 'string');
  for (const k of ['evidence', 'suggestions'])
    assert.ok(Array.isArray(r.scenario[k]) && r.scenario[k].every((s: unknown) => typeof s === 'string'));

  exactKeys(r.timings, TIMING_KEYS, 'timings');
  for (const k of TIMING_KEYS) assert.ok(isNumOrNull(r.timings[k]), `timings.${k}`);
  assertTimingWindows(r.timingWindows, r.timings);

  assert.ok(Array.isArray(r.pods));
  for (const p of r.pods) {
    exactKeys(
      p,
      ['name', 'namespace', 'role', 'matchedBy', 'phase', 'ready', 'restartCount', 'node', 'labels', 'reason', 'firstSeenMs', 'history'],
      'pod',
    );
    assert.ok(['primary', 'related'].includes(p.role));
    assert.ok(Array.isArray(p.matchedBy) && p.matchedBy.length > 0);
    assert.equal(typeof p.ready, 'boolean');
    assert.ok(Number.isInteger(p.restartCount));
    assert.ok(isStrOrNull(p.node) && isStrOrNull(p.reason));
    assert.equal(typeof p.firstSeenMs, 'number');
    assert.ok(Object.values(p.labels).every((v) => typeof v === 'string'));
    for (const h of p.history) {
      exactKeys(h, ['atMs', 'phase', 'ready', 'reason'], 'pod history entry');
    }
  }
  assert.ok(Array.isArray(r.metadataAttempts));
  for (const a of r.metadataAttempts) {
    exactKeys(a, ['atMs', 'status', 'error'], 'metadata attempt');
    assert.ok(a.status === null || Number.isInteger(a.status));
    assert.ok(isStrOrNull(a.error));
  }
  if (r.queue !== null) assertQueue(r.queue);
  assert.ok(Array.isArray(r.events));
  for (const e of r.events) exactKeys(e, ['atMs', 'type', 'reason', 'object', 'message'], 'event');
  assertLogs(r.logs);

  exactKeys(r.probe, ['apiRequests', 'apiBytes', 'backendRequests', 'startDelayMs'], 'probe');
  for (const k of ['apiRequests', 'apiBytes', 'backendRequests']) assert.ok(Number.isInteger(r.probe[k]) && r.probe[k] >= 0, `probe.${k}`);
  assert.ok(typeof r.probe.startDelayMs === 'number' && r.probe.startDelayMs >= 0, 'probe.startDelayMs');
}

/**
 * `timingWindows` (an additive key of schema 1): a window for each timing that is not null and for no
 * other, `{ afterMs: number|null, atOrBeforeMs: number }` with afterMs ≤ atOrBeforeMs = the timing.
 */
function assertTimingWindows(windows: unknown, timings: Record<string, number | null>): void {
  const withTime = TIMING_KEYS.filter((k) => timings[k] !== null);
  exactKeys(windows, withTime, 'timingWindows (one per non-null timing)');
  for (const k of withTime) {
    const w = (windows as Record<string, any>)[k];
    exactKeys(w, ['afterMs', 'atOrBeforeMs'], `timingWindows.${k}`);
    assert.ok(isNumOrNull(w.afterMs), `timingWindows.${k}.afterMs is a number or null`);
    assert.equal(w.atOrBeforeMs, timings[k], `timingWindows.${k}.atOrBeforeMs is the timing`);
    assert.ok(
      w.afterMs === null || w.afterMs <= w.atOrBeforeMs,
      `timingWindows.${k}: afterMs ${w.afterMs} ≤ atOrBeforeMs ${w.atOrBeforeMs}`,
    );
  }
}

/** The queue: exactly the contract's five keys (what the monitors saw beyond them is in `logs.queue`). */
function assertQueue(q: Record<string, any>): void {
  exactKeys(q, ['name', 'firstSeenMs', 'messages', 'consumers', 'source'], 'queue');
  assert.equal(typeof q.name, 'string');
  assert.equal(typeof q.firstSeenMs, 'number');
  assert.ok(isNumOrNull(q.messages) && isNumOrNull(q.consumers), 'queue figures are numbers or null (unknown)');
  assert.ok(typeof q.source === 'string' && q.source.length > 0, 'queue.source says where the figures came from');
}

/** `logs.queue`: the consumers the management API listed and every change each source saw. */
function assertQueueLog(q: Record<string, any>): void {
  exactKeys(q, ['consumers', 'history'], 'logs.queue');
  assert.ok(Array.isArray(q.consumers));
  for (const c of q.consumers) {
    exactKeys(c, ['tag', 'channel', 'connection', 'peer', 'user', 'ackRequired', 'prefetch', 'active'], 'queue consumer');
    assert.equal(typeof c.tag, 'string');
  }
  assert.ok(Array.isArray(q.history));
  for (const h of q.history) {
    exactKeys(h, ['atMs', 'source', 'messages', 'consumers'], 'queue history entry');
    assert.ok(['amqp', 'events', 'management'].includes(h.source), `history source ${h.source}`);
    assert.ok(isNumOrNull(h.messages) && isNumOrNull(h.consumers));
  }
}

const LINE_KEYS = ['atMs', 'time', 'pod', 'container', 'instance', 'level', 'reason', 'mentionsJob', 'text', 'repeats'];

function assertLine(l: Record<string, any>, where: string): void {
  exactKeys(l, LINE_KEYS, where);
  assert.equal(typeof l.atMs, 'number');
  assert.ok(isStrOrNull(l.time));
  assert.ok(typeof l.pod === 'string' && typeof l.container === 'string' && typeof l.text === 'string');
  assert.ok(l.instance === null || Number.isInteger(l.instance));
  assert.ok(l.level === null || ['ERROR', 'WARN', 'INFO', 'DEBUG'].includes(l.level), `level ${l.level}`);
  assert.ok(['job-id', 'error', 'traceback', 'startup', 'last-lines'].includes(l.reason), `reason ${l.reason}`);
  assert.equal(typeof l.mentionsJob, 'boolean');
  assert.ok(Number.isInteger(l.repeats) && l.repeats >= 0);
}

/** `logs`: `{ backend: {...} | null, pod: {...} | null, queue: {...} | null }`, the shape README documents. */
function assertLogs(logs: unknown): void {
  exactKeys(logs, ['backend', 'pod', 'queue'], 'logs');
  const { backend, pod, queue } = logs as Record<string, any>;
  if (queue !== null) assertQueueLog(queue);
  if (backend !== null) {
    exactKeys(backend, ['selector', 'pods', 'lines', 'omitted', 'error'], 'logs.backend');
    assert.equal(typeof backend.selector, 'string');
    assert.ok(Array.isArray(backend.pods) && backend.pods.every((p: unknown) => typeof p === 'string'));
    backend.lines.forEach((l: any) => assertLine(l, 'backend log line'));
    assert.ok(Number.isInteger(backend.omitted) && isStrOrNull(backend.error));
  }
  if (pod !== null) {
    exactKeys(pod, ['pod', 'containers', 'lines', 'previous', 'omitted', 'error'], 'logs.pod');
    assert.equal(typeof pod.pod, 'string');
    assert.ok(Array.isArray(pod.containers));
    pod.lines.forEach((l: any) => assertLine(l, 'pod log line'));
    for (const e of pod.previous) {
      exactKeys(e, ['pod', 'container', 'instance', 'endedMs', 'via', 'lines'], 'ended container');
      assert.ok(['previous', 'follow', 'log'].includes(e.via));
      assert.ok(Number.isInteger(e.instance) && typeof e.endedMs === 'number');
      e.lines.forEach((l: any) => assertLine(l, 'ended container line'));
    }
    assert.ok(Number.isInteger(pod.omitted) && isStrOrNull(pod.error));
  }
}
