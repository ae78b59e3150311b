/**
 * The media mesh: the local camera and microphone, and PeerJS calls to every
 * other participant present in the room.
 *
 * A Lit reactive controller. It owns getUserMedia (with device choice), the local
 * stream and its enabled flags (mute, camera off), and one PeerJS `Peer` whose
 * calls it keeps in line with the room state: `sync(state, selfId)` says who is
 * present and where (breakout rooms: only people in the same room get a call);
 * the side whose peerId sorts lower places each call, the other answers.
 * Who gets media is the room state's decision: a call is answered only from a peer the state
 * says is present in our own room (anything else is refused at once, unanswered), and a stream
 * goes to the tile of the user the state maps that peer id to, never to what the caller claims.
 * The PeerJS key is a single-use media ticket from the room socket; every (re)connection of the
 * signaling takes a fresh one. Everything stops when the host element leaves the page.
 *
 * PeerJS is loaded lazily through `peerFactory`; tests pass a fake one.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { mediaPeers } from '../protocol/media.ts';
import type { RoomState } from '../protocol/types.ts';

export type MediaKind = 'audio' | 'video';

/** Why a camera or microphone is not in use. */
export type MediaIssue = 'not-found' | 'blocked' | 'in-use' | 'unsupported' | 'failed';

export type MeshStatus = 'off' | 'connecting' | 'connected' | 'reconnecting' | 'failed';

/** The part of a PeerJS `MediaConnection` the mesh uses. */
export interface CallLike {
  readonly peer: string;
  readonly metadata?: unknown;
  readonly peerConnection?: RTCPeerConnection | null;
  on(event: 'stream', fn: (stream: MediaStream) => void): unknown;
  on(event: 'close', fn: () => void): unknown;
  on(event: 'error', fn: (error: unknown) => void): unknown;
  answer(stream?: MediaStream): void;
  close(): void;
}

/** The part of a PeerJS `Peer` the mesh uses. */
export interface PeerLike {
  readonly open: boolean;
  readonly disconnected: boolean;
  readonly destroyed: boolean;
  on(event: 'open', fn: (id: string) => void): unknown;
  on(event: 'call', fn: (call: CallLike) => void): unknown;
  on(event: 'disconnected', fn: () => void): unknown;
  on(event: 'close', fn: () => void): unknown;
  on(event: 'error', fn: (error: { type?: string; message?: string }) => void): unknown;
  call(peer: string, stream: MediaStream, options?: Record<string, unknown>): CallLike | undefined;
  reconnect(): void;
  destroy(): void;
}

/** Options handed to the PeerJS constructor. */
export interface PeerOptionsLike {
  host: string;
  port: number;
  path: string;
  key: string;
  secure: boolean;
  config: RTCConfiguration;
  debug?: number;
}

/** Makes a Peer; the default loads PeerJS. */
export type PeerFactory = (id: string, options: PeerOptionsLike) => PeerLike | Promise<PeerLike>;

let peerJs: Promise<typeof import('peerjs').Peer> | null = null;
/**
 * PeerJS arrives on demand (it is a separate part of the drop-in); loaded once. Only `Peer`
 * is taken from the module, which lets the bundler leave PeerJS's data-channel code out.
 */
const loadPeerJs = () => (peerJs ??= import('peerjs').then(({ Peer }) => Peer));

export const defaultPeerFactory: PeerFactory = async (id, options) => {
  const Peer = await loadPeerJs();
  return new Peer(id, options) as unknown as PeerLike;
};

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

function classify(error: unknown): MediaIssue {
  const name = (error as { name?: string } | null)?.name ?? '';
  if (name === 'NotAllowedError' || name === 'SecurityError' || name === 'PermissionDeniedError') return 'blocked';
  if (name === 'NotFoundError' || name === 'DevicesNotFoundError' || name === 'OverconstrainedError') return 'not-found';
  if (name === 'NotReadableError' || name === 'TrackStartError' || name === 'AbortError') return 'in-use';
  if (name === 'TypeError') return 'unsupported';
  return 'failed';
}

export interface MediaMeshOptions {
  /** Makes the PeerJS Peer; defaults to `defaultPeerFactory`. */
  peerFactory?: PeerFactory;
  /** Defaults to `navigator.mediaDevices`. */
  mediaDevices?: MediaDevices;
  /** ICE servers for RTCPeerConnection; none by default (host candidates suffice on a LAN or loopback). */
  iceServers?: RTCIceServer[];
  /** A call that has not delivered a stream after this long is closed and retried. Default 15 s. */
  callTimeoutMs?: number;
  /** Something worth telling the user about went wrong in the mesh. */
  onError?: (error: { code: string; message: string }) => void;
}

