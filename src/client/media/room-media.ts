/**
 * The room's media, as one Lit reactive controller: the local camera and microphone
 * (local-media.ts), a shared screen (screen-capture.ts), and the peer mesh (peer-mesh.ts) or the
 * media server (room-sfu.ts) kept in line with the room state.
 *
 * Media is addressed by person and source (camera or screen). Who exchanges what is the room
 * state's decision (protocol/media.ts): `sync(state, selfId)` turns `receives()` (the cameras of
 * everyone in our room, and the screen shared there) and, while we share, `screenAudience()` into
 * the mesh's links. A call is answered only for such a link, and a stream goes to the person the
 * state maps that peer id to, never to whom the caller claims to be.
 *
 * The room's media mode (protocol/media-mode.ts) says how media travels. `sfu`: the media server's
 * link opens (the camera published at once, the screen while we share) and the mesh calls stay
 * until its streams have arrived, or for `handoverMs`, so the move never leaves a tile empty.
 * Back to `mesh`: the link closes and the calls come back. Nobody rejoins, the camera stays on.
 *
 * The PeerJS key is a single-use media ticket from the room socket; every (re)connection of the
 * signaling takes a fresh one. Everything stops when the host element leaves the page. PeerJS and
 * the media server's link are loaded lazily (`peerFactory`, `sfuLinkFactory`); tests pass fakes.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { locationOf } from '../../protocol/breakout-state.ts';
import { receives, screenAudience } from '../../protocol/media.ts';
import { mediaMode } from '../../protocol/media-mode.ts';
import { own } from '../../protocol/records.ts';
import { shareBy } from '../../protocol/share.ts';
import type { MediaMode, MediaSource, RoomState, SfuClientMessage, SfuServerMessage } from '../../protocol/types.ts';
import type { RoomIce } from '../room-connection-options.ts';
import { LocalLevel, receivedLevel, receiverLevel } from './audio-level.ts';
import { LocalMedia, type MediaIssue, type MediaKind } from './local-media.ts';
import { PeerMesh, streamKey, type MediaLink, type StreamKey } from './peer-mesh.ts';
import { defaultPeerFactory, loadPeerJs, type PeerFactory } from './peerjs.ts';
import { RoomSfu, type LayerWish, type SfuLinkFactory } from './room-sfu.ts';
import { ScreenCapture } from './screen-capture.ts';
import type { MeshConnectParams, MeshStatus } from './signaling.ts';

export { streamKey, type StreamKey } from './peer-mesh.ts';
export type { LayerWish, SfuLinkFactory, SfuLinkLike } from './room-sfu.ts';

export interface RoomMediaOptions {
  /** Makes the PeerJS Peer; defaults to `defaultPeerFactory`. */
  peerFactory?: PeerFactory;
  /** Defaults to `navigator.mediaDevices`. */
  mediaDevices?: MediaDevices;
  /** ICE servers for RTCPeerConnection, after the server's own; none by default (host candidates suffice on a LAN or loopback). */
  iceServers?: RTCIceServer[];
  /** Sends a media-server frame over the room socket. Without it the media stays on the mesh. */
  sendSfu?: (msg: SfuClientMessage) => void;
  /** Makes the media server's link; the default loads sfu-link.ts. */
  sfuLinkFactory?: SfuLinkFactory;
  /** Moving to the media server, the mesh calls stay until its streams arrive, at most this long. Default 5 s. */
  handoverMs?: number;
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
  private readonly sfu: RoomSfu;
  private readonly level = new LocalLevel();
  private readonly options: RoomMediaOptions;
  private state: RoomState | null = null;
  private selfId = '';
  private pageIce: RTCIceServer[] = [];
  private serverIce: RoomIce = { iceServers: [], iceTransportPolicy: 'all' };
  /** On the media server: the mesh calls were let go (its streams came, or the wait ran out). */
  private handedOver = false;
  private handoverTimer: ReturnType<typeof setTimeout> | null = null;
  private merged: { from: readonly unknown[]; streams: ReadonlyMap<StreamKey, MediaStream> } = { from: [], streams: new Map() };

  constructor(host: ReactiveControllerHost, options: RoomMediaOptions = {}) {
    this.host = host;
    this.options = options;
    this.onScreenEnded = options.onScreenEnded;
    const changed = () => this.host.requestUpdate();
    this.local = new LocalMedia({
      mediaDevices: options.mediaDevices,
      onChange: () => {
        this.sfu.publish('camera', this.local.stream);
        changed();
      },
      onTrackReplaced: (_kind, track) => {
        this.mesh.replaceTrack('camera', track);
        this.sfu.replaceTrack('camera', track);
      },
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
      onChange: () => {
        this.checkHandover();
        changed();
      },
      onError: options.onError,
    });
    this.mesh.signaling.peerFactory = options.peerFactory ?? defaultPeerFactory;
    this.sfu = new RoomSfu({
      send: (msg) => options.sendSfu?.(msg),
      iceServers: () => this.mesh.signaling.iceServers,
      iceTransportPolicy: () => this.mesh.signaling.iceTransportPolicy,
      onChange: () => {
        this.checkHandover();
        changed();
      },
      onError: options.onError,
    });
    if (options.sfuLinkFactory) this.sfu.factory = options.sfuLinkFactory;
    this.iceServers = options.iceServers ?? [];
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

  // --- the mesh and the media server ----------------------------------------------------

  /** How media travels now: `sfu` from the moment the media server's link opens. */
  get mode(): MediaMode {
    return this.sfu.open ? 'sfu' : 'mesh';
  }
  /** Makes the media server's link; replace before the room moves to it to use another implementation. */
  get sfuLinkFactory(): SfuLinkFactory {
    return this.sfu.factory;
  }
  set sfuLinkFactory(factory: SfuLinkFactory) {
    this.sfu.factory = factory;
  }
  /** A media-server frame from the room socket. */
  handleSfu(msg: SfuServerMessage): void {
    this.sfu.handle(msg);
  }
  /** Which layer of each video to receive from the media server (by tile size; `off` past the last-N). */
  setLayers(want: LayerWish[]): void {
    this.sfu.setLayers(want);
  }
  /** The STUN/TURN servers (and policy) the room's server gave this connection: used before the page's own. */
  setServerIce(ice: RoomIce): void {
    this.serverIce = ice;
    this.iceServers = this.pageIce;
  }

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
  /** The page's ICE servers for new peer connections, used after the server's (empty: host candidates only). */
  get iceServers(): RTCIceServer[] {
    return this.pageIce;
  }
  set iceServers(servers: RTCIceServer[]) {
    this.pageIce = servers;
    this.mesh.signaling.iceServers = [...this.serverIce.iceServers, ...servers];
    this.mesh.signaling.iceTransportPolicy = this.serverIce.iceTransportPolicy;
  }
  /**
   * Remote streams keyed `${source}:${userId}` (never the bare user id: read one with `stream()`),
   * from the mesh or the media server (while moving, the media server's first); a new map on every change.
   */
  get remoteStreams(): ReadonlyMap<StreamKey, MediaStream> {
    const mesh = this.mesh.streams;
    const sfu = this.sfu.streams;
    if (!sfu.size) return mesh;
    if (!mesh.size) return sfu;
    if (this.merged.from[0] !== mesh || this.merged.from[1] !== sfu) this.merged = { from: [mesh, sfu], streams: new Map([...mesh, ...sfu]) };
    return this.merged.streams;
  }

  /** `userId`'s `source` as we receive it, or null. */
  stream(userId: string, source: MediaSource): MediaStream | null {
    const key = streamKey(userId, source);
    return this.sfu.streams.get(key) ?? this.mesh.streams.get(key) ?? null;
  }

  /**
   * How loud `userId` is right now, 0..1 (linear, 1 = full scale), ourselves included: for the
   * active-speaker ring. Cheap enough to poll while the ring is shown; 0 when unknown or muted.
   */
  audioLevel(userId: string): number {
    if (userId && userId === this.selfId) {
      return this.audioOn ? this.level.read(this.local.stream?.getAudioTracks()[0] ?? null) : 0;
    }
    const receiver = this.sfu.audioReceiver(userId);
    return receiver ? receiverLevel(receiver) : receivedLevel(this.mesh.connection(userId, 'camera'));
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

  /** Close every call and the media server's link, and leave the signaling server; keeps the camera, microphone and screen. */
  disconnect(): void {
    this.state = null;
    this.mesh.disconnect();
    this.relink();
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
    const sfu = !!state && !!this.options.sendSfu && state.status === 'open' && mediaMode(state) === 'sfu' && !!own(state.participants, this.selfId)?.present;
    if (state && sfu) {
      const mine = shareBy(state, this.selfId);
      this.sfu.publish('camera', this.local.stream);
      this.sfu.publish('screen', mine && mine.room === locationOf(state, this.selfId) ? this.capture.stream : null);
      if (!this.sfu.open) this.beginHandover();
    } else {
      this.sfu.stop();
      this.endHandover();
    }
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
    this.mesh.setLinks(sfu && this.handedOver ? [] : links);
  }

  /** On to the media server: its link opens; the mesh calls stay until its streams came (or for `handoverMs`). */
  private beginHandover(): void {
    this.handedOver = false;
    this.handoverTimer = setTimeout(() => this.finishHandover(), this.options.handoverMs ?? 5000);
    this.sfu.start();
  }

  /** Every stream the mesh brings, the media server brings too: let go of the mesh. */
  private checkHandover(): void {
    if (!this.sfu.open || this.handedOver) return;
    const sfu = this.sfu.streams;
    for (const key of this.mesh.streams.keys()) if (!sfu.has(key)) return;
    this.finishHandover();
  }

  private finishHandover(): void {
    if (this.handedOver) return;
    this.endHandover();
    this.handedOver = true;
    this.relink();
  }

  private endHandover(): void {
    if (this.handoverTimer !== null) clearTimeout(this.handoverTimer);
    this.handoverTimer = null;
    this.handedOver = false;
  }
}
