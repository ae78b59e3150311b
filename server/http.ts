/**
 * HTTP edges shared by every route: static files, security headers fitting an
 * embeddable product, and a clear 400 for URLs that are not valid percent-encoding.
 *
 * Embeddable: the drop-in script, its chunks and the REST API are loaded by other
 * sites (CORS as configured, no frame or resource-policy headers that would stop
 * them). Our own pages (the demo) get a strict Content-Security-Policy.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/** A file under `root` (never outside it), or null when there is none. */
export async function serveFile(root: string, rel: string, cache: string): Promise<Response | null> {
  const path = normalize(join(root, rel));
  if (path !== root && !path.startsWith(root + sep)) return null;
  try {
    const body = await readFile(path);
    return new Response(body, {
      headers: {
        'content-type': TYPES[extname(path)] ?? 'application/octet-stream',
        'cache-control': cache,
        'x-content-type-options': 'nosniff',
      },
    });
  } catch {
    return null;
  }
}

/**
 * The demo pages' policy: scripts and styles only from this server (Lit's styles
 * may set inline style attributes), sockets to it (room and signaling), camera
 * previews and header images from blob: and data: URLs, framing by the same site only.
 */
export const DEMO_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob: mediastream:",
  "connect-src 'self' ws: wss:",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'self'",
].join('; ');

/** Headers on every reply: no MIME sniffing, no Referer leaking page URLs; CSP on our HTML pages. */
export const securityHeaders: MiddlewareHandler = async (c, next) => {
  await next();
  const h = c.res.headers;
  if (!h.has('x-content-type-options')) h.set('x-content-type-options', 'nosniff');
  if (!h.has('referrer-policy')) h.set('referrer-policy', 'no-referrer');
  if (/^text\/html/.test(h.get('content-type') ?? '') && !h.has('content-security-policy')) h.set('content-security-policy', DEMO_CSP);
  // Replies about people or carrying tokens are never kept by caches.
  const path = new URL(c.req.url).pathname;
  if ((path.startsWith('/api/') || path.startsWith('/demo/token')) && !h.has('cache-control')) h.set('cache-control', 'no-store');
};

/** Is this path valid percent-encoding? */
export function decodablePath(pathname: string): boolean {
  try {
    decodeURIComponent(pathname);
    return true;
  } catch {
    return false;
  }
}

/** Why a URL that is not valid percent-encoding is refused (HTTP replies and WebSocket upgrades alike). */
export const BAD_URL_MESSAGE = 'The URL is not valid: it holds a broken percent-encoding (such as "%E0%A4%A"). Encode it with encodeURIComponent.';

/** Is this request target (path and query, as sent: "/rooms/x/socket?a=b") broken percent-encoding? */
export function malformedTarget(target: string): boolean {
  const q = target.indexOf('?');
  const path = q < 0 ? target : target.slice(0, q);
  const query = q < 0 ? '' : target.slice(q + 1);
  return !decodablePath(path) || !decodablePath(query.replaceAll('+', ' '));
}

/** A URL that is not valid percent-encoding is the client's mistake: 400, before any route sees it. */
export const rejectMalformedUrl: MiddlewareHandler = async (c, next) => {
  const raw = c.req.url;
  if (malformedTarget(raw.slice(raw.indexOf('/', raw.indexOf('//') + 2)))) return badUrl(c);
  await next();
};

export function badUrl(c: Context): Response {
  return c.json({ error: BAD_URL_MESSAGE }, 400);
}