interface CallEntry {
  call: CallLike;
  outgoing: boolean;
  stream: MediaStream | null;
  watchdog: ReturnType<typeof setTimeout> | null;
}

export interface MeshConnectParams {
  /** This connection's PeerJS id, from the room's welcome. */
  peerId: string;
  /**
   * A fresh media ticket from the room socket (single-use, short-lived): PeerJS sends it as its
   * `key`. Called for every signaling connection, reconnections included.
   */
  ticket: () => Promise<string>;
  /** The server's http(s) base URL. */
  server: string;
}

export class MediaMesh implements ReactiveController {
  /** The local camera and microphone; null before `startLocal()` or when neither is available. */
  localStream: MediaStream | null = null;
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
  /** The PeerJS side. */
  status: MeshStatus = 'off';
  /** Remote streams by user id; a new map on every change. */
  remoteStreams: ReadonlyMap<string, MediaStream> = new Map();

  /** `userId`'s camera (or screen) as we receive it, or null (the API the rebuilt media keeps). */
  stream(userId: string, source: 'camera' | 'screen'): MediaStream | null {
    return source === 'camera' ? (this.remoteStreams.get(userId) ?? null) : null;
  }
  /** Makes the PeerJS Peer; replace before `connect()` to use another implementation. */
  peerFactory: PeerFactory;
  /** ICE servers for new peer connections (empty: host candidates only). */
  iceServers: RTCIceServer[];

  private readonly host: ReactiveControllerHost;
  private readonly options: MediaMeshOptions;
  private acquiringPromise: Promise<void> | null = null;
  private peer: PeerLike | null = null;
  private params: MeshConnectParams | null = null;
  private generation = 0;
  private peerAttempt = 0;
  private peerTimer: ReturnType<typeof setTimeout> | null = null;
  private fatal = false;
  private calls = new Map<string, CallEntry>();
  private desired = new Map<string, string>();
  /**
   * Calls refused because the caller was not (yet) in our room, by peer id, with when. If our
   * state then puts them with us (a move we heard of a moment later), we call them back.
   */
  private refused = new Map<string, number>();
  private retries = new Map<string, { timer: ReturnType<typeof setTimeout> | null; attempt: number }>();
  private selfUserId = '';
  private readonly onDeviceChange = () => void this.refreshDevices();

  constructor(host: ReactiveControllerHost, options: MediaMeshOptions = {}) {
    this.host = host;
    this.options = options;
    this.peerFactory = options.peerFactory ?? defaultPeerFactory;
    this.iceServers = options.iceServers ?? [];
    host.addController(this);
  }

  private get md(): MediaDevices | undefined {
    return this.options.mediaDevices ?? globalThis.navigator?.mediaDevices;
  }

  /** True when the local stream has a microphone track. */
  get hasAudio(): boolean {
    return !!this.localStream?.getAudioTracks().some((t) => t.readyState === 'live');
  }
  /** True when the local stream has a camera track. */
  get hasVideo(): boolean {
    return !!this.localStream?.getVideoTracks().some((t) => t.readyState === 'live');
  }
  /** What the room should be told: the microphone is on and sending. */
  get audioOn(): boolean {
    return this.hasAudio && this.audioEnabled;
  }
  /** What the room should be told: the camera is on and sending. */
  get videoOn(): boolean {
    return this.hasVideo && this.videoEnabled;
  }

  hostConnected(): void {
    this.md?.addEventListener?.('devicechange', this.onDeviceChange);
  }

  hostDisconnected(): void {
    this.md?.removeEventListener?.('devicechange', this.onDeviceChange);
    this.stop();
  }

