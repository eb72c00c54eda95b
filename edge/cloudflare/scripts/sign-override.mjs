// Mints a QA override token: sends its bearer to the given arm until it expires.
//   ROLLGATE_OVERRIDE_SECRET=... node scripts/sign-override.mjs canary [minutes=60]
//   curl -H "x-rollgate-override: <token>" https://www.example.com/
// SPDX-License-Identifier: MIT
import { createHmac } from 'node:crypto';

const [arm, minutes = '60'] = process.argv.slice(2);
const secret = process.env.ROLLGATE_OVERRIDE_SECRET;
// The worker refuses a token that runs longer than 7 days (crypto.js OVERRIDE_MAX_LIFETIME_S).
if (!['stable', 'canary'].includes(arm) || !secret || !(Number(minutes) > 0) || Number(minutes) > 7 * 24 * 60) {
  console.error('usage: ROLLGATE_OVERRIDE_SECRET=... node scripts/sign-override.mjs stable|canary [minutes, at most 10080 (7 days)]');
  process.exit(2);
}
const exp = Math.floor(Date.now() / 1000) + Math.round(Number(minutes) * 60);
const body = `${arm}.${exp}`;
const sig = createHmac('sha256', secret).update('override:' + body).digest('base64url');
console.log(`${body}.${sig}`);
