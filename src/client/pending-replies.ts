/**
 * What the room connection is waiting for from the server: command acks by ref, media tickets (first
 * asked, first answered) and the one token refresh in flight. Each waits at most `timeoutMs`; all are
 * refused at once when the socket goes.
 */
import { RoomCommandError, type RoomError } from './room-error.ts';

/** The server's reply to a command: the sequence number of its last event. */
export interface CommandAck {
  seq: number;
}

interface Waiter<T> {
  resolve: (value: T) => void;
  reject: (error: RoomCommandError) => void;
  timer: ReturnType<typeof setTimeout>;
}

const timedOut = () => new RoomCommandError('timeout', 'The server did not answer in time.');

export class PendingReplies {
  private readonly timeoutMs: () => number;
  private commands = new Map<string, Waiter<CommandAck>>();
  private nextRef = 1;
  private tickets: Waiter<string>[] = [];
  private token: Waiter<void> | null = null;

  /** `timeoutMs`: how long a request waits for its answer (read at each request). */
  constructor(timeoutMs: () => number) {
    this.timeoutMs = timeoutMs;
  }

  /** A new command ref and the promise of its ack; call `send(ref)` to put it on the wire. */
  command(send: (ref: string) => void): Promise<CommandAck> {
    const ref = `c${this.nextRef++}`;
    return new Promise<CommandAck>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.commands.delete(ref);
        reject(timedOut());
      }, this.timeoutMs());
      this.commands.set(ref, { resolve, reject, timer });
      send(ref);
    });
  }

  /** The command `ref` was applied. */
  ack(ref: string, seq: number): void {
    const w = this.commands.get(ref);
    if (!w) return;
    this.commands.delete(ref);
    clearTimeout(w.timer);
    w.resolve({ seq });
  }

  /** The command `ref` was refused. False when no such command waits. */
  refuse(ref: string, error: RoomError): boolean {
    const w = this.commands.get(ref);
    if (!w) return false;
    this.commands.delete(ref);
    clearTimeout(w.timer);
    w.reject(new RoomCommandError(error.code, error.message, error.fatal, error.retryAfterMs));
    return true;
  }

  /** Wait for a media ticket; `send()` asks for it. */
  ticket(send: () => void): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      const waiter: Waiter<string> = {
        resolve,
        reject,
        timer: setTimeout(() => {
          this.tickets = this.tickets.filter((w) => w !== waiter);
          reject(timedOut());
        }, this.timeoutMs()),
      };
      this.tickets.push(waiter);
      send();
    });
  }

  /** A media ticket arrived: it answers the oldest request. */
  ticketArrived(ticket: string): void {
    const w = this.tickets.shift();
    if (!w) return;
    clearTimeout(w.timer);
    w.resolve(ticket);
  }

  /** Wait for a fresh join token to be accepted; an earlier refresh still waiting is replaced. */
  tokenRefresh(send: () => void): Promise<void> {
    this.token?.reject(new RoomCommandError('replaced', 'A newer token was sent.'));
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter<void> = {
        resolve,
        reject,
        timer: setTimeout(() => {
          if (this.token === waiter) this.token = null;
          reject(timedOut());
        }, this.timeoutMs()),
      };
      this.token = waiter;
      send();
    });
  }

  tokenAccepted(): void {
    const w = this.token;
    this.token = null;
    if (!w) return;
    clearTimeout(w.timer);
    w.resolve();
  }

  /**
   * A refusal without a ref answers the pending token refresh (`bad-token`, `forbidden`) or the
   * oldest ticket request (`not-joined`), if any. True when it did.
   */
  settleUnreferenced(error: RoomError): boolean {
    const w = (error.code === 'bad-token' || error.code === 'forbidden') && this.token ? this.token : null;
    if (w) {
      this.token = null;
      clearTimeout(w.timer);
      w.reject(new RoomCommandError(error.code, error.message));
      return true;
    }
    const t = error.code === 'not-joined' ? this.tickets.shift() : undefined;
    if (t) {
      clearTimeout(t.timer);
      t.reject(new RoomCommandError(error.code, error.message));
      return true;
    }
    return false;
  }

  /** Refuse everything still waiting (the socket went). */
  rejectAll(code: string, message: string): void {
    for (const [, w] of this.commands) {
      clearTimeout(w.timer);
      w.reject(new RoomCommandError(code, message));
    }
    this.commands.clear();
    for (const w of this.tickets.splice(0)) {
      clearTimeout(w.timer);
      w.reject(new RoomCommandError(code, message));
    }
    const t = this.token;
    this.token = null;
    if (t) {
      clearTimeout(t.timer);
      t.reject(new RoomCommandError(code, message));
    }
  }
}
