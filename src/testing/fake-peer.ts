/**
 * Test helper: a stand-in for PeerJS's `Peer` and `MediaConnection`, recording
 * what the mesh asks of it and letting tests play the network. Not part of the library.
 */
import type { CallLike, PeerFactory, PeerLike, PeerOptionsLike } from '../client/media/peerjs.ts';
import type { MediaSource } from '../protocol/types.ts';

type Listener = (...args: never[]) => void;

class Emitter {
  private listeners = new Map<string, Set<Listener>>();
  on(event: string, fn: Listener): this {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(fn);
    return this;
  }
  protected fire(event: string, ...args: unknown[]): void {
    for (const fn of [...(this.listeners.get(event) ?? [])]) (fn as (...a: unknown[]) => void)(...args);
  }
}

export class FakeCall extends Emitter implements CallLike {
  readonly peer: string;
  readonly metadata: unknown;
  /** Null unless a test wires a real connection in (to read audio levels, say). */
  peerConnection: RTCPeerConnection | null = null;
  /** The stream this side sends (what `call()` or `answer()` got). */
  localStream: MediaStream | undefined;
  answered = false;
  closed = false;
  readonly options: Record<string, unknown> | undefined;

  constructor(peer: string, metadata: unknown, localStream?: MediaStream, options?: Record<string, unknown>) {
    super();
    this.peer = peer;
    this.metadata = metadata;
    this.localStream = localStream;
    this.options = options;
  }

  answer(stream?: MediaStream): void {
    this.answered = true;
    this.localStream = stream;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.fire('close');
  }

  /** The source the metadata names (calls without one are camera calls, as the mesh reads them). */
  get source(): unknown {
    const source = (this.metadata as { source?: unknown } | null | undefined)?.source;
    return source === undefined ? 'camera' : source;
  }

  /** The network: the remote side's media arrives. */
  deliverStream(stream: MediaStream): void {
    this.fire('stream', stream);
  }
}

export class FakePeer extends Emitter implements PeerLike {
  static instances: FakePeer[] = [];
  readonly id: string;
  readonly options: PeerOptionsLike;
  open = false;
  disconnected = false;
  destroyed = false;
  reconnects = 0;
  /** Calls this peer placed. */
  readonly placed: FakeCall[] = [];

  constructor(id: string, options: PeerOptionsLike) {
    super();
    this.id = id;
    this.options = options;
    FakePeer.instances.push(this);
    setTimeout(() => this.goOnline(), 0);
  }

  static get last(): FakePeer | undefined {
    return FakePeer.instances[FakePeer.instances.length - 1];
  }

  static reset(): void {
    FakePeer.instances = [];
  }

  call(peer: string, stream: MediaStream, options?: Record<string, unknown>): FakeCall {
    const call = new FakeCall(peer, options?.metadata, stream, options);
    this.placed.push(call);
    return call;
  }

  /** Calls placed to `peer` (for `source`, when given) that are still open. */
  openTo(peer: string, source?: MediaSource): FakeCall[] {
    return this.placed.filter((c) => c.peer === peer && !c.closed && (source === undefined || c.source === source));
  }

  /** Peer ids of the calls still open that were placed for `source`, sorted. */
  openCalls(source: MediaSource): string[] {
    return this.placed
      .filter((c) => !c.closed && c.source === source)
      .map((c) => c.peer)
      .sort();
  }

  reconnect(): void {
    if (!this.disconnected || this.destroyed) throw new Error('not disconnected');
    this.reconnects++;
    this.disconnected = false;
    setTimeout(() => this.goOnline(), 0);
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.open = false;
    this.disconnected = true;
    this.fire('disconnected', this.id);
    this.fire('close');
  }

  // --- the network -----------------------------------------------------------

  goOnline(): void {
    if (this.destroyed || this.open) return;
    this.open = true;
    this.fire('open', this.id);
  }

  /** Someone calls this peer (`metadata` as the caller sends it, e.g. `{ source: 'screen' }`). */
  incoming(from: string, metadata?: unknown): FakeCall {
    const call = new FakeCall(from, metadata);
    this.fire('call', call);
    return call;
  }

  /** The signaling socket drops. */
  dropSignaling(): void {
    this.open = false;
    this.disconnected = true;
    this.fire('disconnected', this.id);
  }

  error(type: string, message: string): void {
    this.fire('error', { type, message });
  }
}

export const fakePeerFactory: PeerFactory = (id, options) => new FakePeer(id, options);
