/**
 * Checks an upload must pass before and while its body is read: a file name and type the route
 * accepts, a size under the largest upload, and room in the event's storage quota, counting the
 * uploads still in flight for the same event.
 */
import type { Context } from 'hono';
import { formatFileSize } from '../../src/protocol/sessions.ts';
import type { SessionsStore } from '../store/sessions-store.ts';
import type { ApiContext } from './api-context.ts';
import { tooLarge, uploadName } from './uploads.ts';

/** A place held in an event's quota for one upload. */
export interface QuotaHold {
  /** As bytes arrive: a refusal when they no longer fit, else null. */
  check(size: number): string | null;
  /** Once the file is complete, against what is stored by then. */
  finalCheck(size: number): Promise<string | null>;
  /** The event's quota, for the store to check again as it writes the record (several servers). */
  readonly quota: number;
  /** What to answer when the store found, as it wrote the record, that the file no longer fits. */
  refusal(size: number): Promise<string>;
  /** Always, when the upload is over. */
  release(): void;
}

export class UploadQuota {
  private readonly store: SessionsStore;
  private readonly problem: ApiContext['problem'];
  /** Most bytes of files one event may keep. */
  private readonly quota: number;
  private readonly maxUploadBytes: number;
  /** Uploads in flight per event, counted against its quota with what is stored. */
  private readonly uploading = new Map<string, Set<{ bytes: number }>>();

  constructor(opts: { store: SessionsStore; problem: ApiContext['problem']; quota: number; maxUploadBytes: number }) {
    this.store = opts.store;
    this.problem = opts.problem;
    this.quota = opts.quota;
    this.maxUploadBytes = opts.maxUploadBytes;
  }

  /**
   * Before reading an upload's body: its file name (X-File-Name or ?name=), its type by that
   * name, and its declared size. Returns the name, or the response refusing it.
   */
  checkUpload(c: Context, field: string, typeProblem: (name: string) => string | null): string | Response {
    const problem = this.problem;
    const named = uploadName(c.req.header('x-file-name'), c.req.query('name'));
    if (!named.ok) return problem(c, { ok: false, status: 400, error: named.reason, fields: { [field]: [named.reason] } });
    const refused = typeProblem(named.name);
    if (refused) return problem(c, { ok: false, status: 415, error: refused, fields: { [field]: [refused] } });
    const declared = Number(c.req.header('content-length') ?? NaN);
    if (declared > this.maxUploadBytes) {
      const reason = tooLarge(named.name, this.maxUploadBytes);
      return problem(c, { ok: false, status: 413, error: reason, fields: { file: [reason] } });
    }
    return named.name;
  }

  /**
   * Hold a place for an upload in the event's storage quota (`replacing`: bytes of the file it
   * replaces, not counted). Refuses at once when the declared size does not fit.
   */
  async reserve(c: Context, event: string, name: string, replacing = 0): Promise<QuotaHold | Response> {
    const mine = { bytes: 0 };
    const others = () => {
      let n = 0;
      for (const u of this.uploading.get(event) ?? []) if (u !== mine) n += u.bytes;
      return n;
    };
    let used = (await this.store.storageUsed(event)) - replacing;
    const verdict = (size: number) =>
      used + others() + size > this.quota ? this.overQuota(name, used + others(), size) : null;
    const declared = Number(c.req.header('content-length') ?? NaN);
    const early = Number.isFinite(declared) ? verdict(declared) : null;
    if (early) return this.problem(c, { ok: false, status: 413, error: early, fields: { file: [early] } });
    let set = this.uploading.get(event);
    if (!set) this.uploading.set(event, (set = new Set()));
    set.add(mine);
    const uploading = this.uploading;
    return {
      check: (size: number) => {
        mine.bytes = size;
        return verdict(size);
      },
      finalCheck: async (size: number) => {
        used = (await this.store.storageUsed(event)) - replacing;
        return verdict(size);
      },
      quota: this.quota,
      refusal: async (size: number) => {
        used = (await this.store.storageUsed(event)) - replacing;
        return this.overQuota(name, used + others(), size);
      },
      release: () => {
        set.delete(mine);
        if (set.size === 0 && uploading.get(event) === set) uploading.delete(event);
      },
    };
  }

  private overQuota(name: string, used: number, size: number): string {
    return (
      `"${name}" (${formatFileSize(size)}${size >= this.maxUploadBytes ? ' or more' : ''}) does not fit in this event's storage quota: ` +
      `its files use ${formatFileSize(used)} of ${formatFileSize(this.quota)}. Delete files the event no longer needs, ` +
      'or ask the server\'s administrator to raise EVENT_STORAGE_MB.'
    );
  }
}
