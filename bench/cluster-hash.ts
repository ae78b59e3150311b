/**
 * Which server nginx's `hash $kaltura_room consistent` picks for a room, computed here so the
 * benchmark can name rooms that spread evenly over its servers (and check nginx agreed, through
 * the lease each server took).
 *
 * nginx's consistent hash is a ketama ring: every upstream `host:port` puts 160 points (times its
 * weight) on a ring of 32-bit CRC32 values, the first seeded with the CRC32 of "host\0port" and each
 * next one the CRC32 of that seed continued with the previous point's four bytes (little-endian).
 * A key goes to the first point at or after CRC32(key), wrapping round to the first point.
 */
import { crc32 } from 'node:zlib';

export interface Ring {
  /** The server (as given) owning `key`. */
  pick(key: string): string;
}

/** A ring over `servers`, each `host:port` exactly as nginx's upstream lists it. */
export function ring(servers: string[], pointsPerServer = 160): Ring {
  const points: { hash: number; server: string }[] = [];
  for (const server of servers) {
    const colon = server.lastIndexOf(':');
    const seed = crc32(Buffer.concat([Buffer.from(server.slice(0, colon)), Buffer.from([0]), Buffer.from(server.slice(colon + 1))]));
    const prev = Buffer.alloc(4); // the first point continues the seed with four zero bytes
    for (let i = 0; i < pointsPerServer; i++) {
      const hash = crc32(prev, seed);
      points.push({ hash, server });
      prev.writeUInt32LE(hash, 0);
    }
  }
  points.sort((a, b) => a.hash - b.hash);
  return {
    pick(key: string): string {
      const h = crc32(key);
      let lo = 0;
      let hi = points.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (points[mid]!.hash < h) lo = mid + 1;
        else hi = mid;
      }
      return points[lo % points.length]!.server;
    },
  };
}

/**
 * `count` room names (`<prefix>-<n>`, n counting up) that the ring spreads as evenly as it can
 * over `servers`: each server gets count/servers of them (the first ones get the remainder).
 */
export function spreadRooms(r: Ring, servers: string[], prefix: string, count: number): { room: string; server: string }[] {
  const want = new Map(servers.map((s, i) => [s, Math.floor(count / servers.length) + (i < count % servers.length ? 1 : 0)]));
  const out: { room: string; server: string }[] = [];
  for (let n = 1; out.length < count; n++) {
    if (n > 100_000) throw new Error('cluster bench: could not spread the rooms over the servers (is a server missing from the ring?)');
    const room = `${prefix}-${n}`;
    const server = r.pick(room);
    const left = want.get(server) ?? 0;
    if (left <= 0) continue;
    want.set(server, left - 1);
    out.push({ room, server });
  }
  return out;
}
