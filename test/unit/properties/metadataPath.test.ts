// Properties of the metadata path: whatever the job id holds ("/", "?", "#", "%", "..", spaces, any
// unicode), it arrives as one path segment (or query value) that decodes back to itself, and nothing
// it holds can end the path, start a query or walk up the tree. An id no path can carry gets none.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { metadataPath } from '../../../src/probe/backend/metadataPath';

const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((n) => String.fromCharCode(n));
const idChar = fc.oneof(
  fc.constantFrom(
    '/',
    '?',
    '#',
    '%',
    '.',
    '..',
    ' ',
    '\\',
    '%2e',
    '%2F',
    '&',
    '=',
    '+',
    ';',
    '@',
    ':',
    '\u0000',
    '\n',
    'é',
    '😀',
    '-',
    '19',
  ),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 2 }),
);
const jobId = fc.oneof(
  fc.array(idChar, { maxLength: 8 }).map((c) => c.join('')),
  fc.constantFrom('.', '..', '', '...', './..', '%2e%2e', '19-5'),
  fc.string({ unit: codeUnit, maxLength: 4 }),
);
const basePath = fc.constantFrom('', '/api', '/a/b');

/** Templates whose id fills a whole path segment. */
const TEMPLATES = ['/metadata/{id}', '/jobs/{id}/metadata', '/metadata/{id}/'];

/** What the URL parser every server and proxy follows (WHATWG) makes of the path. */
const parsed = (path: string) => new URL(path, 'http://probe.invalid');

const wellFormed = (s: string) => !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s);

test('the id is one path segment that decodes back to it; no query, no fragment, nothing resolved away', () => {
  fc.assert(
    fc.property(basePath, fc.constantFrom(...TEMPLATES), jobId, (base, template, id) => {
      const path = metadataPath(base, template, id);
      if (path === null) {
        assert.ok(['', '.', '..'].includes(id) || !wellFormed(id), `refused ${JSON.stringify(id)}`);
        return;
      }
      const url = parsed(path);
      assert.equal(url.search, '');
      assert.equal(url.hash, '');
      assert.equal(url.pathname, path, 'the URL parser changed nothing (no "." or ".." resolved)');
      const expected = (base + template).split('/');
      const segments = url.pathname.split('/');
      assert.equal(segments.length, expected.length, 'the id added or removed no segment');
      const at = expected.indexOf('{id}');
      assert.equal(decodeURIComponent(segments[at]!), id);
      segments.forEach((s, i) => i === at || assert.equal(s, expected[i]));
    }),
    { numRuns: 300 },
  );
});

test('an id inside a segment or a query value stays there and decodes back to it', () => {
  fc.assert(
    fc.property(
      basePath,
      fc.constantFrom('/metadata/job-{id}', '/metadata?id={id}', '/m/{id}.json?x={id}&y=1'),
      jobId,
      (base, template, id) => {
        fc.pre(wellFormed(id));
        const path = metadataPath(base, template, id);
        assert.notEqual(path, null);
        const url = parsed(path!);
        assert.equal(url.hash, '');
        if (template.includes('?')) {
          assert.equal(new URLSearchParams(url.search).get(template.includes('x=') ? 'x' : 'id'), id);
          if (template.includes('y=1')) assert.equal(url.searchParams.get('y'), '1');
        } else {
          assert.equal(url.search, '');
          assert.equal(decodeURIComponent(url.pathname.slice(`${base}/metadata/job-`.length)), id);
        }
      },
    ),
    { numRuns: 200 },
  );
});

test('".", "..", an empty id and a lone surrogate get no path, in any spelling of the template', () => {
  for (const id of ['.', '..', '', '\ud800', 'a\udc00']) {
    for (const template of TEMPLATES) assert.equal(metadataPath('/api', template, id), null, `${JSON.stringify(id)} in ${template}`);
  }
  assert.equal(metadataPath('', '/m/%2e{id}', '.'), null, 'a template that spells the other dot encoded');
  assert.equal(metadataPath('', '/metadata/{id}', '...'), '/metadata/...');
  assert.equal(metadataPath('', '/metadata/job-{id}', '..'), '/metadata/job-..');
});
