/**
 * Benchmark child: the reference `peer` npm package (PeerServer, path '/', default key 'peerjs').
 * concurrent_limit is raised above the largest N (its default is 5000). Same IPC as ours.
 */
import { readFileSync } from 'node:fs';
import { PeerServer } from 'peer';

const fdLimit = () => {
  try {
    return Number(/Max open files\s+(\d+)/.exec(readFileSync('/proc/self/limits', 'utf8'))?.[1]) || undefined;
  } catch {
    return undefined;
  }
};

const send = (m) => process.send?.(m);
PeerServer({ port: 0, host: '127.0.0.1', path: '/', concurrent_limit: 1_000_000 }, (server) => {
  const { port } = server.address();
  process.on('message', async (m) => {
    if (m?.cmd === 'cpu') return send({ type: 'cpu', ...process.cpuUsage() });
    if (m?.cmd !== 'mem') return;
    for (let i = 0; i < 3; i++) {
      globalThis.gc?.();
      await new Promise((r) => setTimeout(r, 100));
    }
    send({ type: 'mem', ...process.memoryUsage(), gc: !!globalThis.gc });
  });
  process.on('disconnect', () => process.exit(0));
  send({ type: 'ready', port, fdLimit: fdLimit() });
});
