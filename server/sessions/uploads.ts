/**
 * Files in and out, streamed: an upload is written chunk by chunk to a temporary
 * file while its bytes are counted; past the limit (or on any error) the stream is
 * cancelled and the temporary file removed, so nothing partial is ever left. A
 * complete upload is renamed into place. Downloads stream from disk the same way.
 *
 * Web streams plus node:fs/promises only, so Node.js and Deno run it unchanged.
 */
import { mkdir, open, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { formatFileSize } from '../../src/protocol/sessions.ts';

export type ReceiveResult =
  | { ok: true; size: number; head: Uint8Array }
  | { ok: false; status: 400 | 413 | 415; reason: string };

export interface ReceiveOptions {
  /** Folder for the temporary file (on the same file system as `target`). */
  tmpDir: string;
  /** Where the complete file goes. */
  target: string;
  maxBytes: number;
  /** Shown in messages. */
  name: string;
  /**
   * Look at the first bytes once `headBytes` of them (or the whole file, if
   * shorter) arrived; return a reason to refuse the file, or null.
   */
  inspect?: (head: Uint8Array) => string | null;
  headBytes?: number;
  /** Called with the bytes received so far; a reason refuses the upload with 413 (a storage quota). */
  onProgress?: (size: number) => string | null;
}

/** Stream a request body to `target`, never holding more than one chunk in memory. */
export async function receiveToFile(body: ReadableStream<Uint8Array> | null, opts: ReceiveOptions): Promise<ReceiveResult> {
  if (!body) return { ok: false, status: 400, reason: `"${opts.name}" arrived without content: send the file as the request body.` };
  const headBytes = opts.headBytes ?? 16;
  await mkdir(opts.tmpDir, { recursive: true });
  const tmp = join(opts.tmpDir, `${crypto.randomUUID()}.part`);
  const reader = body.getReader();
  let fh: FileHandle | null = null;
  let size = 0;
  let head: Uint8Array = new Uint8Array(0);
  let inspected = !opts.inspect;
  const refuse = async (result: ReceiveResult): Promise<ReceiveResult> => {
    await reader.cancel().catch(() => {});
    await fh?.close().catch(() => {});
    fh = null;
    await rm(tmp, { force: true });
    return result;
  };
  try {
    fh = await open(tmp, 'wx');
    for (;;) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch {
        // The client went away (or the connection broke) mid-upload.
        return await refuse({ ok: false, status: 400, reason: `The upload of "${opts.name}" was interrupted; try again.` });
      }
      const { done, value } = chunk;
      if (done) break;
      if (!value || value.byteLength === 0) continue;
      size += value.byteLength;
      if (size > opts.maxBytes) {
        return await refuse({ ok: false, status: 413, reason: tooLarge(opts.name, opts.maxBytes) });
      }
      const over = opts.onProgress?.(size);
      if (over) return await refuse({ ok: false, status: 413, reason: over });
      if (head.byteLength < headBytes) head = concat(head, value.subarray(0, headBytes - head.byteLength));
      if (!inspected && head.byteLength >= headBytes) {
        inspected = true;
        const problem = opts.inspect!(head);
        if (problem) return await refuse({ ok: false, status: 415, reason: problem });
      }
      await writeAll(fh, value);
    }
    if (size === 0) return await refuse({ ok: false, status: 400, reason: `"${opts.name}" is empty.` });
    if (!inspected) {
      const problem = opts.inspect!(head);
      if (problem) return await refuse({ ok: false, status: 415, reason: problem });
    }
    await fh.close();
    fh = null;
    await mkdir(dirname(opts.target), { recursive: true });
    await rename(tmp, opts.target);
    return { ok: true, size, head };
  } catch (err) {
    // A disk or file-system failure: clean up, then let the app answer (503 when the disk is full or read-only).
    await refuse({ ok: false, status: 400, reason: '' });
    throw err;
  }
}

async function writeAll(fh: FileHandle, chunk: Uint8Array): Promise<void> {
  let off = 0;
  while (off < chunk.byteLength) {
    const { bytesWritten } = await fh.write(chunk, off, chunk.byteLength - off);
    off += bytesWritten;
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.byteLength + b.byteLength);
  out.set(a, 0);
  out.set(b, a.byteLength);
  return out;
}

export function tooLarge(name: string, maxBytes: number): string {
  return `"${name}" is larger than the ${formatFileSize(maxBytes)} upload limit.`;
}

/** Stream a file from disk; null when it is gone. */
export async function fileResponseBody(path: string): Promise<{ body: ReadableStream<Uint8Array>; size: number } | null> {
  let fh: FileHandle;
  try {
    fh = await open(path, 'r');
  } catch {
    return null;
  }
  const { size } = await fh.stat();
  let pos = 0;
  let closed = false;
  const close = async () => {
    if (!closed) {
      closed = true;
      await fh.close().catch(() => {});
    }
  };
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const buf = new Uint8Array(64 * 1024);
        const { bytesRead } = await fh.read(buf, 0, buf.byteLength, pos);
        if (bytesRead === 0) {
          await close();
          controller.close();
          return;
        }
        pos += bytesRead;
        controller.enqueue(buf.subarray(0, bytesRead));
      } catch (err) {
        await close();
        controller.error(err);
      }
    },
    cancel: close,
  });
  return { body, size };
}

export async function removeQuietly(path: string): Promise<void> {
  await rm(path, { force: true, recursive: true }).catch(() => {});
}

