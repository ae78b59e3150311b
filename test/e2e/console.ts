/**
 * A staff console on the room socket, driven from an end-to-end test (as a standalone
 * `<breakout-dashboard>` would): it commands the room without joining it.
 */
import WebSocket from 'ws';

export type Console = Awaited<ReturnType<typeof openConsole>>;

/** Opens the console as the user `token` names; `send` resolves on the command's ack and rejects on its refusal. */
export async function openConsole(wsUrl: string, room: string, token: string): Promise<{ send(command: object): Promise<void>; close(): void }> {
  const ws = new WebSocket(`${wsUrl}/rooms/${room}/socket`);
  const waiting = new Map<string, { resolve(): void; reject(e: Error): void }>();
  let n = 0;
  await new Promise<void>((resolve, reject) => {
    ws.once('error', reject);
    ws.once('open', () => {
      ws.send(JSON.stringify({ type: 'hello', token, console: true }));
    });
    ws.on('message', (raw) => {
      const msg = JSON.parse(String(raw));
      if (msg.type === 'welcome') resolve();
      if (msg.type === 'ack') waiting.get(msg.ref)?.resolve();
      if (msg.type === 'error') {
        if (msg.ref && waiting.has(msg.ref)) waiting.get(msg.ref)!.reject(new Error(`${msg.code}: ${msg.message}`));
        else if (msg.fatal) reject(new Error(`${msg.code}: ${msg.message}`));
      }
    });
  });
  return {
    send: (command) =>
      new Promise<void>((resolve, reject) => {
        const ref = `c${++n}`;
        waiting.set(ref, { resolve, reject });
        ws.send(JSON.stringify({ type: 'command', ref, command }));
      }),
    close: () => ws.close(),
  };
}
