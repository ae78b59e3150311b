/**
 * Join tokens: the embedding site signs a short-lived JWT that says who the user
 * is, their role and the room; the server verifies it and trusts nothing else
 * the browser says about identity or role.
 *
 * Claims: `sub` (user id), `name`, `role` (host | moderator | participant),
 * `room`, `exp` (required), optional `hostAwayMinutes` (honoured from host and
 * moderator tokens), optional `iss`/`aud` when the server is configured to check them.
 */
import { errors, importSPKI, jwtVerify, SignJWT, type CryptoKey, type JWTPayload } from 'jose';
import * as v from 'valibot';
import { describeIssues, JoinClaimsSchema, type JoinClaims } from '../src/protocol/schema.ts';
import type { Actor } from '../src/protocol/types.ts';

export interface TokenConfig {
  /** Shared secret for HS256/384/512 tokens. */
  secret?: string;
  /** PEM (SPKI) public key for RS256/ES256/EdDSA tokens. */
  publicKey?: string;
  /** Algorithm of `publicKey` (default RS256). */
  publicKeyAlg?: string;
  issuer?: string;
  audience?: string;
}

export type VerifyResult =
  | { ok: true; actor: Actor; claims: JoinClaims }
  | { ok: false; reason: string };

export interface TokenVerifier {
  /** Verify a join token, and that it is for `room` when given. */
  verify(token: string, room?: string): Promise<VerifyResult>;
  /** Check signature, expiry, lifetime and issuer/audience only; claims are the caller's to validate. */
  verifyPayload(token: string): Promise<{ ok: true; payload: JWTPayload } | { ok: false; reason: string }>;
}

const MAX_LIFETIME_S = 24 * 3600;
const CLOCK_TOLERANCE_S = 5;

export async function createVerifier(config: TokenConfig): Promise<TokenVerifier> {
  let key: Uint8Array | CryptoKey;
  let algorithms: string[];
  if (config.publicKey) {
    const alg = config.publicKeyAlg ?? 'RS256';
    key = await importSPKI(config.publicKey, alg);
    algorithms = [alg];
  } else if (config.secret) {
    if (config.secret.length < 32) throw new Error('TOKEN_SECRET must be at least 32 characters long.');
    key = new TextEncoder().encode(config.secret);
    algorithms = ['HS256', 'HS384', 'HS512'];
  } else {
    throw new Error('Set TOKEN_SECRET (shared secret) or TOKEN_PUBLIC_KEY (PEM public key) to verify join tokens.');
  }

  const verifyPayload: TokenVerifier['verifyPayload'] = async (token) => {
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, key, {
          algorithms,
          issuer: config.issuer,
          audience: config.audience,
          requiredClaims: ['exp', 'sub'],
          clockTolerance: CLOCK_TOLERANCE_S,
        }));
      } catch (err) {
        return { ok: false, reason: explain(err) };
      }
      // The cap holds with or without `iat`: a token may neither claim a longer life
      // nor still have more than 24 hours to go (plus the clock tolerance) from now.
      const exp = payload.exp as number;
      const remaining = exp - Math.floor(Date.now() / 1000);
      if ((typeof payload.iat === 'number' && exp - payload.iat > MAX_LIFETIME_S) || remaining > MAX_LIFETIME_S + CLOCK_TOLERANCE_S) {
        return { ok: false, reason: 'The join token lives longer than 24 hours; issue short-lived tokens.' };
      }
      return { ok: true, payload };
  };

  return {
    verifyPayload,
    async verify(token, room) {
      const checked = await verifyPayload(token);
      if (!checked.ok) return checked;
      const payload = checked.payload;
      const parsed = v.safeParse(JoinClaimsSchema, payload);
      if (!parsed.success) return { ok: false, reason: `The join token's claims are wrong: ${describeIssues(parsed.issues)}.` };
      const claims = parsed.output;
      if (room !== undefined && claims.room !== room) {
        return { ok: false, reason: `The join token is for room "${claims.room}", not "${room}".` };
      }
      return { ok: true, claims, actor: { id: claims.sub, name: claims.name, role: claims.role } };
    },
  };
}

function explain(err: unknown): string {
  if (err instanceof errors.JWTExpired) return 'The join token has expired; reload the page to get a new one.';
  if (err instanceof errors.JWSSignatureVerificationFailed) return 'The join token was not signed by this site (bad signature).';
  if (err instanceof errors.JWTClaimValidationFailed) return `The join token's "${err.claim}" claim is not valid (${err.reason}).`;
  if (err instanceof errors.JOSEAlgNotAllowed) return 'The join token uses a signing algorithm this server does not accept.';
  if (err instanceof errors.JWSInvalid || err instanceof errors.JWTInvalid) return 'The join token is malformed.';
  return 'The join token could not be verified.';
}

/** Sign an HS256 token the way an embedding site would (demo mode and tests only). */
export async function signToken(secret: string, claims: JWTPayload, ttlSeconds = 4 * 3600): Promise<string> {
  return new SignJWT({ ...claims })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuedAt()
    .setExpirationTime(`${ttlSeconds}s`)
    .sign(new TextEncoder().encode(secret));
}

/** Demo mode only: sign a room join token like an embedding site would. */
export function issueToken(
  secret: string,
  claims: { sub: string; name: string; role: Actor['role']; room: string; hostAwayMinutes?: number },
  ttlSeconds = 4 * 3600,
): Promise<string> {
  return signToken(secret, claims, ttlSeconds);
}
