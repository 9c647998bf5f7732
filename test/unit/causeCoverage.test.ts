// Every cause code of the contract (model.ts CAUSE_CODES, DESIGN.md "Cause codes") is produced by a rule
// from a recorded-shape timeline, with its decisive message verbatim in the evidence and a title that
// says more than the scenario's name. A code no rule produces fails here.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyse } from '../../src/probe/analysis';
import { diagnose } from '../../src/probe/diagnose';
import { CAUSE_CODES, type CauseCode, type Scenario, type ScenarioId } from '../../src/probe/model';
import { DEFAULT_MATCH_RULES, DEFAULT_QUEUE_NAMES } from '../../src/probe/options';
import { CAUSE_EXAMPLES, everyCause, type CauseExample } from '../fixtures/causeExamples';

const ctx = { timeoutMs: 5000, slowThresholdMs: 4000, namespace: 'panda' };

function diagnoseExample(example: CauseExample): Scenario {
  return diagnose(analyse(example.build().observations, DEFAULT_MATCH_RULES, { queueNames: DEFAULT_QUEUE_NAMES }), ctx);
}

const produced = new Map<string, Scenario>();

describe('each cause code, from its example timeline', () => {
  for (const { id, cause } of everyCause()) {
    test(`${id}/${cause}`, () => {
      const example = (CAUSE_EXAMPLES[id] as Record<string, CauseExample | undefined>)[cause];
      assert.ok(example, `no example timeline for ${id}/${cause} in test/fixtures/causeExamples.ts`);
      const sc = diagnoseExample(example);
      const said = `${sc.id}/${sc.cause} — ${sc.title}\n${sc.summary}\n${sc.evidence.join('\n')}`;
      assert.equal(sc.id, id, said);
      assert.equal(sc.cause, cause, said);
      produced.set(`${id}/${cause}`, sc);
      if (example.decisive !== null) {
        assert.ok(
          sc.evidence.some((e) => e.includes(example.decisive!)),
          `the decisive message is not verbatim in the evidence:\n${example.decisive}\n---\n${sc.evidence.join('\n')}`,
        );
      }
      assert.ok(sc.evidence.length > 0, 'a diagnosis always names its evidence');
    });
  }
});

test('every cause code in CAUSE_CODES is produced by some rule above', () => {
  const missing = everyCause()
    .map(({ id, cause }) => `${id}/${cause}`)
    .filter((key) => !produced.has(key));
  assert.deepEqual(missing, [], 'cause codes no rule produced');
});

test('titles name the cause: no two causes of a scenario share a title, and none falls back to the bare scenario', () => {
  for (const id of Object.keys(CAUSE_CODES) as ScenarioId[]) {
    const titles = (CAUSE_CODES[id] as readonly CauseCode[]).map((cause) => produced.get(`${id}/${cause}`)?.title);
    if (id === 'stopped') continue;
    assert.equal(new Set(titles).size, titles.length, `${id}: ${titles.join(' | ')}`);
  }
});

test('a run whose consumer attached is never titled as if no consumer appeared', () => {
  for (const [key, sc] of produced) {
    const attached = ['consumer_never_ready/metadata_failing', 'slow_consumer/slow_metadata'].includes(key);
    if (attached) assert.doesNotMatch(sc.title, /consumer never (appeared|became ready|attached)|no consumer/i, `${key}: ${sc.title}`);
  }
});

test('a stopped run claims no cause of failure, whatever the pods showed when it was cut short', () => {
  for (const { id, cause } of everyCause().filter((c) => !['configure_failed', 'stopped'].includes(c.id))) {
    const example = (CAUSE_EXAMPLES[id] as Record<string, CauseExample>)[cause]!;
    const b = example.build();
    // The same observations, but the user stopped the run at 1.9 s, before any verdict.
    const cutAt = 1900;
    const kept = b.observations.filter(
      (o) => o.atMs < cutAt && o.kind !== 'probe.ended' && !(o.kind === 'metadata.attempt' && o.status === 200),
    );
    kept.push({ kind: 'probe.ended', atMs: cutAt, reason: 'aborted' });
    const sc = diagnose(analyse(kept, DEFAULT_MATCH_RULES), ctx);
    const said = [sc.title, sc.summary, ...sc.evidence, ...sc.suggestions].join('\n');
    assert.equal(sc.id, 'stopped', `${id}/${cause}: ${said}`);
    assert.equal(sc.cause, 'stopped_by_user');
    assert.equal(sc.severity, 'inconclusive');
    assert.equal(sc.title, 'Stopped before a verdict');
    // Facts seen before the stop may be listed; no cause code, and no advice that presumes one.
    for (const code of everyCause().map((c) => c.cause)) {
      if (code.includes('_') && code !== 'stopped_by_user')
        assert.ok(!said.includes(code), `${id}/${cause}: the stopped run names ${code}`);
    }
    assert.doesNotMatch(said, /kubectl|--previous|exhausted|fix /i, `${id}/${cause}: ${said}`);
  }
});