  // ---------------------------------------------------------------------------
  // Local media
  // ---------------------------------------------------------------------------

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
    this.changed();
  }

  /**
   * Open the camera and microphone (whatever of them exists and is allowed).
   * Never throws: what could not start is in `issues`.
   */
  startLocal(): Promise<void> {
    // The preview is where joining starts: fetch PeerJS now, so Join does not wait for it.
    if (this.peerFactory === defaultPeerFactory) loadPeerJs().catch(() => (peerJs = null));
    if (this.localStream && this.localStream.getTracks().some((t) => t.readyState === 'live')) {
      return Promise.resolve();
    }
    return (this.acquiringPromise ??= this.acquireAll().finally(() => {
      this.acquiringPromise = null;
    }));
  }

  /** Stop the camera and microphone. */
  stopLocal(): void {
    for (const t of this.localStream?.getTracks() ?? []) t.stop();
    this.localStream = null;
    this.changed();
  }

  /** Try again after the user fixed a permission or plugged in a device. */
  async retryLocal(): Promise<void> {
    this.stopLocal();
    await this.startLocal();
  }

  /** Turn the microphone or camera on or off (the track stays; it sends silence or black). */
  setEnabled(kind: MediaKind, on: boolean): void {
    if (kind === 'audio') this.audioEnabled = on;
    else this.videoEnabled = on;
    for (const t of this.tracks(kind)) t.enabled = on;
    this.changed();
  }

  /** Switch to another camera or microphone, also in open calls. */
  async setDevice(kind: MediaKind, deviceId: string): Promise<void> {
    if (kind === 'audio') this.audioDeviceId = deviceId;
    else this.videoDeviceId = deviceId;
    if (this.acquiringPromise) await this.acquiringPromise;
    if (!this.localStream) {
      await this.startLocal();
      return;
    }
    this.issues = { ...this.issues, [kind]: null };
    this.acquiring = true;
    this.changed();
    const tracks = await this.acquire([kind]);
    this.acquiring = false;
    const fresh = tracks.find((t) => t.kind === kind);
    if (!fresh || !this.localStream) {
      for (const t of tracks) t.stop();
      this.changed();
      return;
    }
    fresh.enabled = kind === 'audio' ? this.audioEnabled : this.videoEnabled;
    this.watchTrack(fresh);
    const keep = this.localStream.getTracks().filter((t) => t.kind !== kind);
    for (const t of this.tracks(kind)) t.stop();
    this.localStream = new MediaStream([...keep, fresh]);
    for (const entry of this.calls.values()) {
      const sender = entry.call.peerConnection?.getSenders().find((s) => s.track?.kind === kind);
      sender?.replaceTrack(fresh).catch(() => undefined);
    }
    this.noteDevice(fresh);
    this.changed();
  }

  private tracks(kind: MediaKind): MediaStreamTrack[] {
    if (!this.localStream) return [];
    return kind === 'audio' ? this.localStream.getAudioTracks() : this.localStream.getVideoTracks();
  }

  private async acquireAll(): Promise<void> {
    const md = this.md;
    if (!md?.getUserMedia) {
      this.issues = { audio: 'unsupported', video: 'unsupported' };
      this.changed();
      return;
    }
    this.acquiring = true;
    this.issues = { audio: null, video: null };
    this.changed();
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
    this.localStream = tracks.length ? new MediaStream(tracks) : null;
    this.acquiring = false;
    this.issues = { ...this.issues };
    if (tracks.length) await this.refreshDevices();
    this.changed();
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
      const issue = classify(error);
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
      if (!this.localStream?.getTracks().includes(track)) return;
      const rest = this.localStream.getTracks().filter((t) => t !== track);
      this.localStream = rest.length ? new MediaStream(rest) : null;
      this.issues = { ...this.issues, [track.kind as MediaKind]: 'not-found' };
      this.changed();
    });
  }

  // ---------------------------------------------------------------------------
  // The PeerJS mesh
  // ---------------------------------------------------------------------------

  /** Register with the signaling server as `peerId` (idempotent for the same id). */
  connect(params: MeshConnectParams): void {
    const same =
      this.params &&
      this.params.peerId === params.peerId &&
      this.params.server === params.server &&
      (this.peer || this.peerTimer !== null || this.status === 'connecting');
    this.params = params;
    if (same) return;
    this.teardownPeer();
    this.fatal = false;
    this.peerAttempt = 0;
    this.setStatus('connecting');
    void this.createPeer();
  }

  /**
   * Keep calls open to exactly the present participants (other than `selfId`) with a
   * peerId who are in the same room as `selfId`: the main room or one breakout room.
   * When someone moves, calls to the old room close and calls to the new room open.
   */
  sync(state: RoomState, selfId: string): void {
    this.selfUserId = selfId;
    const desired = new Map<string, string>();
    for (const p of mediaPeers(state, selfId)) {
      if (p.peerId && p.peerId !== this.params?.peerId) desired.set(p.peerId, p.id);
    }
    this.desired = desired;
    for (const [id, r] of this.retries) {
      if (!desired.has(id)) {
        if (r.timer !== null) clearTimeout(r.timer);
        this.retries.delete(id);
      }
    }
    this.reconcile();
  }

  /** Close every call and leave the signaling server; keeps the local stream. */
  disconnect(): void {
    this.params = null;
    this.teardownPeer();
    this.desired = new Map();
    this.refused.clear();
    this.setStatus('off');
  }

  /** Close everything: calls, signaling and the camera and microphone. */
  stop(): void {
    this.disconnect();
    this.stopLocal();
  }

  private teardownPeer(): void {
    this.generation++;
    if (this.peerTimer !== null) clearTimeout(this.peerTimer);
    this.peerTimer = null;
    for (const r of this.retries.values()) if (r.timer !== null) clearTimeout(r.timer);
    this.retries.clear();
    for (const id of [...this.calls.keys()]) this.dropCall(id);
    const peer = this.peer;
    this.peer = null;
    try {
      peer?.destroy();
    } catch {
      /* already gone */
    }
    this.rebuildRemote();
  }

  private peerOptions(params: MeshConnectParams, key: string): PeerOptionsLike {
    const url = new URL(params.server, globalThis.location?.href);
    const secure = url.protocol === 'https:' || url.protocol === 'wss:';
    const port = url.port ? Number(url.port) : secure ? 443 : 80;
    const path = url.pathname.endsWith('/') ? url.pathname : `${url.pathname}/`;
    return {
      host: url.hostname,
      port,
      path,
      key,
      secure,
      config: { iceServers: this.iceServers },
      debug: 0,
    };
  }

  private async createPeer(): Promise<void> {
    const params = this.params;
    if (!params) return;
    const gen = ++this.generation;
    let key: string;
    try {
      key = await params.ticket();
    } catch {
      // The room socket is reconnecting (or refused): try again shortly with a fresh ticket.
      if (gen !== this.generation || this.params !== params) return;
      this.setStatus('reconnecting');
      this.schedulePeer(() => void this.createPeer());
      return;
    }
    if (gen !== this.generation || this.params !== params) return;
    let peer: PeerLike;
    try {
      peer = await this.peerFactory(params.peerId, this.peerOptions(params, key));
    } catch (error) {
      if (gen !== this.generation) return;
      this.setStatus('failed');
      this.options.onError?.({ code: 'media', message: `Video calls are not available: ${String((error as Error)?.message ?? error)}` });
      return;
    }
    if (gen !== this.generation) {
      peer.destroy();
      return;
    }
    this.peer = peer;
    peer.on('open', () => {
      if (this.peer !== peer) return;
      this.peerAttempt = 0;
      this.setStatus('connected');
      this.reconcile();
    });
    peer.on('call', (call) => {
      if (this.peer !== peer) {
        call.close();
        return;
      }
      this.onIncoming(call);
    });
    peer.on('disconnected', () => {
      if (this.peer !== peer || peer.destroyed) return;
      // A ticket is good for one connection: start over with a fresh one (calls are placed again).
      this.peer = null;
      try {
        peer.destroy();
      } catch {
        /* already gone */
      }
      for (const id of [...this.calls.keys()]) this.dropCall(id);
      this.rebuildRemote();
      this.setStatus('reconnecting');
      this.schedulePeer(() => void this.createPeer());
    });
    peer.on('close', () => {
      if (this.peer !== peer) return;
      this.peer = null;
      for (const id of [...this.calls.keys()]) this.dropCall(id);
      this.rebuildRemote();
      if (!this.params || this.fatal) return;
      this.setStatus('reconnecting');
      this.schedulePeer(() => void this.createPeer());
    });
    peer.on('error', (error) => {
      if (this.peer !== peer) return;
      this.onPeerError(error);
    });
    if (peer.open) {
      this.setStatus('connected');
      this.reconcile();
    }
  }

  private schedulePeer(fn: () => void): void {
    if (this.peerTimer !== null) clearTimeout(this.peerTimer);
    const delay = Math.min(5000, 250 * 2 ** this.peerAttempt++);
    this.peerTimer = setTimeout(() => {
      this.peerTimer = null;
      fn();
    }, delay);
  }

  private onPeerError(error: { type?: string; message?: string }): void {
    switch (error.type) {
      case 'peer-unavailable': {
        const id = /peer\s+(\S+)\s*$/.exec(error.message ?? '')?.[1];
        if (id) {
          this.dropCall(id);
          this.scheduleRetry(id);
          this.rebuildRemote();
        }
        return;
      }
      case 'browser-incompatible':
      case 'invalid-id':
      case 'invalid-key':
      case 'ssl-unavailable':
        this.fatal = true;
        this.setStatus('failed');
        this.options.onError?.({
          code: 'media',
          message:
            error.type === 'browser-incompatible'
              ? 'This browser cannot make video calls.'
              : `Video calls are not available (${error.message ?? error.type}).`,
        });
        return;
      default:
        // Network and server errors end in `disconnected` or `close`, which reconnect.
        return;
    }
  }

  private onIncoming(call: CallLike): void {
    if (!this.desired.has(call.peer)) {
      // Not someone the room puts with us: refuse at once, unanswered (no camera, no microphone).
      this.refused.set(call.peer, Date.now());
      if (this.refused.size > 64) this.refused.delete(this.refused.keys().next().value!);
      try {
        call.close();
      } catch {
        /* already closed */
      }
      return;
    }
    if (this.calls.has(call.peer)) this.dropCall(call.peer);
    try {
      call.answer(this.localStream ?? undefined);
    } catch {
      return;
    }
    this.track(call, false);
    this.reconcile();
  }

  private placeCall(remote: string): void {
    const peer = this.peer;
    if (!peer?.open) return;
    const call = peer.call(remote, this.localStream ?? new MediaStream(), {
      // Receive both kinds even when this side sends neither (no camera, no microphone).
      constraints: { offerToReceiveAudio: true, offerToReceiveVideo: true },
    });
    if (!call) return;
    const entry = this.track(call, true);
    entry.watchdog = setTimeout(() => {
      // Connected but silent is fine (the other side may have no camera or microphone).
      const ice = entry.call.peerConnection?.iceConnectionState;
      const connected = ice === 'connected' || ice === 'completed';
      if (this.calls.get(remote) === entry && !entry.stream && !connected) {
        this.dropCall(remote);
        this.scheduleRetry(remote);
        this.rebuildRemote();
      }
    }, this.options.callTimeoutMs ?? 15_000);
  }

  private track(call: CallLike, outgoing: boolean): CallEntry {
    const entry: CallEntry = { call, outgoing, stream: null, watchdog: null };
    this.calls.set(call.peer, entry);
    call.on('stream', (stream) => {
      if (this.calls.get(call.peer) !== entry) return;
      entry.stream = stream;
      if (entry.watchdog !== null) clearTimeout(entry.watchdog);
      entry.watchdog = null;
      this.retries.delete(call.peer);
      this.rebuildRemote();
    });
    const ended = () => {
      if (this.calls.get(call.peer) !== entry) return;
      this.dropCall(call.peer);
      if (this.desired.has(call.peer)) this.scheduleRetry(call.peer);
      this.rebuildRemote();
    };
    call.on('close', ended);
    call.on('error', ended);
    this.rebuildRemote();
    return entry;
  }

  private dropCall(peerId: string): void {
    const entry = this.calls.get(peerId);
    if (!entry) return;
    this.calls.delete(peerId);
    if (entry.watchdog !== null) clearTimeout(entry.watchdog);
    try {
      entry.call.close();
    } catch {
      /* already closed */
    }
  }

  private scheduleRetry(peerId: string): void {
    const r = this.retries.get(peerId) ?? { timer: null, attempt: 0 };
    if (r.timer !== null) return;
    const delay = Math.min(10_000, 1000 * 2 ** r.attempt);
    r.attempt++;
    r.timer = setTimeout(() => {
      r.timer = null;
      this.reconcile();
    }, delay);
    this.retries.set(peerId, r);
  }

  private reconcile(): void {
    const mine = this.params?.peerId;
    if (!this.peer?.open || !mine) {
      this.rebuildRemote();
      return;
    }
    // Calls to anyone the room no longer puts with us (they left, moved, or we did) close at once.
    for (const id of [...this.calls.keys()]) if (!this.desired.has(id)) this.dropCall(id);
    const now = Date.now();
    for (const [id, at] of this.refused) if (now - at > 30_000) this.refused.delete(id);
    for (const id of this.desired.keys()) {
      if (this.calls.has(id)) continue;
      // The lower peer id calls; but if we refused their call a moment ago, they wait on it: we call.
      const calledBack = this.refused.delete(id);
      if (mine >= id && !calledBack) continue;
      if (this.retries.get(id)?.timer && !calledBack) continue;
      this.placeCall(id);
    }
    this.rebuildRemote();
  }

  private rebuildRemote(): void {
    const next = new Map<string, MediaStream>();
    for (const [peerId, entry] of this.calls) {
      // The tile is the room state's user for this peer id; what the caller says about itself is ignored.
      const userId = this.desired.get(peerId);
      if (entry.stream && userId) next.set(userId, entry.stream);
    }
    const prev = this.remoteStreams;
    const same = prev.size === next.size && [...next].every(([k, v]) => prev.get(k) === v);
    if (!same) {
      this.remoteStreams = next;
      this.changed();
    }
  }

  private setStatus(status: MeshStatus): void {
    if (this.status === status) return;
    this.status = status;
    this.changed();
  }

  private changed(): void {
    this.host.requestUpdate();
  }
}
