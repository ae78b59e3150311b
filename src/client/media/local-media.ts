/**
 * The local camera and microphone: getUserMedia with device choice, the local stream, its
 * enabled flags (mute, camera off), and why a kind is not in use. Never throws at its caller:
 * what could not start is in `issues`.
 */

export type MediaKind = 'audio' | 'video';

/** Why a camera, microphone or screen capture is not in use. */
export type MediaIssue = 'not-found' | 'blocked' | 'in-use' | 'unsupported' | 'failed';

/** Short text for a media issue, e.g. "No camera found" or "Microphone blocked". */
export function describeMediaIssue(kind: MediaKind, issue: MediaIssue): string {
  const device = kind === 'video' ? 'Camera' : 'Microphone';
  switch (issue) {
    case 'not-found':
      return `No ${device.toLowerCase()} found`;
    case 'blocked':
      return `${device} blocked`;
    case 'in-use':
      return `${device} in use by another app`;
    case 'unsupported':
      return `${device} not available on this page`;
    case 'failed':
      return `${device} could not start`;
  }
}

/** What a getUserMedia or getDisplayMedia failure means for the user. */
export function classifyMediaError(error: unknown): MediaIssue {
  const name = (error as { name?: string } | null)?.name ?? '';
  if (name === 'NotAllowedError' || name === 'SecurityError' || name === 'PermissionDeniedError') return 'blocked';
  if (name === 'NotFoundError' || name === 'DevicesNotFoundError' || name === 'OverconstrainedError') return 'not-found';
  if (name === 'NotReadableError' || name === 'TrackStartError' || name === 'AbortError') return 'in-use';
  if (name === 'TypeError') return 'unsupported';
  return 'failed';
}

export interface LocalMediaOptions {
  /** Defaults to `navigator.mediaDevices`. */
  mediaDevices?: MediaDevices;
  /** Something visible changed (the host should render). */
  onChange: () => void;
  /** A device switch put a fresh track in place of the old one (open calls should send it). */
  onTrackReplaced?: (kind: MediaKind, track: MediaStreamTrack) => void;
}

export class LocalMedia {
  /** The local camera and microphone; null before `start()` or when neither is available. */
  stream: MediaStream | null = null;
  /** Whether the user wants the microphone on (it may still be missing). */
  audioEnabled = true;
  /** Whether the user wants the camera on (it may still be missing). */
  videoEnabled = true;
  /** The chosen microphone (`''`: the browser's default). */
  audioDeviceId = '';
  /** The chosen camera (`''`: the browser's default). */
  videoDeviceId = '';
  /** Microphones the browser lists (labels appear once permission is granted). */
  audioInputs: MediaDeviceInfo[] = [];
  /** Cameras the browser lists (labels appear once permission is granted). */
  videoInputs: MediaDeviceInfo[] = [];
  /** Why each kind is not in use, or null when it is fine. */
  issues: Record<MediaKind, MediaIssue | null> = { audio: null, video: null };
  /** True while getUserMedia is pending. */
  acquiring = false;

  private readonly options: LocalMediaOptions;
  private pending: Promise<void> | null = null;
  private readonly onDeviceChange = () => void this.refreshDevices();

  constructor(options: LocalMediaOptions) {
    this.options = options;
  }

  get md(): MediaDevices | undefined {
    return this.options.mediaDevices ?? globalThis.navigator?.mediaDevices;
  }

  /** True when the stream has a live track of `kind`. */
  has(kind: MediaKind): boolean {
    return this.tracks(kind).some((t) => t.readyState === 'live');
  }

  /** Follow devices being plugged in and out. */
  watchDevices(on: boolean): void {
    if (on) this.md?.addEventListener?.('devicechange', this.onDeviceChange);
    else this.md?.removeEventListener?.('devicechange', this.onDeviceChange);
  }

  /** List cameras and microphones (labels appear once permission is granted). */
  async refreshDevices(): Promise<void> {
    const md = this.md;
    if (!md?.enumerateDevices) return;
    try {
      const all = await md.enumerateDevices();
      this.audioInputs = all.filter((d) => d.kind === 'audioinput');
      this.videoInputs = all.filter((d) => d.kind === 'videoinput');
    } catch {
      /* keep what we had */
    }
    this.options.onChange();
  }

  /** Open the camera and microphone (whatever of them exists and is allowed). */
  start(): Promise<void> {
    if (this.stream && this.stream.getTracks().some((t) => t.readyState === 'live')) return Promise.resolve();
    return (this.pending ??= this.acquireAll().finally(() => {
      this.pending = null;
    }));
  }

  /** Stop the camera and microphone. */
  stop(): void {
    for (const t of this.stream?.getTracks() ?? []) t.stop();
    this.stream = null;
    this.options.onChange();
  }

  /** Turn the microphone or camera on or off (the track stays; it sends silence or black). */
  setEnabled(kind: MediaKind, on: boolean): void {
    if (kind === 'audio') this.audioEnabled = on;
    else this.videoEnabled = on;
    for (const t of this.tracks(kind)) t.enabled = on;
    this.options.onChange();
  }

