/**
 * A Janus stand-in on loopback for unit tests: the core's session API (create, attach, message,
 * keepalive, detach, destroy; `apisecret` checked) over a real WebSocket with the `janus-protocol`
 * subprotocol, and a small model of the VideoRoom plugin with Janus 1.1's answers and error codes
 * (427 exists, 426 no room, 433 unauthorized, 436 id taken, 428 no such feed). Tests can hold
 * answers, push events, drop sockets, stop and start listening, and bring a publisher's media "up".
 */
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export type Msg = Record<string, any>;

interface Handle {
  id: number;
  session: number;
  ws: WebSocket;
  room?: string;
  /** Participant id when joined as a publisher (participant). */
  pid?: string;
  pvt?: number;
  live?: boolean;
  answer?: string;
  /** Subscriber: its streams, in mid order. */
  streams?: { mid: string; feed: string; type: 'audio' | 'video'; dead?: boolean }[];
  answered?: boolean;
}

interface Room {
  secret: string;
  allowed: Set<string> | null;
  requirePvtid: boolean;
  create: Msg;
}

export class FakeJanus {
  readonly apiSecret: string;
  readonly adminKey: string;
  url = '';
  /** Every request received, in order. */
  readonly requests: Msg[] = [];
  /** Requests this returns true for get no answer at all. */
  hold: (msg: Msg) => boolean = () => false;
  /** Send the `event` of async plugin requests before their `ack` (Janus does, at times). */
  eventBeforeAck = false;
  readonly rooms = new Map<string, Room>();
  readonly handles = new Map<number, Handle>();
  readonly moderated: Msg[] = [];
  private wss: WebSocketServer | null = null;
  private port = 0;
  private nextId = 1000;
  private nextMid = 0;

  constructor(apiSecret = 'fake-api-secret-0123', adminKey = 'fake-admin-key-0123') {
    this.apiSecret = apiSecret;
    this.adminKey = adminKey;
  }

  static async start(): Promise<FakeJanus> {
    const fake = new FakeJanus();
    await fake.listen();
    return fake;
  }

