/**
 * The room's media, as one Lit reactive controller: the local camera and microphone
 * (local-media.ts), a shared screen (screen-capture.ts), and the peer mesh (peer-mesh.ts) kept in
 * line with the room state.
 *
 * Media is addressed by person and source (camera or screen). Who exchanges what is the room
 * state's decision (protocol/media.ts): `sync(state, selfId)` turns `receives()` (the cameras of
 * everyone in our room, and the screen shared there) and, while we share, `screenAudience()` into
 * the mesh's links. A call is answered only for such a link, and a stream goes to the person the
 * state maps that peer id to, never to whom the caller claims to be.
 *
 * The PeerJS key is a single-use media ticket from the room socket; every (re)connection of the
 * signaling takes a fresh one. Everything stops when the host element leaves the page. PeerJS is
 * loaded lazily through `peerFactory`; tests pass a fake one.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { receives, screenAudience } from '../../protocol/media.ts';
import { own } from '../../protocol/records.ts';
import type { MediaSource, RoomState } from '../../protocol/types.ts';
import { LocalLevel, receivedLevel } from './audio-level.ts';
import { LocalMedia, type MediaIssue, type MediaKind } from './local-media.ts';
import { PeerMesh, streamKey, type MediaLink, type StreamKey } from './peer-mesh.ts';
import { defaultPeerFactory, loadPeerJs, type PeerFactory } from './peerjs.ts';
import { ScreenCapture } from './screen-capture.ts';
import type { MeshConnectParams, MeshStatus } from './signaling.ts';

export { streamKey, type StreamKey } from './peer-mesh.ts';

export interface RoomMediaOptions {
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
  /** The browser's own "Stop sharing" (or a closed shared window) ended our screen share. */
  onScreenEnded?: () => void;
}

export class RoomMedia implements ReactiveController {
  /** The browser's own "Stop sharing" (or a closed shared window) ended our screen share. */
  onScreenEnded: (() => void) | undefined;

  private readonly host: ReactiveControllerHost;
  private readonly local: LocalMedia;
  private readonly capture: ScreenCapture;
  private readonly mesh: PeerMesh;
  private readonly level = new LocalLevel();
  private state: RoomState | null = null;
  private selfId = '';

  constructor(host: ReactiveControllerHost, options: RoomMediaOptions = {}) {
    this.host = host;
    this.onScreenEnded = options.onScreenEnded;
    const changed = () => this.host.requestUpdate();
    this.local = new LocalMedia({
      mediaDevices: options.mediaDevices,
      onChange: changed,
      onTrackReplaced: (_kind, track) => this.mesh.replaceTrack('camera', track),
    });
    this.capture = new ScreenCapture({
      mediaDevices: options.mediaDevices,
      onChange: () => {
        this.relink();
        changed();
      },
      onEnded: () => this.onScreenEnded?.(),
    });
    this.mesh = new PeerMesh({
      outgoing: (link) => (link.source === 'screen' ? (link.direction === 'send' ? this.capture.stream : null) : this.local.stream),
      callTimeoutMs: options.callTimeoutMs,
      onChange: changed,
      onError: options.onError,
    });
    this.mesh.signaling.peerFactory = options.peerFactory ?? defaultPeerFactory;
    this.mesh.signaling.iceServers = options.iceServers ?? [];
    host.addController(this);
  }

  // --- local camera and microphone ---------------------------------------------

  /** The local camera and microphone; null before `startLocal()` or when neither is available. */
  get localStream(): MediaStream | null {
    return this.local.stream;
  }
  /** Whether the user wants the microphone on (it may still be missing). */
  get audioEnabled(): boolean {
    return this.local.audioEnabled;
  }
  /** Whether the user wants the camera on (it may still be missing). */
  get videoEnabled(): boolean {
    return this.local.videoEnabled;
  }
  /** The chosen microphone (`''`: the browser's default). */
  get audioDeviceId(): string {
    return this.local.audioDeviceId;
  }
  /** The chosen camera (`''`: the browser's default). */
  get videoDeviceId(): string {
    return this.local.videoDeviceId;
  }
  /** Microphones the browser lists (labels appear once permission is granted). */
  get audioInputs(): MediaDeviceInfo[] {
    return this.local.audioInputs;
  }
  /** Cameras the browser lists (labels appear once permission is granted). */
  get videoInputs(): MediaDeviceInfo[] {
    return this.local.videoInputs;
  }
  /** Why each kind is not in use, or null when it is fine. */
  get issues(): Record<MediaKind, MediaIssue | null> {
    return this.local.issues;
  }
  /** True while getUserMedia is pending. */
  get acquiring(): boolean {
    return this.local.acquiring;
  }
  /** True when the local stream has a microphone track. */
  get hasAudio(): boolean {
    return this.local.has('audio');
  }
  /** True when the local stream has a camera track. */
  get hasVideo(): boolean {
    return this.local.has('video');
  }
  /** What the room should be told: the microphone is on and sending. */
  get audioOn(): boolean {
    return this.hasAudio && this.audioEnabled;
  }
  /** What the room should be told: the camera is on and sending. */
  get videoOn(): boolean {
    return this.hasVideo && this.videoEnabled;
  }

