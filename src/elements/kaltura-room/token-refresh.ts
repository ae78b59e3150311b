/**
 * Fresh join tokens for an open room. A minute before the token expires, the server says so;
 * the element then asks the host page with a cancelable `kaltura-request-token` event. The page
 * answers with `event.detail.respond(token)` (now or later) or by setting the element's `token`;
 * either way the new token goes to the server on the open socket and the user stays in the room.
 * Without one, the server ends the connection at expiry and the element leaves cleanly.
 */
import { emit } from '../shared/emit.ts';

/** What the page reads when the element asks for a fresh token. */
export const EXPIRING_NOTE = 'Your sign-in expires in a minute. Reload the page to stay in the session.';
/** What the left screen says when the sign-in ran out. */
export const EXPIRED_NOTE = 'Your sign-in expired, so you left the session. Open the room again to continue.';

export class TokenRefresh {
  private readonly host: HTMLElement;
  private readonly send: (token: string) => Promise<void>;
  private readonly note: (text: string) => void;
  /** The last token handed to the server (so setting the same `token` again sends nothing). */
  private sent = '';
  /** A request is out: the page may still answer. */
  private asking = false;

  /** `send` hands a token to the server; `note` shows the user a short sentence. */
  constructor(host: HTMLElement, send: (token: string) => Promise<void>, note: (text: string) => void) {
    this.host = host;
    this.send = send;
    this.note = note;
  }

  /** The server warned that the token expires at `expiresAt` (server time): ask the page. */
  expiring(expiresAt: number): void {
    this.asking = true;
    let answered = false;
    const event = emit(
      this.host,
      'kaltura-request-token',
      {
        expiresAt,
        respond: (token: string) => {
          answered = true;
          this.supply(token);
        },
      },
      { cancelable: true },
    );
    // Not handled (and not answered at once): tell the user what will happen.
    if (!event.defaultPrevented && !answered) this.note(EXPIRING_NOTE);
  }

  /** A token from the page (`respond`, or a new `token` property while connected). */
  supply(token: string): void {
    if (!token || token === this.sent) return;
    this.sent = token;
    this.asking = false;
    this.send(token).catch((err: { message?: string }) => {
      if (this.sent === token) this.sent = '';
      if (err?.message) this.note(err.message);
    });
  }

  /** The current token, as used for the connection's hello: not to be sent again. */
  connectedWith(token: string): void {
    this.sent = token;
    this.asking = false;
  }

  get pending(): boolean {
    return this.asking;
  }
}