  /** Listen (again, on the same port after `stopListening`). */
  async listen(): Promise<void> {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: this.port, handleProtocols: (p) => (p.has('janus-protocol') ? 'janus-protocol' : false) });
    await new Promise<void>((r) => wss.once('listening', () => r()));
    this.wss = wss;
    this.port = (wss.address() as AddressInfo).port;
    this.url = `ws://127.0.0.1:${this.port}`;
    wss.on('connection', (ws) => ws.on('message', (raw) => this.receive(ws, JSON.parse(String(raw)))));
  }

  /** Close every socket abruptly and refuse new ones until `listen()`. */
  async stopListening(): Promise<void> {
    const wss = this.wss;
    this.wss = null;
    if (!wss) return;
    for (const ws of wss.clients) ws.terminate();
    this.handles.clear();
    await new Promise<void>((r) => wss.close(() => r()));
  }

  /** Drop every connection (the server keeps listening). */
  drop(): void {
    for (const ws of this.wss?.clients ?? []) ws.terminate();
    this.handles.clear();
  }

  get connections(): number {
    return this.wss?.clients.size ?? 0;
  }

  of(janus: string, request?: string): Msg[] {
    return this.requests.filter((m) => m.janus === janus && (request === undefined || m.body?.request === request));
  }

  /** Send a message to a handle's socket as Janus would, unsolicited. */
  push(handleId: number, msg: Msg): void {
    const h = this.handles.get(handleId);
    h?.ws.send(JSON.stringify({ session_id: h.session, sender: handleId, ...msg }));
  }
  pluginEvent(handleId: number, data: Msg, jsep?: Msg): void {
    this.push(handleId, { janus: 'event', plugindata: { plugin: 'janus.plugin.videoroom', data }, ...(jsep ? { jsep } : {}) });
  }

  /** The publisher `pid` in `room`: its handle id. */
  publisher(room: string, pid: string): number {
    const h = [...this.handles.values()].find((x) => x.room === room && x.pid === pid);
    if (!h) throw new Error(`no participant ${pid} in ${room}`);
    return h.id;
  }

  /**
   * A publisher's media is up: webrtcup to it, `publishers` to the room's other participants. With
   * `quiet`, Janus lists and serves the feed but its webrtcup has not reached us yet (a busy machine).
   */
  mediaUp(room: string, pid: string, quiet = false): void {
    const h = this.handles.get(this.publisher(room, pid))!;
    h.live = true;
    if (quiet) return;
    this.push(h.id, { janus: 'webrtcup' });
    this.toRoom(room, h.id, { videoroom: 'event', room, publishers: [{ id: pid, streams: [] }] });
  }

  /** Janus hangs up a publisher's PeerConnection: its feed stops, subscribers' streams of it die. */
  hangup(room: string, pid: string): void {
    const h = this.handles.get(this.publisher(room, pid))!;
    h.live = false;
    this.feedGone(room, pid);
    this.push(h.id, { janus: 'hangup', reason: 'DTLS alert' });
    this.toRoom(room, h.id, { videoroom: 'event', room, unpublished: pid });
  }

  private toRoom(room: string, except: number, data: Msg): void {
    for (const x of this.handles.values()) if (x.room === room && x.pid !== undefined && x.id !== except) this.pluginEvent(x.id, data);
  }

  private feedGone(room: string, pid: string): void {
    for (const x of this.handles.values()) if (x.room === room && x.streams) for (const s of x.streams) if (s.feed === pid) s.dead = true;
  }

  private receive(ws: WebSocket, msg: Msg): void {
    this.requests.push(msg);
    if (this.hold(msg)) return;
    const reply = (m: Msg) => ws.send(JSON.stringify({ transaction: msg.transaction, ...m }));
    if (msg.apisecret !== this.apiSecret) return reply({ janus: 'error', error: { code: 403, reason: 'Unauthorized request (wrong or missing secret/token)' } });
    switch (msg.janus) {
      case 'create':
        return reply({ janus: 'success', data: { id: this.nextId++ } });
      case 'keepalive':
        return reply({ janus: 'ack', session_id: msg.session_id });
      case 'destroy':
        return reply({ janus: 'success', session_id: msg.session_id });
      case 'attach': {
        const id = this.nextId++;
        this.handles.set(id, { id, session: msg.session_id, ws });
        return reply({ janus: 'success', session_id: msg.session_id, data: { id } });
      }
      case 'detach': {
        const h = this.handles.get(msg.handle_id);
        if (!h) return reply({ janus: 'error', session_id: msg.session_id, error: { code: 459, reason: `No such handle ${msg.handle_id}` } });
        this.leave(h);
        this.handles.delete(h.id);
        return reply({ janus: 'success', session_id: msg.session_id });
      }
      case 'message': {
        const h = this.handles.get(msg.handle_id);
        if (!h) return reply({ janus: 'error', session_id: msg.session_id, error: { code: 459, reason: `No such handle ${msg.handle_id}` } });
        const answer = this.plugin(h, msg.body ?? {}, msg.jsep);
        const out = { janus: answer.async ? 'event' : 'success', session_id: msg.session_id, sender: h.id, plugindata: { plugin: 'janus.plugin.videoroom', data: answer.data }, ...(answer.jsep ? { jsep: answer.jsep } : {}) };
        if (!answer.async) return reply(out);
        if (this.eventBeforeAck) {
          reply(out);
          return reply({ janus: 'ack', session_id: msg.session_id });
        }
        reply({ janus: 'ack', session_id: msg.session_id });
        return reply(out);
      }
      default:
        return reply({ janus: 'error', error: { code: 453, reason: `Unknown request '${msg.janus}'` } });
    }
  }

  private leave(h: Handle): void {
    if (h.room && h.pid !== undefined) {
      if (h.live) this.feedGone(h.room, h.pid);
      this.toRoom(h.room, h.id, { videoroom: 'event', room: h.room, leaving: h.pid });
    }
    h.room = undefined;
    h.pid = undefined;
    h.live = false;
  }

  private plugin(h: Handle, body: Msg, jsep?: Msg): { data: Msg; jsep?: Msg; async?: boolean } {
    const err = (code: number, error: string, async = false) => ({ data: { videoroom: 'event', error_code: code, error }, async });
    const room = body.room !== undefined ? this.rooms.get(body.room) : undefined;
    const secretOk = () => room && body.secret === room.secret;
    switch (body.request) {
      case 'create':
        if (body.admin_key !== this.adminKey) return err(429, 'Missing mandatory element (admin_key)');
        if (room) return err(427, `Room ${body.room} already exists`);
        this.rooms.set(body.room, { secret: body.secret, allowed: Array.isArray(body.allowed) ? new Set(body.allowed) : null, requirePvtid: !!body.require_pvtid, create: body });
        return { data: { videoroom: 'created', room: body.room, permanent: false } };
      case 'destroy':
        if (!room) return err(426, `No such room (${body.room})`);
        if (!secretOk()) return err(433, 'Unauthorized (wrong secret)');
        for (const x of this.handles.values()) if (x.room === body.room) this.pluginEvent(x.id, { videoroom: 'destroyed', room: body.room });
        this.rooms.delete(body.room);
        return { data: { videoroom: 'destroyed', room: body.room } };
      case 'allowed':
        if (!room) return err(426, `No such room (${body.room})`);
        if (!secretOk()) return err(433, 'Unauthorized (wrong secret)');
        for (const t of body.allowed ?? []) body.action === 'add' ? room.allowed?.add(t) : room.allowed?.delete(t);
        return { data: { videoroom: 'success', room: body.room, allowed: [...(room.allowed ?? [])] } };
      case 'kick': {
        if (!room) return err(426, `No such room (${body.room})`);
        if (!secretOk()) return err(433, 'Unauthorized (wrong secret)');
        const target = [...this.handles.values()].find((x) => x.room === body.room && x.pid === body.id);
        if (!target) return err(428, `No such user ${body.id} in room ${body.room}`);
        this.pluginEvent(target.id, { videoroom: 'event', room: body.room, leaving: 'ok', reason: 'kicked' });
        this.leave(target);
        return { data: { videoroom: 'success' } };
      }
      case 'moderate':
        if (!room) return err(426, `No such room (${body.room})`);
        if (!secretOk()) return err(433, 'Unauthorized (wrong secret)');
        this.moderated.push(body);
        return { data: { videoroom: 'success' } };
      case 'listparticipants':
        if (!room) return err(426, `No such room (${body.room})`);
        return { data: { videoroom: 'participants', room: body.room, participants: [...this.handles.values()].filter((x) => x.room === body.room && x.pid !== undefined).map((x) => ({ id: x.pid, publisher: !!x.live })) } };
      case 'join':
        if (!room) return err(426, `No such room (${body.room})`, true);
        return body.ptype === 'publisher' ? this.joinPublisher(h, room, body) : this.joinSubscriber(h, room, body);
      case 'publish':
        if (!jsep) return err(429, 'Missing SDP', true);
        h.answer = String(jsep.sdp).replace('sendonly', 'recvonly');
        return { data: { videoroom: 'event', room: h.room, configured: 'ok' }, jsep: { type: 'answer', sdp: h.answer }, async: true };
      case 'start':
        h.answered = true;
        return { data: { videoroom: 'event', started: 'ok' }, async: true };
      case 'configure':
        return { data: { videoroom: 'event', configured: 'ok' }, async: true };
      case 'update':
        return this.update(h, body);
      default:
        return err(423, `Unknown request '${body.request}'`);
    }
  }

  private joinPublisher(h: Handle, room: Room, body: Msg) {
    if (room.allowed && !room.allowed.has(body.token)) return { data: { videoroom: 'event', error_code: 433, error: 'Unauthorized (not in the allowed list)' }, async: true };
    const pid = body.id !== undefined ? String(body.id) : `anon-${this.nextId++}`;
    if ([...this.handles.values()].some((x) => x.room === body.room && x.pid === pid)) return { data: { videoroom: 'event', error_code: 436, error: `User ID ${pid} already exists` }, async: true };
    Object.assign(h, { room: body.room, pid, pvt: this.nextId++ });
    return { data: { videoroom: 'joined', room: body.room, id: pid, private_id: h.pvt, publishers: [] }, async: true };
  }

  private live(room: string, feed: string): boolean {
    return [...this.handles.values()].some((x) => x.room === room && x.pid === feed && x.live);
  }

  private joinSubscriber(h: Handle, room: Room, body: Msg) {
    const feeds: string[] = (body.streams ?? []).map((s: Msg) => String(s.feed));
    if (!feeds.length) return { data: { videoroom: 'event', error_code: 429, error: 'Missing mandatory element (feed)' }, async: true };
    const gone = feeds.find((f) => !this.live(body.room, f));
    if (gone) return { data: { videoroom: 'event', error_code: 428, error: `No such feed (${gone})` }, async: true };
    if (room.requirePvtid && ![...this.handles.values()].some((x) => x.room === body.room && x.pvt === body.private_id)) {
      return { data: { videoroom: 'event', error_code: 433, error: 'Unauthorized (this room requires a valid private_id)' }, async: true };
    }
    Object.assign(h, { room: body.room, streams: [], answered: false });
    for (const f of feeds) this.addStreams(h, f);
    return this.offer(h, 'attached');
  }

  private addStreams(h: Handle, feed: string): void {
    for (const type of ['audio', 'video'] as const) h.streams!.push({ mid: String(this.nextMid++), feed, type });
  }

  private offer(h: Handle, videoroom: string) {
    const sdp = ['v=0', ...h.streams!.map((s) => `m=${s.type} 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:${s.mid}`), ''].join('\r\n');
    h.answered = false;
    return {
      data: { videoroom, room: h.room, streams: [...h.streams!.map((s) => ({ type: s.type, mid: s.mid, feed_id: s.feed, active: true })), { type: 'data', mid: 'd' }] },
      jsep: { type: 'offer', sdp },
      async: true,
    };
  }

  private update(h: Handle, body: Msg) {
    if (!h.streams) return { data: { videoroom: 'event', error_code: 425, error: 'Not a subscriber' }, async: true };
    for (const s of body.subscribe ?? []) {
      if (!this.live(h.room!, String(s.feed))) return { data: { videoroom: 'event', error_code: 428, error: `No such feed (${s.feed})` }, async: true };
    }
    let changes = h.streams.filter((s) => s.dead).length;
    h.streams = h.streams.filter((s) => !s.dead);
    for (const s of body.unsubscribe ?? []) {
      const before = h.streams.length;
      h.streams = h.streams.filter((x) => x.feed !== String(s.feed));
      changes += before - h.streams.length;
    }
    for (const s of body.subscribe ?? []) {
      this.addStreams(h, String(s.feed));
      changes++;
    }
    if (!changes) return { data: { videoroom: 'updated', room: h.room }, async: true };
    if (!h.answered) return { data: { videoroom: 'updating', room: h.room }, async: true };
    return this.offer(h, 'updated');
  }

  async stop(): Promise<void> {
    await this.stopListening();
  }
}
