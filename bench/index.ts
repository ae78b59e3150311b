/**
 * `npm run bench`: every benchmark, printed as tables. `-- --quick` for a short run.
 * Figures are measured on this machine in this run; the reference runs beside ours.
 */
import * as breakout from './breakout.ts';
import * as cluster from './cluster.ts';
import * as firstFrame from './first-frame.ts';
import * as flood from './flood.ts';
import * as media from './media.ts';
import * as signaling from './signaling.ts';

const quick = process.argv.includes('--quick');
const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',');
const want = (name: string) => !only || only.includes(name);

if (want('signaling')) {
  console.log('\n## PeerJS signaling: ours vs the reference server (npm `peer`)\n');
  const rows = await signaling.run({ quick, log: () => {} });
  console.log(signaling.formatTable(rows));
}

if (want('first-frame')) {
  console.log('\n## Join to first remote video frame (headless Chromium, fake camera, loopback)\n');
  const r = await firstFrame.run({ runs: quick ? 3 : 9 });
  console.log(`runs: ${r.runs.map((x) => x.toFixed(0)).join(', ')} ms`);
  console.log(`median ${r.median.toFixed(0)} ms, p95 ${r.p95.toFixed(0)} ms (aim: under 1500 ms: ${r.p95 < 1500 ? 'met' : 'MISSED'})`);
}

if (want('breakout')) {
  const clients = quick ? 200 : 1000;
  const rooms = quick ? 20 : 100;
  console.log('\n## Breakout fan-out\n');
  console.log(breakout.table(await breakout.run({ clients, rooms, reps: quick ? 5 : 15 }), clients, rooms));
}

if (want('cluster')) {
  console.log('\n## Two servers on PostgreSQL beside one on SQLite: breakout fan-out and join storms, as ratios\n');
  const opts = quick ? { clients: 100, rounds: 2, reps: 3 } : {};
  console.log(cluster.table(await cluster.run({ ...opts, log: (line) => process.stderr.write(`${line}\n`) })));
}

if (want('flood')) {
  console.log("\n## One participant's flood: other rooms' ping and room A's writes, beside a baseline\n");
  console.log(flood.table(await flood.run(quick ? { rooms: 10, perRoom: 3, seconds: 3, reps: 2 } : { rooms: 20, perRoom: 5, seconds: 8, reps: 3 })));
}

if (want('media')) {
  console.log('\n## Media per page: mesh vs SFU (Janus) at 3 to 6 people, Janus CPU, and last-N\n');
  const opts = quick ? { rounds: 1, warmupMs: 4000, windowMs: 6000 } : {};
  const r = await media.run({ ...opts, log: (line) => process.stderr.write(`${line}\n`) });
  console.log(media.table(r));
  // The mesh giving out on a small machine is a finding; the SFU not holding a room is a failure.
  if (media.failures(r).some((f) => f.startsWith('sfu'))) process.exitCode = 1;
}
