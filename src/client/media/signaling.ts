/**
 * This browser's registration with the PeerJS signaling server: one `Peer` at a time, its key a
 * single-use media ticket from the room socket, so every (re)connection takes a fresh one. It
 * reconnects with backoff when the signaling socket drops, and gives up, saying why, on errors
 * no retry can fix (an incompatible browser, a refused key).
 */
import { defaultPeerFactory, peerOptions, type CallLike, type PeerFactory, type PeerLike } from './peerjs.ts';

export type MeshStatus = 'off' | 'connecting' | 'connected' | 'reconnecting' | 'failed';

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
  /** The room: its signaling lives at `/rooms/<room>/peerjs` on the server. */
  room: string;
}

export interface SignalingOptions {
  /** The status changed. */
  onStatus: () => void;
  /** The Peer is open: calls may be placed. */
  onOpen: () => void;
  /** Someone calls us (only from the current Peer). */
  onCall: (call: CallLike) => void;
  /**
   * The Peer went away: every call it carried is gone. `fresh`: a new registration starts (a
   * new id or server, or none), so pending retries are void too.
   */
  onLost: (fresh: boolean) => void;
  /** A call could not reach `peerId` (not connected to signaling right now). */
  onUnavailable: (peerId: string) => void;
  /** Something worth telling the user about went wrong. */
  onError?: (error: { code: string; message: string }) => void;
}

export class Signaling {
  /** The PeerJS side. */
  status: MeshStatus = 'off';
  /** Makes the PeerJS Peer; replace before `connect()` to use another implementation. */
  peerFactory: PeerFactory = defaultPeerFactory;
  /** ICE servers for new peer connections (empty: host candidates only). */
  iceServers: RTCIceServer[] = [];
  /** `relay`: TURN only (the deployment forces it); read, with `iceServers`, at every (re)connection. */
  iceTransportPolicy: RTCIceTransportPolicy = 'all';
  /** The current Peer, while there is one. */
  peer: PeerLike | null = null;
  /** What `connect()` was last given; null when disconnected. */
  params: MeshConnectParams | null = null;

  private readonly options: SignalingOptions;
  private generation = 0;
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private fatal = false;

  constructor(options: SignalingOptions) {
    this.options = options;
  }

  /** True when the Peer is open and calls may be placed. */
  get open(): boolean {
    return !!this.peer?.open && !!this.params;
  }

  /**
   * Register as `params.peerId` (idempotent for the same id, server and room). Asked again while
   * waiting to retry (the room socket is back, say after its room moved to another server, and
   * has a fresh ticket): try now rather than at the end of the back-off.
   */
  connect(params: MeshConnectParams): void {
    const same =
      this.params &&
      this.params.peerId === params.peerId &&
      this.params.server === params.server &&
      this.params.room === params.room &&
      (this.peer || this.timer !== null || this.status === 'connecting');
    this.params = params;
    if (same) {
      if (this.timer !== null && !this.peer && !this.fatal) {
        clearTimeout(this.timer);
        this.timer = null;
        void this.createPeer();
      }
      return;
    }
    this.teardown();
    this.fatal = false;
    this.attempt = 0;
    this.setStatus('connecting');
    void this.createPeer();
  }

  /** Leave the signaling server. */
  disconnect(): void {
    this.params = null;
    this.teardown();
    this.setStatus('off');
  }

  private teardown(): void {
    this.generation++;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    const peer = this.peer;
    this.peer = null;
    this.options.onLost(true);
    try {
      peer?.destroy();
    } catch {
      /* already gone */
    }
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
      this.schedule();
      return;
    }
    if (gen !== this.generation || this.params !== params) return;
    let peer: PeerLike;
    try {
      const config: RTCConfiguration = { iceServers: this.iceServers, iceTransportPolicy: this.iceTransportPolicy };
      peer = await this.peerFactory(params.peerId, { ...peerOptions(params.server, params.room, key, this.iceServers), config });
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
      this.attempt = 0;
      this.setStatus('connected');
      this.options.onOpen();
    });
    peer.on('call', (call) => {
      if (this.peer !== peer) {
        call.close();
        return;
      }
      this.options.onCall(call);
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
      this.options.onLost(false);
      this.setStatus('reconnecting');
      this.schedule();
    });
    peer.on('close', () => {
      if (this.peer !== peer) return;
      this.peer = null;
      this.options.onLost(false);
      if (!this.params || this.fatal) return;
      this.setStatus('reconnecting');
      this.schedule();
    });
    peer.on('error', (error) => {
      if (this.peer !== peer) return;
      this.onPeerError(error);
    });
    if (peer.open) {
      this.setStatus('connected');
      this.options.onOpen();
    }
  }

  private schedule(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    const delay = Math.min(5000, 250 * 2 ** this.attempt++);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.createPeer();
    }, delay);
  }

  private onPeerError(error: { type?: string; message?: string }): void {
    switch (error.type) {
      case 'peer-unavailable': {
        const id = /peer\s+(\S+)\s*$/.exec(error.message ?? '')?.[1];
        if (id) this.options.onUnavailable(id);
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

  private setStatus(status: MeshStatus): void {
    if (this.status === status) return;
    this.status = status;
    this.options.onStatus();
  }
}
