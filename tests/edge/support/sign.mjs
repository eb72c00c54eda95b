// Signs a QA override token and a unit cookie the way the worker verifies them (HMAC-SHA256,
// base64url), independently of the worker's code. SPDX-License-Identifier: MIT
import { createHmac } from 'node:crypto';

const b64url = (buf) => buf.toString('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

export function signOverrideNode(secret, arm, expirySeconds) {
  const body = `${arm}.${expirySeconds}`;
  return `${body}.${b64url(createHmac('sha256', secret).update('override:' + body).digest())}`;
}

export function signUnitNode(secret, id) {
  return `${id}.${b64url(createHmac('sha256', secret).update('unit:' + id).digest())}`;
}
