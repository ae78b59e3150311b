/**
 * Stands in for the `webrtc-adapter` package in the drop-in build (see vite.config.ts).
 * PeerJS reads only `browserDetails` from it, to check browser support; the
 * browsers the room supports need none of the adapter's shims, so the drop-in
 * ships this instead of about 8 KB (gzip) of shims.
 */
function detect(): { browser: string; version: number | null } {
  const ua = typeof navigator === 'undefined' ? '' : navigator.userAgent;
  const m = (re: RegExp) => {
    const r = re.exec(ua);
    return r ? Number(r[1]) : null;
  };
  if (/Firefox\//.test(ua)) return { browser: 'firefox', version: m(/Firefox\/(\d+)/) };
  if (/(Chrome|Chromium|CriOS|Edg)\//.test(ua)) return { browser: 'chrome', version: m(/(?:Chrome|Chromium|CriOS)\/(\d+)/) };
  if (/Safari\//.test(ua)) return { browser: 'safari', version: m(/Version\/(\d+)/) };
  return { browser: 'Not a supported browser.', version: null };
}

export default { browserDetails: detect() };
