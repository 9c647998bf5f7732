// Finding the job id in the first bytes of an answer cut at the read cap: top-level members only, any
// cut point, never a throw.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { findTopLevelField } from '../../src/probe/backend/topLevelField';

test('the field at the top level, whatever comes before it', () => {
  const found = (text: string) => findTopLevelField(text, 'job_id');
  assert.deepEqual(found('{"job_id":"12-70788","list":[1,2'), { kind: 'found', value: '12-70788' });
  assert.deepEqual(found(' \n{ "status" : "ok" , "job_id" : 42 , "x": ['), { kind: 'found', value: 42 });
  assert.deepEqual(found('{"a":{"job_id":"decoy","b":[{"c":"}]"}]},"s":"say \\"job_id\\": 1 {[","job_id":"1-3"'), {
    kind: 'found',
    value: '1-3',
  });
  assert.deepEqual(found('{"n":-1.5e3,"t":true,"z":null,"job\\u005fid":"escaped-key"}'), { kind: 'found', value: 'escaped-key' });
  assert.deepEqual(found('{"job_id":null,"x":1'), { kind: 'found', value: null });
  assert.deepEqual(found('{"job_id":"a\\"b","x":'), { kind: 'found', value: 'a"b' });
});

test('absent: the members read, and whether the object ended or the text was cut', () => {
  assert.deepEqual(findTopLevelField('{"status":"ok","nested":{"job_id":"x"}}', 'job_id'), {
    kind: 'absent',
    keys: ['status', 'nested'],
    complete: true,
  });
  assert.deepEqual(findTopLevelField('{"status":"ok","list":[1,2,3', 'job_id'), {
    kind: 'absent',
    keys: ['status', 'list'],
    complete: false,
  });
  // Cut inside the value itself: the id may go on after the cut, so it is not taken.
  assert.deepEqual(findTopLevelField('{"job_id":"12-70', 'job_id'), { kind: 'absent', keys: [], complete: false });
  assert.deepEqual(findTopLevelField('{"job_id":1270', 'job_id'), { kind: 'absent', keys: [], complete: false });
  assert.deepEqual(findTopLevelField('{}', 'job_id'), { kind: 'absent', keys: [], complete: true });
});

test('not an object: HTML, an array, a broken grammar before the field, nothing', () => {
  for (const text of ['<html>login', '[{"job_id":"1-1"}', '{"a" 1, "job_id":"1-1"}', '{job_id: "1-1"}', '', '   ']) {
    assert.deepEqual(findTopLevelField(text, 'job_id'), { kind: 'not_object' }, text);
  }
});

test('any JSON object cut anywhere: the field once its value was read whole, else absent; never a throw', () => {
  const value = fc.oneof(
    fc.string(),
    fc.double(),
    fc.constant(null),
    fc.boolean(),
    fc.array(fc.string()),
    fc.dictionary(fc.string(), fc.string()),
  );
  const others = fc.dictionary(fc.string(), value).filter((o) => !Object.keys(o).includes('job_id'));
  fc.assert(
    fc.property(others, fc.string({ minLength: 1 }), fc.nat(), (object, id, cutAt) => {
      const members = JSON.stringify(object).slice(1, -1);
      const before = `{${members}${members ? ',' : ''}"job_id":${JSON.stringify(id)}`;
      const text = `${before},"after":[1,2,3]}`;
      const cut = text.slice(0, cutAt % (text.length + 1));
      const result = findTopLevelField(cut, 'job_id');
      if (cut.length >= before.length) assert.deepEqual(result, { kind: 'found', value: id });
      else assert.equal(result.kind, cut.length === 0 ? 'not_object' : 'absent', cut);
    }),
  );
});
