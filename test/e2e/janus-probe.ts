/**
 * The test's own look at Janus, beside the server: a few raw requests of Janus's WebSocket API
 * (with the lab's API secret) to read a room's allowed list and to try a join the way an outsider
 * holding a token would. Proves that Janus itself refuses what the server did not allow.
 */
import WebSocket from 'ws';

export interface JanusProbe {
  /** A VideoRoom request; resolves with the plugin's data (sync answer, or the async event). */
  request(body: Record<string, unknown>): Promise<Record<string, any>>;
  close(): void;
}

export async function openJanusProbe(url: string, apiSecret: string): Promise<JanusProbe> {
  const ws = new WebSocket(url, 'janus-protocol');
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const waiting = new Map<string, (msg: any) => void>();
  ws.on('message', (raw) => {
    const msg = JSON.parse(String(raw));
    if (msg.janus === 'ack') return;
    const done = msg.transaction && waiting.get(msg.transaction);
    if (done) {
      waiting.delete(msg.transaction);
      done(msg);
    }
  });
  let n = 0;
  const send = (msg: Record<string, unknown>): Promise<any> =>
    new Promise((resolve, reject) => {
      const transaction = `probe-${++n}`;
      const timer = setTimeout(() => reject(new Error(`Janus did not answer ${JSON.stringify(msg)}`)), 10_000);
      waiting.set(transaction, (m) => {
        clearTimeout(timer);
        resolve(m);
      });
      ws.send(JSON.stringify({ ...msg, transaction, apisecret: apiSecret }));
    });
  const session = await send({ janus: 'create' });
  const sessionId = session.data.id;
  const handle = await send({ janus: 'attach', session_id: sessionId, plugin: 'janus.plugin.videoroom' });
  const handleId = handle.data.id;
  const keepalive = setInterval(() => ws.send(JSON.stringify({ janus: 'keepalive', session_id: sessionId, transaction: 'ka', apisecret: apiSecret })), 20_000);
  return {
    async request(body) {
      const msg = await send({ janus: 'message', session_id: sessionId, handle_id: handleId, body });
      if (msg.janus === 'error') return { error_code: msg.error?.code, error: msg.error?.reason };
      return msg.plugindata?.data ?? {};
    },
    close() {
      clearInterval(keepalive);
      ws.close();
    },
  };
}

/** The secret the server gives a Janus room: base64url(HMAC-SHA256(key, room id)). */
export async function janusRoomSecret(key: string, janusRoom: string): Promise<string> {
  const enc = new TextEncoder();
  const k = await crypto.subtle.importKey('raw', enc.encode(key), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', k, enc.encode(janusRoom)));
  return Buffer.from(mac).toString('base64url');
}
