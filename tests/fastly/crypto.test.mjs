// The service's SHA-256, HMAC, cookie and override tokens (edge/fastly/src/sha256.cpp,
// tokens.cpp, through the self-test module) against FIPS 180-2 and RFC 4231 vectors, node:crypto,
// and the Cloudflare worker's own edge/cloudflare/src/crypto.js: a token made by either provider
// is accepted by the other, and both refuse the same forgeries.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { loadSelftest } from './support/selftest.mjs';
import * as cf from '../../edge/cloudflare/src/crypto.js';
import { COOKIE_SECRET, OVERRIDE_SECRET } from './support/fixtures.mjs';

const st = loadSelftest();
const hex = (s) => Buffer.from(s, 'hex');
const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

test('SHA-256 gives the FIPS 180-2 vectors', () => {
  assert.equal(st.sha256(''), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  assert.equal(st.sha256('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  assert.equal(
    st.sha256('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'),
    '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
  );
  assert.equal(st.sha256Repeat('a', 1000000), 'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0');
});

test('SHA-256 equals node:crypto on random messages of every length around the block size, fed whole and in pieces', () => {
  for (let len = 0; len <= 200; len++) {
    const m = randomBytes(len);
    const want = createHash('sha256').update(m).digest('hex');
    assert.equal(st.sha256(m), want, `length ${len}`);
    assert.equal(st.sha256Steps(m, 1 + (len % 7)), want, `length ${len} in pieces`);
  }
  const big = randomBytes(60000);
  assert.equal(st.sha256Steps(big, 4093), createHash('sha256').update(big).digest('hex'));
});

test('HMAC-SHA256 gives the RFC 4231 vectors (cases 1, 2, 6, 7 as printed there; 3, 4, 5 against node:crypto)', () => {
  assert.equal(st.hmac(Buffer.alloc(20, 0x0b), 'Hi There'), 'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7');
  assert.equal(st.hmac('Jefe', 'what do ya want for nothing?'), '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
  assert.equal(
    st.hmac(Buffer.alloc(131, 0xaa), 'Test Using Larger Than Block-Size Key - Hash Key First'),
    '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54',
  );
  assert.equal(
    st.hmac(
      Buffer.alloc(131, 0xaa),
      'This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.',
    ),
    '9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2',
  );
  const cases = [
    [Buffer.alloc(20, 0xaa), Buffer.alloc(50, 0xdd)],
    [hex('0102030405060708090a0b0c0d0e0f10111213141516171819'), Buffer.alloc(50, 0xcd)],
    [Buffer.alloc(20, 0x0c), Buffer.from('Test With Truncation')],
  ];
  for (const [k, m] of cases) assert.equal(st.hmac(k, m), createHmac('sha256', k).update(m).digest('hex'));
});

test('HMAC-SHA256 equals node:crypto for keys of 0 to 150 bytes (around the 64-byte block)', () => {
  for (let kl = 0; kl <= 150; kl += 1) {
    const k = randomBytes(kl);
    const m = randomBytes(kl * 3);
    assert.equal(st.hmac(k, m), createHmac('sha256', k).update(m).digest('hex'), `key length ${kl}`);
  }
});

test('a unit cookie signed by either provider is accepted by the other, byte for byte the same', async () => {
  for (const id of ['alice', crypto.randomUUID(), 'user-42', 'a.b.c', 'ünïcode-ü']) {
    const fromCf = await cf.signUnit(COOKIE_SECRET, id);
    const fromFastly = st.signUnit(COOKIE_SECRET, id);
    assert.equal(fromFastly, fromCf);
    assert.equal(st.verifyUnit(COOKIE_SECRET, fromCf), id);
    assert.equal(await cf.verifyUnit(COOKIE_SECRET, fromFastly), id);
  }
});

test('both providers refuse the same forged cookies, and accept the same lenient spellings', async () => {
  const good = await cf.signUnit(COOKIE_SECRET, 'alice');
  const sig = good.slice(good.lastIndexOf('.') + 1);
  const variants = [
    good,
    'alice',
    'alice.',
    `.${sig}`,
    `bob.${sig}`,
    good.slice(0, -1),
    good + 'A',
    good.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')),
    `alice.${sig.slice(0, -1)}${B64URL[B64URL.indexOf(sig[42]) ^ 1]}`, // low bits of the last character
    `alice.${sig.slice(0, -1)}=`,
    `alice.${sig.replace(/-/g, '+')}`,
    st.signUnit('another-secret-0123456789', 'alice'),
    `${'x'.repeat(201)}.${st.signUnit(COOKIE_SECRET, 'x'.repeat(201)).split('.')[1]}`,
    `${'x'.repeat(200)}.${st.signUnit(COOKIE_SECRET, 'x'.repeat(200)).split('.')[1]}`,
  ];
  const accepted = [];
  for (const [i, v] of variants.entries()) {
    const a = await cf.verifyUnit(COOKIE_SECRET, v);
    assert.equal(st.verifyUnit(COOKIE_SECRET, v), a, `cookie ${JSON.stringify(v)}`);
    if (a) accepted.push(i);
  }
  // The genuine cookie, the one whose last character differs in the two bits that encode no
  // byte (the signature ends in 'g'; 'h' decodes to the same 32 bytes: atob ignores those bits,
  // and so does the service), and the 200-character id. Refused: every other.
  assert.equal(sig.at(-1), 'g', 'the fixture changed: recheck the last-character variant');
  assert.deepEqual(accepted, [0, 8, 13]);
});

test('an override token minted by either provider forces the same arm on the other', async () => {
  const now = Date.now();
  const exp = Math.floor(now / 1000) + 600;
  for (const arm of ['stable', 'canary']) {
    const fromCf = await cf.signOverride(OVERRIDE_SECRET, arm, exp);
    assert.equal(st.signOverride(OVERRIDE_SECRET, arm, exp), fromCf);
    assert.equal(st.verifyOverride(OVERRIDE_SECRET, fromCf, now), arm);
    assert.equal(await cf.verifyOverride(OVERRIDE_SECRET, st.signOverride(OVERRIDE_SECRET, arm, exp), now), arm);
  }
});

test('both providers refuse the same override tokens: expired, other key, arm swapped, malformed', async () => {
  const now = Date.now();
  const exp = Math.floor(now / 1000) + 600;
  const good = await cf.signOverride(OVERRIDE_SECRET, 'canary', exp);
  const sig = good.split('.')[2];
  const tokens = [
    good,
    await cf.signOverride(OVERRIDE_SECRET, 'canary', Math.floor(now / 1000) - 1),
    await cf.signOverride(OVERRIDE_SECRET, 'canary', Math.ceil(now / 1000)),
    await cf.signOverride('another-override-secret-0123', 'canary', exp),
    `stable.${exp}.${sig}`,
    `canary.${exp + 1}.${sig}`,
    `canary.0${exp}.${sig}`,
    await cf.signOverride(OVERRIDE_SECRET, 'canary', `0${exp}`),
    await cf.signOverride(OVERRIDE_SECRET, 'other', exp),
    await cf.signOverride(OVERRIDE_SECRET, 'canary', '9999999999999'),
    await cf.signOverride(OVERRIDE_SECRET, 'canary', '999999999999'),
    `canary.${exp}.${sig}x`,
    `canary.${exp}.${sig.slice(1)}`,
    `canary..${sig}`,
    `CANARY.${exp}.${sig}`,
    ` ${good}`,
    '',
    await cf.signOverride(OVERRIDE_SECRET, 'canary', Math.floor(now / 1000) + 7 * 24 * 3600),
    await cf.signOverride(OVERRIDE_SECRET, 'canary', Math.ceil(now / 1000) + 7 * 24 * 3600 + 1),
  ];
  const verdicts = [];
  for (const t of tokens) {
    const a = await cf.verifyOverride(OVERRIDE_SECRET, t, now);
    assert.equal(st.verifyOverride(OVERRIDE_SECRET, t, now), a, `token ${JSON.stringify(t)}`);
    verdicts.push(a);
  }
  // Accepted: the genuine one, the one expiring this very second, the zero-padded expiry that
  // was signed as such, and one running exactly the 7-day maximum. Refused: every other, the
  // far-future 12-digit one (year 33658) and the one a second past the maximum included.
  assert.deepEqual(
    verdicts.map((v, i) => (v ? i : null)).filter((i) => i !== null),
    [0, 2, 7, 17],
  );
});

test('cookie values are found as worker.js readCookie finds them', () => {
  assert.equal(st.cookieValue('a=1; rg_unit=abc.def; b=2', 'rg_unit'), 'abc.def');
  assert.equal(st.cookieValue('rg_unit= padded ;x=y', 'rg_unit'), 'padded');
  assert.equal(st.cookieValue('x_rg_unit=1; rg_unit=2', 'rg_unit'), '2');
  assert.equal(st.cookieValue('rg_unit=first; rg_unit=second', 'rg_unit'), 'first');
  assert.equal(st.cookieValue('  rg_unit  =v=w', 'rg_unit'), 'v=w');
  assert.equal(st.cookieValue('=rg_unit; rg_unitx=1', 'rg_unit'), null);
  assert.equal(st.cookieValue('rg_unit=', 'rg_unit'), '');
  assert.equal(st.cookieValue('', 'rg_unit'), null);
});

test('fresh unit ids have crypto.randomUUID()\'s form: version 4, RFC 4122 variant, lower case', () => {
  const seen = new Set();
  for (let i = 0; i < 200; i++) {
    const id = st.uuid(randomBytes(16));
    assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    seen.add(id);
  }
  assert.equal(seen.size, 200);
  assert.equal(st.uuid(new Uint8Array(16)), '00000000-0000-4000-8000-000000000000');
});
