// The JSON report contract of DESIGN.md (schemaVersion 1), checked key by key and type by type,
// so a test fails when a renderer or the engine drifts from what other tools rely on.
import assert from 'node:assert/strict';
import { SCENARIO_IDS, TIMING_KEYS } from '../../src/probe/model';

const isNumOrNull = (v: unknown) => v === null || (typeof v === 'number' && Number.isFinite(v));
const isStrOrNull = (v: unknown) => v === null || typeof v === 'string';

function exactKeys(value: unknown, keys: readonly string[], where: string) {
  assert.ok(value && typeof value === 'object' && !Array.isArray(value), `${where} is an object`);
  assert.deepEqual(Object.keys(value as object).sort(), [...keys].sort(), `${where} has exactly the contract's keys`);
}

export function assertReportContract(report: unknown): void {
  exactKeys(report, ['schemaVersion', 'jobId', 'startedAt', 'scenario', 'timings', 'pods', 'metadataAttempts', 'queue', 'events', 'logs'], 'report');
  const r = report as Record<string, any>;
  assert.equal(r.schemaVersion, 1);
  assert.ok(isStrOrNull(r.jobId), 'jobId');
  assert.ok(!Number.isNaN(Date.parse(r.startedAt)) && /T.*Z$/.test(r.startedAt), 'startedAt is ISO-8601');

  exactKeys(r.scenario, ['id', 'severity', 'title', 'summary', 'evidence', 'suggestions'], 'scenario');
  assert.ok((SCENARIO_IDS as readonly string[]).includes(r.scenario.id), `scenario.id ${r.scenario.id}`);
  assert.ok(['ok', 'warning', 'error', 'inconclusive'].includes(r.scenario.severity));
  for (const k of ['title', 'summary']) assert.equal(typeof r.scenario[k], 'string');
  for (const k of ['evidence', 'suggestions']) assert.ok(Array.isArray(r.scenario[k]) && r.scenario[k].every((s: unknown) => typeof s === 'string'));

  exactKeys(r.timings, TIMING_KEYS, 'timings');
  for (const k of TIMING_KEYS) assert.ok(isNumOrNull(r.timings[k]), `timings.${k}`);

  assert.ok(Array.isArray(r.pods));
  for (const p of r.pods) {
    exactKeys(p, ['name', 'namespace', 'role', 'matchedBy', 'phase', 'ready', 'restartCount', 'node', 'labels', 'reason', 'firstSeenMs', 'history'], 'pod');
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
  if (r.queue !== null) exactKeys(r.queue, ['name', 'firstSeenMs', 'messages', 'consumers', 'source'], 'queue');
  assert.ok(Array.isArray(r.events));
  for (const e of r.events) exactKeys(e, ['atMs', 'type', 'reason', 'object', 'message'], 'event');
  assert.ok(r.logs && typeof r.logs === 'object');
}
