/** What a room connection reports when something goes wrong. */

/** An error the connection reports: a server error code or one of the client's own. */
export interface RoomError {
  code: string;
  message: string;
  fatal: boolean;
  /** With `rate-limited`: how long to wait before sending that again, in ms. */
  retryAfterMs?: number;
}

/** A command the server refused or that could not be delivered. */
export class RoomCommandError extends Error implements RoomError {
  readonly code: string;
  readonly fatal: boolean;
  /** With `rate-limited`: how long to wait before sending that again, in ms. */
  readonly retryAfterMs?: number;
  constructor(code: string, message: string, fatal = false, retryAfterMs?: number) {
    super(message);
    this.name = 'RoomCommandError';
    this.code = code;
    this.fatal = fatal;
    if (retryAfterMs !== undefined) this.retryAfterMs = retryAfterMs;
  }
}

/** The refusal for anything asked while the socket is not welcomed. */
export function notConnected(): RoomCommandError {
  return new RoomCommandError('not-connected', 'Not connected to the session right now; try again in a moment.');
}
