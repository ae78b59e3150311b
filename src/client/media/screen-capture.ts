/**
 * Capturing a screen, window or tab to share: getDisplayMedia (with the tab's or system's audio
 * when asked for and the browser offers it), stopping it, and noticing at once when the browser's
 * own "Stop sharing" bar ended it.
 */
import { classifyMediaError, type MediaIssue } from './local-media.ts';

/** Why a screen capture did not start; `code` says what to tell the user. */
export class MediaIssueError extends Error {
  readonly code: MediaIssue;
  constructor(code: MediaIssue, message: string) {
    super(message);
    this.name = 'MediaIssueError';
    this.code = code;
  }
}

/** Short text for why sharing did not start. */
export function describeScreenIssue(issue: MediaIssue): string {
  switch (issue) {
    case 'blocked':
      return 'Screen sharing was cancelled or blocked';
    case 'not-found':
      return 'Nothing to share was found';
    case 'in-use':
      return 'The screen could not be captured right now';
    case 'unsupported':
      return 'This browser cannot share a screen';
    case 'failed':
      return 'Screen sharing could not start';
  }
}

export interface ScreenCaptureOptions {
  /** Defaults to `navigator.mediaDevices`. */
  mediaDevices?: MediaDevices;
  /** The capture started or stopped (the host should render, calls should follow). */
  onChange: () => void;
  /** The capture ended by itself (the browser's "Stop sharing", a closed window or tab). */
  onEnded: () => void;
}

export class ScreenCapture {
  /** The captured screen, window or tab; null while not sharing. */
  stream: MediaStream | null = null;

  private readonly options: ScreenCaptureOptions;
  private pending: Promise<MediaStream> | null = null;

  constructor(options: ScreenCaptureOptions) {
    this.options = options;
  }

  /**
   * Ask the user what to share. Resolves with the stream (the current one when already sharing);
   * rejects with a `MediaIssueError` (`blocked` when the user cancels the picker).
   */
  start(opts: { audio?: boolean } = {}): Promise<MediaStream> {
    if (this.stream) return Promise.resolve(this.stream);
    return (this.pending ??= this.capture(!!opts.audio).finally(() => {
      this.pending = null;
    }));
  }

  /** Stop capturing (no `onEnded`: the caller chose to stop). */
  stop(): void {
    const stream = this.stream;
    if (!stream) return;
    this.stream = null;
    for (const t of stream.getTracks()) t.stop();
    this.options.onChange();
  }

  private async capture(audio: boolean): Promise<MediaStream> {
    const md = this.options.mediaDevices ?? globalThis.navigator?.mediaDevices;
    if (!md?.getDisplayMedia) {
      throw new MediaIssueError('unsupported', describeScreenIssue('unsupported'));
    }
    let stream: MediaStream;
    try {
      stream = await md.getDisplayMedia({ video: true, audio });
    } catch (error) {
      const code = classifyMediaError(error);
      throw new MediaIssueError(code, describeScreenIssue(code));
    }
    if (!stream.getVideoTracks().length) {
      for (const t of stream.getTracks()) t.stop();
      throw new MediaIssueError('not-found', describeScreenIssue('not-found'));
    }
    this.stream = stream;
    for (const track of stream.getTracks()) {
      track.addEventListener('ended', () => this.ended(stream, track), { once: true });
    }
    this.options.onChange();
    return stream;
  }

  private ended(stream: MediaStream, track: MediaStreamTrack): void {
    if (this.stream !== stream) return;
    // Shared audio may end alone (the tab stopped playing); the share ends with its picture.
    if (track.kind !== 'video') {
      stream.removeTrack(track);
      return;
    }
    this.stop();
    this.options.onEnded();
  }
}