export async function fileExists(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** The uploaded file's name: `X-File-Name` (percent-encoded UTF-8) or `?name=`. */
export function uploadName(header: string | undefined | null, query: string | undefined | null): { ok: true; name: string } | { ok: false; reason: string } {
  const raw = header ?? query;
  if (!raw) {
    return { ok: false, reason: 'Name the file: send its name (percent-encoded) in the X-File-Name header, or as ?name=.' };
  }
  let name: string;
  try {
    name = header ? decodeURIComponent(raw) : raw;
  } catch {
    return { ok: false, reason: 'The X-File-Name header is not valid percent-encoded UTF-8 (use encodeURIComponent).' };
  }
  name = name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1).replace(BIDI_CONTROLS, '').trim();
  return { ok: true, name };
}

/**
 * Bidirectional-control characters (embeddings, overrides, isolates, marks): in a
 * file name they can make "invoice\u202Efdp.exe" read as "invoiceexe.pdf".
 */
export const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/g;

/** `attachment; filename="…"; filename*=UTF-8''…` (RFC 6266 with an RFC 5987 name). */
export function contentDisposition(name: string, kind: 'attachment' | 'inline' = 'attachment'): string {
  const fallback = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${kind}; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

const CONTENT_TYPES: Record<string, string> = {
  mts: 'video/mp2t', qt: 'video/quicktime', mov: 'video/quicktime', mpeg: 'video/mpeg', avi: 'video/x-msvideo',
  mp4: 'video/mp4', vob: 'video/dvd', flv: 'video/x-flv', f4v: 'video/x-f4v', asf: 'video/x-ms-asf', wmv: 'video/x-ms-wmv',
  m4v: 'video/x-m4v', '3gp': 'video/3gpp', mkv: 'video/x-matroska', arf: 'application/octet-stream', webm: 'video/webm',
  mxf: 'application/mxf',
  doc: 'application/msword',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  docm: 'application/vnd.ms-word.document.macroEnabled.12',
  dotx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.template',
  dotm: 'application/vnd.ms-word.template.macroEnabled.12',
  xls: 'application/vnd.ms-excel',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  xlsm: 'application/vnd.ms-excel.sheet.macroEnabled.12',
  xltx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.template',
  xltm: 'application/vnd.ms-excel.template.macroEnabled.12',
  xlsb: 'application/vnd.ms-excel.sheet.binary.macroEnabled.12',
  xlam: 'application/vnd.ms-excel.addin.macroEnabled.12',
  ppt: 'application/vnd.ms-powerpoint',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  pptm: 'application/vnd.ms-powerpoint.presentation.macroEnabled.12',
  potx: 'application/vnd.openxmlformats-officedocument.presentationml.template',
  potm: 'application/vnd.ms-powerpoint.template.macroEnabled.12',
  ppam: 'application/vnd.ms-powerpoint.addin.macroEnabled.12',
  ppsm: 'application/vnd.ms-powerpoint.slideshow.macroEnabled.12',
  odb: 'application/vnd.oasis.opendocument.database', odc: 'application/vnd.oasis.opendocument.chart',
  odg: 'application/vnd.oasis.opendocument.graphics', odi: 'application/vnd.oasis.opendocument.image',
  odm: 'application/vnd.oasis.opendocument.text-master', odp: 'application/vnd.oasis.opendocument.presentation',
  ods: 'application/vnd.oasis.opendocument.spreadsheet', odt: 'application/vnd.oasis.opendocument.text',
  otc: 'application/vnd.oasis.opendocument.chart-template', otf: 'application/vnd.oasis.opendocument.formula-template',
  otg: 'application/vnd.oasis.opendocument.graphics-template', oth: 'application/vnd.oasis.opendocument.text-web',
  oti: 'application/vnd.oasis.opendocument.image-template', otp: 'application/vnd.oasis.opendocument.presentation-template',
  ots: 'application/vnd.oasis.opendocument.spreadsheet-template', ott: 'application/vnd.oasis.opendocument.text-template',
  oxt: 'application/vnd.openofficeorg.extension', swf: 'application/x-shockwave-flash', pdf: 'application/pdf',
  jpg: 'image/jpeg', jpeg: 'image/jpeg', bmp: 'image/bmp', png: 'image/png', gif: 'image/gif', tif: 'image/tiff',
  tiff: 'image/tiff',
};

/** The Content-Type a file of this extension is served with. */
export function contentTypeFor(extension: string): string {
  return CONTENT_TYPES[extension] ?? 'application/octet-stream';
}

/** How many first bytes `sniffImage` needs. */
export const SNIFF_BYTES = 18;

/**
 * The image type these first bytes announce, or null when they are no image we take
 * (the seed's jpg, png, gif, bmp and tiff). Each signature is checked in full, so an
 * HTML or SVG file named .png, or a text file that merely starts with "BM", is refused.
 */
export function sniffImage(head: Uint8Array): string | null {
  const starts = (...bytes: number[]) => bytes.every((b, i) => head[i] === b);
  const ascii = (text: string) => starts(...Array.from(text, (c) => c.charCodeAt(0)));
  if (starts(0xff, 0xd8, 0xff)) return 'image/jpeg';
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'image/png';
  if (ascii('GIF87a') || ascii('GIF89a')) return 'image/gif';
  if (ascii('BM') && head.length >= SNIFF_BYTES) {
    // BITMAPFILEHEADER: two reserved zero words, then a DIB header of a known size.
    const u32 = (at: number) => (head[at] | (head[at + 1] << 8) | (head[at + 2] << 16) | (head[at + 3] << 24)) >>> 0;
    const reservedZero = head[6] === 0 && head[7] === 0 && head[8] === 0 && head[9] === 0;
    if (reservedZero && [12, 16, 40, 52, 56, 64, 108, 124].includes(u32(14))) return 'image/bmp';
    return null;
  }
  if (starts(0x49, 0x49, 0x2a, 0x00) || starts(0x4d, 0x4d, 0x00, 0x2a)) return 'image/tiff';
  return null;
}
