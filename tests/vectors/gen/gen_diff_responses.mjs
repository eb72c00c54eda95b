// Generates tests/vectors/diff_responses.json: shared vectors for the response document that
// rollgate::diff_responses / the package's diffResponses compare (docs/diff.md, "Responses"),
// read by tests/native/diff_responses_vectors_test.cpp and tests/node/diff.test.mjs.
//
// Where the expected values come from: the differences of each case are written out BY HAND
// below from the rules of docs/diff.md ("Responses": status, contentType, lower-cased headers
// joined with ", ", headers.ignore / headers.only, JSON bodies structurally, other bodies by
// bytes), as tests/vectors/diff.json's are (there is no other implementation of rollgate's diff
// semantics to generate them from). The one computed value is the byte form of a body,
// {"length", "xxh3_64"}, which this script takes from xxHash's own CLI (`xxhsum -H3`, seed 0),
// not from rollgate.
//
// Run: node tests/vectors/gen/gen_diff_responses.mjs   (rewrites the vector file; needs xxhsum:
// apt install xxhash, only to regenerate; the tests read the committed file)
// SPDX-License-Identifier: MIT
import { writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const enc = new TextEncoder();
/** XXH3-64 (seed 0) of `b` from xxHash's own command-line tool (apt install xxhash). */
function xxhsum3(b) {
  const out = execFileSync('xxhsum', ['-H3', '-'], { input: b }).toString();
  const m = /=\s*([0-9a-f]{16})\s*$/.exec(out.trim()) || /^([0-9a-f]{16})\s/.exec(out.trim());
  if (!m) throw new Error(`unexpected xxhsum output: ${out}`);
  return m[1];
}
/** A body compared by bytes, as docs/diff.md shows it: its length and XXH3-64 in 16 hex digits. */
const bytes = (text) => {
  const b = enc.encode(text);
  return { length: b.length, xxh3_64: xxhsum3(b) };
};

const JSON_TYPE = [['Content-Type', 'application/json']];
const cases = [
  {
    name: 'equal responses: header names in any case and order',
    old: { status: 200, headers: [['Content-Type', 'application/json'], ['ETag', '"v1"']], body: '{"a":1,"b":[1,2]}' },
    new: { status: 200, headers: [['etag', '"v1"'], ['content-type', 'application/json']], body: '{"b":[1,2],"a":1}' },
    options: {},
    differences: [],
  },
  {
    name: 'status changed',
    old: { status: 200, headers: JSON_TYPE, body: '{}' },
    new: { status: 503, headers: JSON_TYPE, body: '{}' },
    options: {},
    differences: [{ path: '/status', field: '/status', kind: 'value_changed', old: 200, new: 503 }],
  },
  {
    name: 'content type from the header, and from the explicit field over the header',
    old: { status: 200, headers: [['Content-Type', 'text/html']], body: 'x' },
    new: { status: 200, headers: [['Content-Type', 'text/html']], contentType: 'text/plain', body: 'x' },
    options: {},
    differences: [{ path: '/contentType', field: '/contentType', kind: 'value_changed', old: 'text/html', new: 'text/plain' }],
  },
  {
    name: 'a header changed, one added and one removed (names lower-cased)',
    old: { status: 200, headers: [['X-Version', '1.4'], ['X-Old', 'gone']], body: '' },
    new: { status: 200, headers: [['x-version', '1.5'], ['X-New', 'here']], body: '' },
    options: {},
    differences: [
      { path: '/headers/x-new', field: '/headers/x-new', kind: 'key_added', new: 'here' },
      { path: '/headers/x-old', field: '/headers/x-old', kind: 'key_removed', old: 'gone' },
      { path: '/headers/x-version', field: '/headers/x-version', kind: 'value_changed', old: '1.4', new: '1.5' },
    ],
  },
  {
    name: 'repeated headers compare as their values joined with ", " in order',
    old: { status: 200, headers: [['Vary', 'Accept'], ['vary', 'Cookie']], body: '' },
    new: { status: 200, headers: [['Vary', 'Cookie'], ['Vary', 'Accept']], body: '' },
    options: {},
    differences: [{ path: '/headers/vary', field: '/headers/vary', kind: 'value_changed', old: 'Accept, Cookie', new: 'Cookie, Accept' }],
  },
  {
    name: 'headers.ignore leaves a header out (any case)',
    old: { status: 200, headers: [['Date', 'Mon'], ['X-Id', 'a']], body: '' },
    new: { status: 200, headers: [['date', 'Tue'], ['X-Id', 'b']], body: '' },
    options: { headers: { ignore: ['DATE'] } },
    differences: [{ path: '/headers/x-id', field: '/headers/x-id', kind: 'value_changed', old: 'a', new: 'b' }],
  },
  {
    name: 'headers.only compares those headers alone',
    old: { status: 200, headers: [['ETag', '"1"'], ['X-Id', 'a'], ['Cache-Control', 'no-store']], body: '' },
    new: { status: 200, headers: [['ETag', '"2"'], ['X-Id', 'b']], body: '' },
    options: { headers: { only: ['etag', 'cache-control'] } },
    differences: [
      { path: '/headers/cache-control', field: '/headers/cache-control', kind: 'key_removed', old: 'no-store' },
      { path: '/headers/etag', field: '/headers/etag', kind: 'value_changed', old: '"1"', new: '"2"' },
    ],
  },
  {
    name: 'JSON bodies compare structurally under /body',
    old: { status: 200, headers: JSON_TYPE, body: '{"items":[{"sku":"a","price":19.99}],"total":19.99}' },
    new: { status: 200, headers: JSON_TYPE, body: '{"items":[{"sku":"a","price":21.99}],"total":19.99,"points":60}' },
    options: {},
    differences: [
      { path: '/body/items/0/price', field: '/body/items/*/price', kind: 'value_changed', old: 19.99, new: 21.99 },
      { path: '/body/points', field: '/body/points', kind: 'key_added', new: 60 },
    ],
  },
  {
    name: 'any content type that mentions json parses (application/problem+json)',
    old: { status: 400, headers: [['content-type', 'application/problem+json']], body: '{"title":"bad","detail":"x"}' },
    new: { status: 400, headers: [['content-type', 'application/problem+json']], body: '{"title":"bad","detail":"y"}' },
    options: {},
    differences: [{ path: '/body/detail', field: '/body/detail', kind: 'value_changed', old: 'x', new: 'y' }],
  },
  {
    name: 'text bodies compare by bytes: length and XXH3-64 of each side',
    old: { status: 200, headers: [['Content-Type', 'text/plain']], body: 'hello world' },
    new: { status: 200, headers: [['Content-Type', 'text/plain']], body: 'hello, world' },
    options: {},
    differences: [{ path: '/body', field: '/body', kind: 'value_changed', old: bytes('hello world'), new: bytes('hello, world') }],
  },
  {
    name: 'a JSON body that does not parse is compared by bytes (no error)',
    old: { status: 200, headers: JSON_TYPE, body: '{"a":1}' },
    new: { status: 200, headers: JSON_TYPE, body: '{"a":1' },
    options: {},
    differences: [{ path: '/body', field: '/body', kind: 'value_changed', old: bytes('{"a":1}'), new: bytes('{"a":1') }],
  },
  {
    name: 'JSON on one side only: bytes; the content type differs, and so does its header',
    old: { status: 200, headers: JSON_TYPE, body: '{"a":1}' },
    new: { status: 200, headers: [['Content-Type', 'text/plain']], body: 'a=1' },
    options: {},
    differences: [
      { path: '/contentType', field: '/contentType', kind: 'value_changed', old: 'application/json', new: 'text/plain' },
      { path: '/headers/content-type', field: '/headers/content-type', kind: 'value_changed', old: 'application/json', new: 'text/plain' },
      { path: '/body', field: '/body', kind: 'value_changed', old: bytes('{"a":1}'), new: bytes('a=1') },
    ],
  },
  {
    name: 'an empty body against a text body',
    old: { status: 204, headers: [], body: '' },
    new: { status: 204, headers: [], body: 'ok' },
    options: {},
    differences: [{ path: '/body', field: '/body', kind: 'value_changed', old: bytes(''), new: bytes('ok') }],
  },
  {
    name: 'equal text bodies and equal bytes are no difference',
    old: { status: 200, headers: [['Content-Type', 'text/html; charset=utf-8']], body: '<p>é</p>' },
    new: { status: 200, headers: [['content-type', 'text/html; charset=utf-8']], body: '<p>é</p>' },
    options: {},
    differences: [],
  },
  {
    name: 'path rules apply to the response document: ignore /body and a header by path',
    old: { status: 200, headers: [['Content-Type', 'text/plain'], ['X-Trace', '1']], body: 'a' },
    new: { status: 201, headers: [['Content-Type', 'text/plain'], ['X-Trace', '2']], body: 'b' },
    options: { paths: [{ path: '/body', ignore: true }, { path: '/headers/x-trace', ignore: true }] },
    differences: [{ path: '/status', field: '/status', kind: 'value_changed', old: 200, new: 201 }],
  },
  {
    name: 'path rules inside a JSON body (ignore a field of every element)',
    old: { status: 200, headers: JSON_TYPE, body: '{"items":[{"id":1,"at":"t1"},{"id":2,"at":"t2"}]}' },
    new: { status: 200, headers: JSON_TYPE, body: '{"items":[{"id":1,"at":"t3"},{"id":3,"at":"t4"}]}' },
    options: { paths: [{ path: '/body/items/*/at', ignore: true }] },
    differences: [{ path: '/body/items/1/id', field: '/body/items/*/id', kind: 'value_changed', old: 2, new: 3 }],
  },
];

// The empty input's XXH3-64 is published with xxHash (XXH3_64bits of "" = 2D06800538D394C2):
// refuse to write vectors if the tool gave another hash.
const empty = bytes('').xxh3_64;
if (empty !== '2d06800538d394c2') {
  throw new Error(`the hash used is not XXH3-64 (empty input gave ${empty}, XXH3-64 gives 2d06800538d394c2)`);
}

const out = {
  spec_version: '1.0.0',
  about:
    'Response-document vectors for rollgate::diff_responses and the package\'s diffResponses (docs/diff.md, "Responses"), ' +
    'read by tests/native/diff_responses_vectors_test.cpp and tests/node/diff.test.mjs. Each case: the old and new ' +
    'responses {status, headers: [[name, value], ...], body (text), contentType?}, the diff options, and every expected ' +
    'difference in order (path, field, kind, old/new). Generated by tests/vectors/gen/gen_diff_responses.mjs: the ' +
    'differences are derived by hand from docs/diff.md; a body compared by bytes is {length, xxh3_64} from xxHash\'s xxhsum -H3.',
  cases: cases.map((c) => ({ name: c.name, old: c.old, new: c.new, options: c.options, expected: { differences: c.differences, omitted: 0 } })),
};
const file = fileURLToPath(new URL('../diff_responses.json', import.meta.url));
writeFileSync(file, JSON.stringify(out, null, 1) + '\n');
console.log(`wrote ${out.cases.length} cases to ${file}`);
