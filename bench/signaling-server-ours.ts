/**
 * Benchmark child: our PeerJS signaling on node:http + ws (noServer, maxPayload 1 MiB),
 * admitting every key (room = key). Talks to the parent over IPC:
 *   → {type:'ready', port}    ← {cmd:'mem'} → {type:'mem', rss, heapUsed, …}   ← {cmd:'cpu'} → {type:'cpu', user, system}
 * Exits when the parent goes away.
 */
import { readFileSync } from 'node:fs';
import { systemClock } from '../server/socket.ts';
import { createSignaling } from '../server/peerjs/signaling.ts';
import { startHarness } from '../server/peerjs/node-harness.ts';

const signaling = createSignaling({
  clock: systemClock,
  admit: async (key) => ({ ok: true, admission: { room: key, userId: 'bench' } }),
});
const h = await startHarness(signaling, { port: 0, host: '127.0.0.1', maxPayload: 1024 * 1024 });
serveMemoryRequests(h.port, () => signaling.stats());

/** Report readiness, answer memory / CPU probes over IPC (signaling-server-ref.mjs does the same). */
function serveMemoryRequests(port: number, extra?: () => unknown): void {
  const send = (m: unknown) => process.send?.(m);
  process.on('message', async (m: { cmd?: string }) => {
    if (m?.cmd === 'cpu') return send({ type: 'cpu', ...process.cpuUsage() });
    if (m?.cmd !== 'mem') return;
    const gc = (globalThis as { gc?: () => void }).gc;
    for (let i = 0; i < 3; i++) {
      gc?.();
      await new Promise((r) => setTimeout(r, 100));
    }
    send({ type: 'mem', ...process.memoryUsage(), gc: !!gc, extra: extra?.() });
  });
  process.on('disconnect', () => process.exit(0));
  send({ type: 'ready', port, fdLimit: fdLimit() });
}

/** Soft limit on open files (Linux), so the parent can warn when N sockets will not fit. */
function fdLimit(): number | undefined {
  try {
    const m = /Max open files\s+(\d+)/.exec(readFileSync('/proc/self/limits', 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}
