/**
 * Signed file links: attachment downloads and header images are fetched by
 * `<a download>` and `<img>`, which cannot send an Authorization header, and no
 * token may ever travel in a URL. So the authorized API hands out short-lived
 * links instead, each good for one file only:
 *
 *   …/attachments/<id>/download?expires=<unix s>&signature=<HMAC>
 *   …/header?v=<header version>&expires=<unix s>&signature=<HMAC>
 *
 * The signature is an HMAC-SHA256 over {kind, event, session, file, expiry} with a
 * key derived from the server's token secret (so every server of a deployment
 * accepts the links of the others), or drawn at random at start when the server
 * holds only a public key. Expiry is rounded up to a whole window, so a page sees
 * the same URL for a few minutes and the browser's cache keeps working.
 */
import { Buffer } from 'node:buffer';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export type LinkKind = 'attachment' | 'header';

export interface FileLinkTarget {
  kind: LinkKind;
  event: string;
  session: string;
  /** The attachment id, or the header image's version. */
  file: string;
}

export interface FileLinks {
  /** The query string (`expires=…&signature=…`) that opens this one file until it expires. */
  sign(target: FileLinkTarget): string;
  /** Check a link's `expires` and `signature` against the file it asks for. */
  check(target: FileLinkTarget, expires: string | undefined, signature: string | undefined): 'ok' | 'expired' | 'invalid';
}

/** Links live between `windowS` and twice that (5 to 10 minutes by default). */
export function createFileLinks(opts: { secret?: string; clock: { now(): number }; windowS?: number }): FileLinks {
  const key = opts.secret
    ? createHmac('sha256', opts.secret).update('kaltura-room file links v1').digest()
    : randomBytes(32);
  const windowS = opts.windowS ?? 300;
  const mac = (t: FileLinkTarget, expires: number) =>
    createHmac('sha256', key).update([t.kind, t.event, t.session, t.file, String(expires)].join('\n')).digest();
  const nowS = () => Math.floor(opts.clock.now() / 1000);

  return {
    sign(target) {
      const expires = (Math.floor((nowS() + windowS) / windowS) + 1) * windowS;
      return `expires=${expires}&signature=${mac(target, expires).toString('base64url')}`;
    },
    check(target, expires, signature) {
      if (!expires || !signature || !/^\d{1,12}$/.test(expires) || !/^[A-Za-z0-9_-]{43}$/.test(signature)) return 'invalid';
      const exp = Number(expires);
      const given = Buffer.from(signature, 'base64url');
      const want = mac(target, exp);
      if (given.length !== want.length || !timingSafeEqual(given, want)) return 'invalid';
      return exp > nowS() ? 'ok' : 'expired';
    },
  };
}
