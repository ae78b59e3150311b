/**
 * File types for session attachments and header images: which extensions the product accepts,
 * their families, and the name rules, shared by the server's upload checks and the editor.
 * Pure TypeScript, re-exported by `sessions.ts`.
 */
import { ATTACHMENT_TITLE_MAX, FILE_NAME_MAX, type Attachment } from './sessions.ts';

// ---------------------------------------------------------------------------
// File types (attachments and header images)
// ---------------------------------------------------------------------------

/** Media files the product accepts (extensions, lower case; any case is accepted). */
export const MEDIA_EXTENSIONS = [
  'mts', 'qt', 'mov', 'mpeg', 'avi', 'mp4', 'vob', 'flv', 'f4v', 'asf', 'wmv', 'm4v', '3gp', 'mkv', 'arf', 'webm', 'mxf',
] as const;
/** Document files the product accepts. */
export const DOCUMENT_EXTENSIONS = [
  'doc', 'docx', 'docm', 'dotx', 'dotm', 'xls', 'xlsx', 'xlsm', 'xltx', 'xltm', 'xlsb', 'xlam', 'ppt', 'pptx', 'pptm',
  'potx', 'potm', 'ppam', 'ppsm', 'odb', 'odc', 'odg', 'odi', 'odm', 'odp', 'ods', 'odt', 'otc', 'otf', 'otg', 'oth',
  'oti', 'otp', 'ots', 'ott', 'oxt', 'swf', 'pdf',
] as const;
/** Image files the product accepts (attachments and the session header). */
export const IMAGE_EXTENSIONS = ['jpg', 'jpeg', 'bmp', 'png', 'gif', 'tif', 'tiff'] as const;

export type FileFamily = 'media' | 'document' | 'image';
export const FILE_FAMILY_LABELS: Record<FileFamily, string> = { media: 'media', document: 'document', image: 'image' };

const FAMILY_BY_EXTENSION = new Map<string, FileFamily>([
  ...MEDIA_EXTENSIONS.map((e) => [e, 'media'] as const),
  ...DOCUMENT_EXTENSIONS.map((e) => [e, 'document'] as const),
  ...IMAGE_EXTENSIONS.map((e) => [e, 'image'] as const),
]);

/** The `accept` attribute for a file input that takes any allowed attachment. */
export const ATTACHMENT_ACCEPT = [...FAMILY_BY_EXTENSION.keys()].map((e) => `.${e}`).join(',');
/** The `accept` attribute for the header image input. */
export const HEADER_ACCEPT = IMAGE_EXTENSIONS.map((e) => `.${e}`).join(',');

/** The extension of a file name, lower case, without the dot ('' when it has none). */
export function fileExtension(name: string): string {
  const base = name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 && dot < base.length - 1 ? base.slice(dot + 1).toLowerCase() : '';
}

/** Which family an allowed file belongs to, or null when its type is not allowed. */
export function fileFamily(name: string): FileFamily | null {
  return FAMILY_BY_EXTENSION.get(fileExtension(name)) ?? null;
}

/** Why this file cannot be attached, or null when it can. */
export function attachmentNameProblem(name: string): string | null {
  const nameProblem = fileNameProblem(name);
  if (nameProblem) return nameProblem;
  if (fileFamily(name)) return null;
  const ext = fileExtension(name);
  return (
    `"${name}" cannot be attached: ${ext ? `.${ext} files are not supported` : 'the file has no extension'}. ` +
    'Attach media files (such as mp4, mov, webm), documents (such as pdf, docx, pptx, xlsx, odt) or images (jpg, jpeg, bmp, png, gif, tif, tiff).'
  );
}

/** Why this file cannot be the session header, or null when it can. */
export function headerNameProblem(name: string): string | null {
  const nameProblem = fileNameProblem(name);
  if (nameProblem) return nameProblem;
  if (fileFamily(name) === 'image') return null;
  return `"${name}" is not an image. The header takes jpg, jpeg, bmp, png, gif, tif or tiff files.`;
}

function fileNameProblem(name: string): string | null {
  if (!name.trim()) return 'The file has no name.';
  if (name.length > FILE_NAME_MAX) return `A file name can have at most ${FILE_NAME_MAX} characters.`;
  // deno-lint-ignore no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'The file name holds control characters.';
  return null;
}

/** The file name a person sees: the last path segment, trimmed. */
export function baseFileName(name: string): string {
  return name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1).trim();
}

/** A default attachment title: the file name without its extension ("Roadmap.doc" → "Roadmap"). */
export function defaultAttachmentTitle(name: string): string {
  const base = baseFileName(name);
  const dot = base.lastIndexOf('.');
  const stem = dot > 0 ? base.slice(0, dot) : base;
  return stem.slice(0, ATTACHMENT_TITLE_MAX) || base.slice(0, ATTACHMENT_TITLE_MAX);
}

/** "870 KB", "1.4 MB": sizes as the attachment info shows them (1 KB = 1024 bytes). */
export function formatFileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const shown = value >= 100 || unit === 0 ? Math.round(value).toString() : (Math.round(value * 10) / 10).toString();
  return `${shown} ${units[unit]}`;
}

/** "doc document": the file type line of the attachment info. */
export function describeFileType(a: Pick<Attachment, 'extension' | 'family'>): string {
  return `${a.extension} ${FILE_FAMILY_LABELS[a.family]}`;
}
