/**
 * What the room hub does when the store cannot write (a full disk, a read-only
 * data directory, an I/O error): refuse the command that needed the write with
 * `storage-unavailable`, tell the operator once what to fix, and back off before
 * trying again, so timers and joins neither crash the process nor spin.
 */
import type { Clock } from '../socket.ts';

/** The message a client gets when its command could not be saved. */
export const STORAGE_REFUSAL = 'The server cannot save right now; try again shortly.';

/** First and longest wait before a failed write is tried again. */
export const RETRY_FIRST_MS = 1_000;
export const RETRY_MAX_MS = 30_000;
/** While writes keep failing, repeat the log line at most this often. */
const LOG_EVERY_MS = 60_000;

/** What an operator should do about a storage error, from its code or message. */
export function storageAdvice(err: unknown): string {
  const e = (err ?? {}) as { errcode?: number; code?: string; message?: string };
  const text = `${e.code ?? ''} ${e.message ?? ''}`;
  // SQLite result codes (primary code in the low byte): 13 FULL, 8 READONLY, 10 IOERR, 14 CANTOPEN.
  const primary = typeof e.errcode === 'number' ? e.errcode & 0xff : -1;
  // PostgreSQL (DATABASE_URL): a connection that failed or was lost, a timeout, or the server's own SQLSTATE class.
  if (/PostgreSQL|Connection terminated|timeout exceeded when trying to connect|ECONNREFUSED|ECONNRESET|ETIMEDOUT|statement timeout|Query read timeout/i.test(text) || /^(08|53|57|58)[0-9A-Z]{3}$/.test(e.code ?? '')) {
    return 'the PostgreSQL database does not answer: check that it runs, that DATABASE_URL points at it and that it has free connections and disk';
  }
  if (primary === 13 || /ENOSPC|disk is full|SQLITE_FULL/i.test(text)) {
    return 'the disk is full: free disk space where DATA_DIR is';
  }
  if (primary === 8 || /EROFS|EACCES|EPERM|readonly|read-only/i.test(text)) {
    return 'the data is read-only: make DATA_DIR and the files in it writable by the server';
  }
  if (primary === 14) return 'the database file cannot be opened: check that DATA_DIR exists and is writable';
  if (primary === 10 || /EIO\b|disk I\/O/i.test(text)) return 'the disk reported an I/O error: check the disk that holds DATA_DIR';
  return 'check that DATA_DIR has free space and is writable';
}

/**
 * The hub's view of its store's health. Every failed write lengthens the wait
 * before the next attempt (1 s, 2 s, 4 s … 30 s); one success resets it.
 */
export class StorageHealth {
  private clock: Clock;
  private log: (line: string) => void;
  private failures = 0;
  private retryAt = 0;
  private loggedAt = -Infinity;
  /** Writes refused since the store last worked (for the log and /health). */
  refused = 0;

  constructor(clock: Clock, log: (line: string) => void = (line) => console.error(line)) {
    this.clock = clock;
    this.log = log;
  }

  get ok(): boolean {
    return this.failures === 0;
  }

  /** While writes fail and the next try is not due: refuse joins before welcoming them. */
  get refusing(): boolean {
    return this.failures > 0 && this.clock.now() < this.retryAt;
  }

  /** How long a timer whose write failed waits before it tries again. */
  get retryDelay(): number {
    return Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** Math.max(0, this.failures - 1));
  }

  succeeded(): void {
    if (this.failures === 0) return;
    this.log(`Storage: writes work again after ${this.refused} refused; rooms are saving normally.`);
    this.failures = 0;
    this.retryAt = 0;
    this.refused = 0;
    this.loggedAt = -Infinity;
  }

  failed(err: unknown, room: string): void {
    this.failures++;
    this.refused++;
    const now = this.clock.now();
    this.retryAt = now + this.retryDelay;
    if (now - this.loggedAt < LOG_EVERY_MS) return;
    this.loggedAt = now;
    const reason = err instanceof Error ? err.message : String(err);
    this.log(
      `Storage: cannot save room "${room}" (${reason}): ${storageAdvice(err)}. ` +
        `Commands that need saving are refused with "storage-unavailable" (${this.refused} so far) until a write succeeds; ` +
        'reads and everything else keep working.',
    );
  }
}
