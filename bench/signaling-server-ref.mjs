/**
 * Benchmark child: the reference `peer` npm package (PeerServer, path '/', default key 'peerjs').
 * concurrent_limit is raised above the largest N (its default is 5000). Same control channel as
 * ours (bench/signaling-child-ipc.ts: `mem`, `cpu`); exits when the parent goes away.
 */
import { PeerServer } from 'peer';
import { serveControl, serverCommands } from './signaling-child-ipc.ts';

PeerServer({ port: 0, host: '127.0.0.1', path: '/', concurrent_limit: 1_000_000 }, (server) => {
  serveControl(serverCommands(), { port: server.address().port });
});