  /** List cameras and microphones (labels appear once permission is granted). */
  refreshDevices(): Promise<void> {
    return this.local.refreshDevices();
  }

  /** Open the camera and microphone (whatever of them exists and is allowed); never throws. */
  startLocal(): Promise<void> {
    // The preview is where joining starts: fetch PeerJS now, so Join does not wait for it.
    if (this.peerFactory === defaultPeerFactory) loadPeerJs().catch(() => undefined);
    return this.local.start();
  }

  /** Stop the camera and microphone. */
  stopLocal(): void {
    this.local.stop();
    this.level.close();
  }

  /** Try again after the user fixed a permission or plugged in a device. */
  async retryLocal(): Promise<void> {
    this.stopLocal();
    await this.startLocal();
  }

  /** Turn the microphone or camera on or off (the track stays; it sends silence or black). */
  setEnabled(kind: MediaKind, on: boolean): void {
    this.local.setEnabled(kind, on);
  }

  /** Switch to another camera or microphone, also in open calls. */
  setDevice(kind: MediaKind, deviceId: string): Promise<void> {
    return this.local.setDevice(kind, deviceId);
  }

  // --- screen ------------------------------------------------------------------------

  /** Our own shared screen, window or tab; null while not sharing. */
  get screen(): MediaStream | null {
    return this.capture.stream;
  }

  /**
   * Ask the user what to share (with its audio when `audio` and the browser offers it). It goes to
   * `screenAudience()` once the room state says we share. Rejects with a `MediaIssueError`
   * (`blocked` when the user cancels the picker).
   */
  startScreen(opts: { audio?: boolean } = {}): Promise<MediaStream> {
    return this.capture.start(opts);
  }

  /** Stop sharing: the capture stops and the calls carrying it close. */
  stopScreen(): void {
    this.capture.stop();
  }

  // --- the mesh ----------------------------------------------------------------------

  /** The PeerJS side. */
  get status(): MeshStatus {
    return this.mesh.signaling.status;
  }
  /** Makes the PeerJS Peer; replace before `connect()` to use another implementation. */
  get peerFactory(): PeerFactory {
    return this.mesh.signaling.peerFactory;
  }
  set peerFactory(factory: PeerFactory) {
    this.mesh.signaling.peerFactory = factory;
  }
  /** ICE servers for new peer connections (empty: host candidates only). */
  get iceServers(): RTCIceServer[] {
    return this.mesh.signaling.iceServers;
  }
  set iceServers(servers: RTCIceServer[]) {
    this.mesh.signaling.iceServers = servers;
  }
  /**
   * Remote streams keyed `${source}:${userId}` (never the bare user id: read one with `stream()`);
   * a new map on every change.
   */
  get remoteStreams(): ReadonlyMap<StreamKey, MediaStream> {
    return this.mesh.streams;
  }

  /** `userId`'s `source` as we receive it, or null. */
  stream(userId: string, source: MediaSource): MediaStream | null {
    return this.mesh.streams.get(streamKey(userId, source)) ?? null;
  }

  /**
   * How loud `userId` is right now, 0..1 (linear, 1 = full scale), ourselves included: for the
   * active-speaker ring. Cheap enough to poll while the ring is shown; 0 when unknown or muted.
   */
  audioLevel(userId: string): number {
    if (userId && userId === this.selfId) {
      return this.audioOn ? this.level.read(this.local.stream?.getAudioTracks()[0] ?? null) : 0;
    }
    return receivedLevel(this.mesh.connection(userId, 'camera'));
  }

  /** Register with the signaling server as `peerId` (idempotent for the same id). */
  connect(params: MeshConnectParams): void {
    this.mesh.signaling.connect(params);
  }

  /**
   * Keep calls open for what the room state gives us: the cameras of the people in our room (the
   * main room or one breakout room), the screen shared there, and our screen to them while we
   * share. When someone moves, calls to the old room close and calls to the new room open.
   */
  sync(state: RoomState, selfId: string): void {
    this.state = state;
    this.selfId = selfId;
    this.relink();
  }

  /** Close every call and leave the signaling server; keeps the camera, microphone and screen. */
  disconnect(): void {
    this.state = null;
    this.mesh.disconnect();
  }

  /** Close everything: calls, signaling, the camera and microphone, and the screen. */
  stop(): void {
    this.disconnect();
    this.stopLocal();
    this.stopScreen();
  }

  hostConnected(): void {
    this.local.watchDevices(true);
  }

  hostDisconnected(): void {
    this.local.watchDevices(false);
    this.stop();
  }

  private relink(): void {
    const state = this.state;
    const links: MediaLink[] = [];
    if (state) {
      const peerOf = (userId: string) => {
        const p = own(state.participants, userId);
        return p?.present ? p.peerId : null;
      };
      for (const ref of receives(state, this.selfId)) {
        const peerId = peerOf(ref.userId);
        if (peerId) links.push({ peerId, userId: ref.userId, source: ref.source, direction: ref.source === 'camera' ? 'both' : 'receive' });
      }
      if (this.capture.stream) {
        for (const p of screenAudience(state, this.selfId)) {
          if (p.peerId) links.push({ peerId: p.peerId, userId: p.id, source: 'screen', direction: 'send' });
        }
      }
    }
    this.mesh.setLinks(links);
  }
}
