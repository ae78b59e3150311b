/** Join and event token checks: signature, claims and the 24-hour lifetime cap. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SignJWT } from 'jose';
import { createVerifier, issueToken } from './auth.ts';

const SECRET = 'auth-test-secret-0123456789-0123456789-x';
const claims = { sub: 'u1', name: 'Ann', role: 'host', room: 'bio-101' };
const now = () => Math.floor(Date.now() / 1000);

/** Sign exactly these claims: no `iat` unless given. */
const sign = (payload: Record<string, unknown>) =>
  new SignJWT(payload).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(new TextEncoder().encode(SECRET));

describe('token lifetime', () => {
  it('accepts a short-lived token, with or without iat', async () => {
    const v = await createVerifier({ secret: SECRET });
    assert.equal((await v.verify(await issueToken(SECRET, claims as never, 3600), 'bio-101')).ok, true);
    assert.equal((await v.verify(await sign({ ...claims, exp: now() + 3600 }), 'bio-101')).ok, true);
    assert.equal((await v.verify(await sign({ ...claims, exp: now() + 24 * 3600 }), 'bio-101')).ok, true);
  });

  it('refuses a token without iat that expires in year 9999', async () => {
    const v = await createVerifier({ secret: SECRET });
    const r = await v.verify(await sign({ ...claims, exp: 253402300799 }), 'bio-101');
    assert.equal(r.ok, false);
    assert.match((r as { reason: string }).reason, /longer than 24 hours/);
  });

  it('refuses a token with more than 24 hours to go even when iat claims a short life', async () => {
    const v = await createVerifier({ secret: SECRET });
    const exp = now() + 48 * 3600;
    const r = await v.verifyPayload(await sign({ ...claims, iat: exp - 3600, exp }));
    assert.equal(r.ok, false);
  });

  it('refuses a token whose iat and exp are more than 24 hours apart', async () => {
    const v = await createVerifier({ secret: SECRET });
    const r = await v.verifyPayload(await sign({ ...claims, iat: now() - 30 * 3600, exp: now() + 60 }));
    assert.equal(r.ok, false);
  });
});
