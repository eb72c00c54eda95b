// rollgate edge — signing with WebCrypto: the unit cookie, QA override tokens, and the admin
// token compare. SPDX-License-Identifier: MIT

const enc = new TextEncoder();
// secret → CryptoKey, imported once per isolate. The resolved key is cached, never a pending
// promise: a promise started by one request must not be awaited by another (workerd ties I/O and
// its continuations to the request that started it).
const keys = new Map();

async function hmacKey(secret) {
  let k = keys.get(secret);
  if (!k) {
    k = await crypto.subtle.importKey('raw', enc.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [
      'sign',
      'verify',
    ]);
    if (keys.size > 8) keys.clear();
    keys.set(secret, k);
  }
  return k;
}

export function b64url(bytes) {
  let s = '';
  const a = new Uint8Array(bytes);
  for (let i = 0; i < a.length; i++) s += String.fromCharCode(a[i]);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function unb64url(text) {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return null;
  const pad = text.length % 4 === 0 ? '' : '='.repeat(4 - (text.length % 4));
  try {
    const bin = atob(text.replace(/-/g, '+').replace(/_/g, '/') + pad);
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  } catch {
    return null;
  }
}

/** base64url(HMAC-SHA256(secret, message)). */
export async function sign(secret, message) {
  return b64url(await crypto.subtle.sign('HMAC', await hmacKey(secret), enc.encode(message)));
}

/** Constant-time check of a base64url HMAC (WebCrypto's verify). */
export async function verify(secret, message, signature) {
  const sig = unb64url(signature);
  if (!sig || sig.length !== 32) return false;
  return crypto.subtle.verify('HMAC', await hmacKey(secret), sig, enc.encode(message));
}

/** A fresh random unit id (122 random bits). */
export function randomUnit() {
  return crypto.randomUUID();
}

/** `<id>.<sig>` for the unit cookie. */
export async function signUnit(secret, id) {
  return `${id}.${await sign(secret, 'unit:' + id)}`;
}

/** The unit id inside a cookie value, or null when the signature does not match. */
export async function verifyUnit(secret, value) {
  const dot = value.lastIndexOf('.');
  if (dot <= 0 || dot > 200) return null;
  const id = value.slice(0, dot);
  return (await verify(secret, 'unit:' + id, value.slice(dot + 1))) ? id : null;
}

/**
 * Override tokens for QA: `<arm>.<expiry epoch seconds>.<sig>`, sig over "override:<arm>.<exp>".
 * Made by scripts/sign-override.mjs (the same code, in Node).
 */
export async function signOverride(secret, arm, expirySeconds) {
  const body = `${arm}.${expirySeconds}`;
  return `${body}.${await sign(secret, 'override:' + body)}`;
}

/**
 * The longest an override token may still run: 7 days. A token whose expiry lies further ahead is
 * refused although signed, so that a leaked token (or one minted with a typo, 33658 A.D.) cannot
 * pin traffic to an arm for good; rotating ROLLGATE_OVERRIDE_SECRET is then not the only cure.
 * edge/fastly/src/tokens.cpp has the same rule.
 */
export const OVERRIDE_MAX_LIFETIME_S = 7 * 24 * 3600;

/** The forced arm, or null when the token is malformed, expired, too long-lived or not ours. */
export async function verifyOverride(secret, token, nowMs) {
  const m = /^(stable|canary)\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!m) return null;
  const expiryMs = Number(m[2]) * 1000;
  if (expiryMs < nowMs || expiryMs > nowMs + OVERRIDE_MAX_LIFETIME_S * 1000) return null;
  return (await verify(secret, `override:${m[1]}.${m[2]}`, m[3])) ? m[1] : null;
}

/**
 * Constant-time string compare for bearer tokens: both sides are HMAC'ed with a per-isolate random
 * key first, so the comparison runs over fixed-length digests whatever the inputs' lengths.
 */
let compareKey = null;
export async function timingSafeEqual(a, b) {
  if (!compareKey) {
    compareKey = await crypto.subtle.generateKey({ name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  }
  const key = compareKey;
  const [x, y] = await Promise.all([
    crypto.subtle.sign('HMAC', key, enc.encode(String(a))),
    crypto.subtle.sign('HMAC', key, enc.encode(String(b))),
  ]);
  const u = new Uint8Array(x);
  const v = new Uint8Array(y);
  let diff = 0;
  for (let i = 0; i < u.length; i++) diff |= u[i] ^ v[i];
  return diff === 0;
}

/** Bearer token check for the admin endpoints. */
export async function checkBearer(request, token) {
  const h = request.headers.get('authorization') || '';
  const m = /^Bearer\s+(.+)$/i.exec(h);
  if (!m || !token) return false;
  return timingSafeEqual(m[1].trim(), token);
}