  /** Switch to another camera or microphone; `onTrackReplaced` puts it in open calls. */
  async setDevice(kind: MediaKind, deviceId: string): Promise<void> {
    if (kind === 'audio') this.audioDeviceId = deviceId;
    else this.videoDeviceId = deviceId;
    if (this.pending) await this.pending;
    if (!this.stream) {
      await this.start();
      return;
    }
    this.issues = { ...this.issues, [kind]: null };
    this.acquiring = true;
    this.options.onChange();
    const tracks = await this.acquire([kind]);
    this.acquiring = false;
    const fresh = tracks.find((t) => t.kind === kind);
    if (!fresh || !this.stream) {
      for (const t of tracks) t.stop();
      this.options.onChange();
      return;
    }
    fresh.enabled = kind === 'audio' ? this.audioEnabled : this.videoEnabled;
    this.watchTrack(fresh);
    const keep = this.stream.getTracks().filter((t) => t.kind !== kind);
    for (const t of this.tracks(kind)) t.stop();
    this.stream = new MediaStream([...keep, fresh]);
    this.options.onTrackReplaced?.(kind, fresh);
    this.noteDevice(fresh);
    this.options.onChange();
  }

  private tracks(kind: MediaKind): MediaStreamTrack[] {
    if (!this.stream) return [];
    return kind === 'audio' ? this.stream.getAudioTracks() : this.stream.getVideoTracks();
  }

  private async acquireAll(): Promise<void> {
    const md = this.md;
    if (!md?.getUserMedia) {
      this.issues = { audio: 'unsupported', video: 'unsupported' };
      this.options.onChange();
      return;
    }
    this.acquiring = true;
    this.issues = { audio: null, video: null };
    this.options.onChange();
    await this.refreshDevices();
    const kinds: MediaKind[] = [];
    const enumerated = !!md.enumerateDevices;
    if (!enumerated || this.audioInputs.length > 0) kinds.push('audio');
    else this.issues.audio = 'not-found';
    if (!enumerated || this.videoInputs.length > 0) kinds.push('video');
    else this.issues.video = 'not-found';
    const tracks = kinds.length ? await this.acquire(kinds) : [];
    for (const t of tracks) {
      t.enabled = t.kind === 'audio' ? this.audioEnabled : this.videoEnabled;
      this.watchTrack(t);
      this.noteDevice(t);
    }
    this.stream = tracks.length ? new MediaStream(tracks) : null;
    this.acquiring = false;
    this.issues = { ...this.issues };
    if (tracks.length) await this.refreshDevices();
    this.options.onChange();
  }

  private constraints(kind: MediaKind): MediaTrackConstraints {
    const id = kind === 'audio' ? this.audioDeviceId : this.videoDeviceId;
    const base: MediaTrackConstraints =
      kind === 'video'
        ? { width: { ideal: 640 }, height: { ideal: 360 }, frameRate: { ideal: 24 } }
        : { echoCancellation: true, noiseSuppression: true, autoGainControl: true };
    return id ? { ...base, deviceId: { exact: id } } : base;
  }

  /** getUserMedia for some kinds; on failure, tries each kind alone and records why. */
  private async acquire(kinds: MediaKind[], retried = false): Promise<MediaStreamTrack[]> {
    const md = this.md!;
    try {
      const stream = await md.getUserMedia({
        audio: kinds.includes('audio') ? this.constraints('audio') : false,
        video: kinds.includes('video') ? this.constraints('video') : false,
      });
      return stream.getTracks();
    } catch (error) {
      if (kinds.length > 1) {
        const out: MediaStreamTrack[] = [];
        for (const k of kinds) out.push(...(await this.acquire([k])));
        return out;
      }
      const kind = kinds[0]!;
      const issue = classifyMediaError(error);
      const idKey = kind === 'audio' ? 'audioDeviceId' : 'videoDeviceId';
      if (issue === 'not-found' && this[idKey]) {
        // The chosen device went away; fall back to the default one.
        this[idKey] = '';
        return this.acquire([kind], retried);
      }
      if ((issue === 'in-use' || issue === 'failed') && !retried) {
        // A device another tab or app is just releasing often works a moment later.
        await new Promise((r) => setTimeout(r, 400));
        return this.acquire([kind], true);
      }
      this.issues[kind] = issue;
      return [];
    }
  }

  private noteDevice(track: MediaStreamTrack): void {
    const id = track.getSettings?.().deviceId;
    if (!id) return;
    if (track.kind === 'audio') this.audioDeviceId = id;
    else this.videoDeviceId = id;
  }

  private watchTrack(track: MediaStreamTrack): void {
    track.addEventListener('ended', () => {
      // Unplugged or revoked: drop it and say so.
      if (!this.stream?.getTracks().includes(track)) return;
      const rest = this.stream.getTracks().filter((t) => t !== track);
      this.stream = rest.length ? new MediaStream(rest) : null;
      this.issues = { ...this.issues, [track.kind as MediaKind]: 'not-found' };
      this.options.onChange();
    });
  }
}
