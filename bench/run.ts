/**
 * npm run bench [-- FIGURE...]: the suite. Each figure runs ours and its peers in the same
 * run, interleaved (ours, peer, peer, ours, ...) so that this noisy machine's drift hits
 * all alike; each is the median over RUNS runs (BENCH_RUNS, default 5), each run's
 * figure itself a median where it has samples. Ratios matter; absolute figures drift.
 *
 * Figures: pingpong, threaded-pingpong, unix-pingpong, pool-pingpong, threads8, bulk, udp, serve, keepalive, serve-start, processes, cluster, idle, first, load, leak, tlsattack,
 * tlspingpong, tlsbulk, text, lines, metrics.
 */
import { spawn } from 'node:child_process';
import { cpus } from 'node:os';
import { createInterface } from 'node:readline';
import { createPool } from '../src/index.js';
import { BULK_BYTES, nodeNetReceive, nodeNetSend, oursReceive, oursSend, pythonBulk } from './bulk.js';
import { startEchoServer } from './echo-server.js';
import { startPythonPeer } from '../test/helpers/peers.js';
import { firstCommandMs } from './first-command.js';
import { oursIdle, rawIdle } from './idle.js';
import { nodeNetConnections, oursThreads, pythonThreads, THREADS } from './threads8.js';
import { LOAD_CONNECTIONS, LOAD_REQUESTS, leakRun, loadRun, startLoadServers } from './reliability.js';
import {
  floorPingPongStats,
  nodeNetPingPong,
  nodeNetPingPongStats,
  oursPingPong,
  oursPingPongStats,
  pythonPingPongStats,
} from './pingpong.js';
import { oursInChild, oursStatsInChild } from './ours-child.js';
import {
  nodeNetUnixPingPong,
  nodeNetUnixPingPongStats,
  oursUnixPingPong,
  oursUnixPingPongStats,
  startUnixEchoServer,
} from './unix-pingpong.js';
import { keepAlive, serveStart, serveThroughput } from './serve-figures.js';
import {
  loadGenerator,
  REQUEST_HANDLER,
  startClusterServer,
  startOurProcesses,
  startOurServer,
  startPythonThreadingServer,
  startRawServer,
} from './serve-throughput.js';
import { flatten, latencyRows, median, printTable, type Row, type Summary } from './stats.js';
import { dgramPingPong, oursFlood, oursUdpPingPong, pythonFlood, pythonUdpPingPong, startUdpEcho } from './udp.js';
import { ATTACKERS, latencyUnderAttack, OVER_LIMIT, startTlsServers } from './tls-attack.js';
import { linesFigure, textFigure } from './text-lines.js';
import { metricsFigure } from './metrics-figure.js';
import { nodeTlsPingPong, oursTlsPingPong, oursTlsReceive, oursTlsSend, peerTlsBulk, pythonTlsPingPong, startTlsPeer, type RoundTrips } from './tls.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const SERVE_SECONDS = Number(process.env.BENCH_SERVE_SECONDS ?? 3);
const ROUND_TRIPS = Number(process.env.BENCH_ROUND_TRIPS ?? 20_000);
const IDLE_CONNECTIONS = Number(process.env.BENCH_IDLE ?? 10_000);
const FLOOD_DATAGRAMS = Number(process.env.BENCH_FLOOD ?? 200_000);
const TLS_BULK_BYTES = Number(process.env.BENCH_TLS_BYTES ?? 64 * 1024 * 1024);
const THREADED_TRIPS = Number(process.env.BENCH_THREADED_TRIPS ?? 3000);

function progress(text: string): void {
  process.stderr.write(`${text}\n`);
}

/** Runs `measure` RUNS times; each run yields one value per series. Medians per series. */
async function interleaved(name: string, measure: () => Promise<Record<string, number>>): Promise<Record<string, number>> {
  const series: Record<string, number[]> = {};
  for (let run = 1; run <= RUNS; run++) {
    const values = await measure();
    for (const [key, value] of Object.entries(values)) (series[key] ??= []).push(value);
    progress(`${name} run ${run}/${RUNS}: ${Object.entries(values).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ')}`);
  }
  return Object.fromEntries(Object.entries(series).map(([key, values]) => [key, median(values)]));
}

async function pingPong(): Promise<Row[]> {
  const echo = await startEchoServer();
  try {
    oursPingPong(echo.port, 2000); // warm the engine and the JIT
    await nodeNetPingPong(echo.port, 2000);
    const m = await interleaved('ping-pong', async () => ({
      ...flatten({
        ours: oursPingPongStats(echo.port, ROUND_TRIPS),
        net: await nodeNetPingPongStats(echo.port, ROUND_TRIPS),
        python: await pythonPingPongStats(echo.port, ROUND_TRIPS),
        floor: floorPingPongStats(echo.port, ROUND_TRIPS),
        engine: await oursStatsInChild(echo.port, true, ROUND_TRIPS),
      }),
      // A fresh process per run: its first 100 round trips, on each path.
      first: await oursInChild('first', echo.port, false),
      firstEngine: await oursInChild('first', echo.port, true),
    }));
    return [
      ...latencyRows('64-byte ping-pong round trip, main thread', m, 'ours', {
        'node:net': 'net',
        python: 'python',
        'ours, engine path': 'engine',
        'C busy-polling (the floor)': 'floor',
      }),
      {
        figure: 'first 100 round trips of a fresh process (median), against the settled figure',
        ours: m.first!,
        peers: { 'ours settled': m['ours.p50']!, 'ours, engine path, first 100': m.firstEngine!, 'engine path settled': m['engine.p50']! },
        unit: 'us',
        better: 'lower',
      },
    ];
  } finally {
    await echo.stop();
  }
}

/**
 * The ping-pong against a threaded blocking peer (Python's ThreadingTCPServer: a thread
 * per connection blocked in recv), a fresh connection per run, THREADED_TRIPS after 200 of
 * warm-up: median, mean and p99 of ours, against the busy-polling C client (the floor),
 * node:net and Python on the same peer. Issue 27: a legacy script's run time is the mean.
 */
async function threadedPingPong(): Promise<Row[]> {
  const peer = await startPythonThreadingServer();
  const trips = THREADED_TRIPS;
  const warmUp = 200;
  try {
    oursPingPong(peer.port, 2000); // warm the engine and the JIT
    const m = await interleaved('threaded-peer ping-pong', async () =>
      flatten({
        ours: oursPingPongStats(peer.port, trips, warmUp),
        floor: floorPingPongStats(peer.port, trips, warmUp),
        net: await nodeNetPingPongStats(peer.port, trips, warmUp),
        python: await pythonPingPongStats(peer.port, trips, warmUp),
      }),
    );
    return latencyRows(`64-byte ping-pong against a threaded blocking peer (ThreadingTCPServer), ${trips} trips after ${warmUp}`, m, 'ours', {
      'C busy-polling (the floor)': 'floor',
      'node:net': 'net',
      python: 'python',
    });
  } finally {
    peer.stop();
  }
}

/** The ping-pong over a Unix-domain socket path: ours and node:net on the same path. */
async function unixPingPong(): Promise<Row[]> {
  const echo = await startUnixEchoServer();
  try {
    oursUnixPingPong(echo.path, 2000); // warm the engine and the JIT
    await nodeNetUnixPingPong(echo.path, 2000);
    const m = await interleaved('unix ping-pong', async () =>
      flatten({
        ours: oursUnixPingPongStats(echo.path, ROUND_TRIPS),
        net: await nodeNetUnixPingPongStats(echo.path, ROUND_TRIPS),
      }),
    );
    return latencyRows('64-byte ping-pong round trip over a Unix-domain socket, main thread', m, 'ours', { 'node:net': 'net' });
  } finally {
    await echo.stop();
  }
}

async function poolPingPong(): Promise<Row[]> {
  const echo = await startEchoServer();
  const pool = createPool({ threads: 1 });
  const script = new URL('./scripts/pingpong.ts', import.meta.url);
  try {
    await pool.run(script, echo.port, 2000);
    await nodeNetPingPong(echo.port, 2000);
    const m = await interleaved('pool ping-pong', async () =>
      flatten({
        ours: await pool.run<Summary>(script, echo.port, ROUND_TRIPS),
        net: await nodeNetPingPongStats(echo.port, ROUND_TRIPS),
        python: await pythonPingPongStats(echo.port, ROUND_TRIPS),
      }),
    );
    return latencyRows('64-byte ping-pong round trip, pool thread', m, 'ours', { 'node:net': 'net', python: 'python' });
  } finally {
    await pool.close();
    await echo.stop();
  }
}

/**
 * Many threads at once (bench/threads8.ts): 8 pool threads each on a connection of its
 * own, against 8 Python threads and 8 node:net connections on one loop, one echo server.
 */
async function threads8(): Promise<Row[]> {
  const echo = await startRawServer();
  const pool = createPool({ threads: THREADS });
  try {
    await oursThreads(pool, echo.port, 0.2); // every thread loads the script and warms up
    const m = await interleaved('threads8', async () => ({
      ours: await oursThreads(pool, echo.port, SERVE_SECONDS),
      python: await pythonThreads(echo.port, SERVE_SECONDS),
      'node:net': await nodeNetConnections(echo.port, SERVE_SECONDS),
    }));
    return [
      {
        figure: `${THREADS} threads each running a 64-byte ping-pong on its own connection, all together (node:net: ${THREADS} connections on one loop)`,
        ours: m.ours!,
        peers: { [`python, ${THREADS} threads`]: m.python!, 'node:net': m['node:net']! },
        unit: 'round trips/s',
        better: 'higher',
      },
    ];
  } finally {
    await pool.close();
    echo.stop();
  }
}

async function bulk(): Promise<Row[]> {
  const server = spawn('python3', [new URL('./peers/bulk_server.py', import.meta.url).pathname]);
  const port = Number(await new Promise<string>((resolve) => createInterface({ input: server.stdout }).once('line', resolve)));
  try {
    for (let i = 0; i < 2; i++) {
      oursSend(port); // warm up: the engine's JIT takes a transfer or two
      oursReceive(port);
    }
    await nodeNetSend(port);
    await nodeNetReceive(port);
    const m = await interleaved('bulk', async () => ({
      oursSend: oursSend(port),
      nodeSend: await nodeNetSend(port),
      pythonSend: await pythonBulk('send', port),
      oursReceive: oursReceive(port),
      nodeReceive: await nodeNetReceive(port),
      pythonReceive: await pythonBulk('receive', port),
      engineSend: await oursInChild('send', port, true),
      engineReceive: await oursInChild('receive', port, true),
    }));
    const size = `${BULK_BYTES >> 20} MiB in 64 KiB calls`;
    return [
      { figure: `bulk send, ${size}`, ours: m.oursSend!, peers: { 'node:net': m.nodeSend!, python: m.pythonSend!, 'ours, engine path': m.engineSend! }, unit: 'MiB/s', better: 'higher' },
      { figure: `bulk receive, ${size}`, ours: m.oursReceive!, peers: { 'node:net': m.nodeReceive!, python: m.pythonReceive!, 'ours, engine path': m.engineReceive! }, unit: 'MiB/s', better: 'higher' },
    ];
  } finally {
    server.kill();
  }
}

async function idle(): Promise<Row[]> {
  const holder = spawn(process.execPath, [new URL('./peers/holder.mjs', import.meta.url).pathname]);
  const holderPort = Number(await new Promise<string>((resolve) => createInterface({ input: holder.stdout }).once('line', resolve)));
  const echo = await startEchoServer();
  try {
    const m = await interleaved('idle', async () => {
      const ours = await oursIdle(holderPort, echo.port, IDLE_CONNECTIONS);
      const raw = await rawIdle(holderPort, IDLE_CONNECTIONS);
      return { ours: ours.bytesPerSocket, raw: raw.bytesPerSocket, alone: ours.pingPongAlone!, withIdle: ours.pingPongWithIdle! };
    });
    return [
      { figure: `memory per idle connection, ${IDLE_CONNECTIONS} held (RSS growth)`, ours: m.ours!, peers: { 'node:net': m.raw! }, unit: 'bytes', better: 'lower' },
      { figure: `ping-pong on one socket with ${IDLE_CONNECTIONS} idle held`, ours: m.withIdle!, peers: { 'ours, 1 socket': m.alone! }, unit: 'us', better: 'lower' },
    ];
  } finally {
    holder.kill();
    await echo.stop();
  }
}

async function firstCommand(): Promise<Row[]> {
  const echo = await startEchoServer();
  try {
    const m = await interleaved('first command', async () => ({ ours: await firstCommandMs(echo.port) }));
    return [{ figure: 'first command of a process (engine start + TCPConnect)', ours: m.ours!, peers: { 'target 100 ms': 100 }, unit: 'ms', better: 'lower' }];
  } finally {
    await echo.stop();
  }
}

async function load(): Promise<Row[]> {
  const [ours, raw] = await startLoadServers();
  try {
    const m = await interleaved('load', async () => ({ ours: await loadRun(ours!.port), raw: await loadRun(raw!.port) }));
    const figure = `serve() under load, 4 threads: ${LOAD_CONNECTIONS} connections at once x ${LOAD_REQUESTS} checksummed requests, nothing lost`;
    return [{ figure, ours: m.ours!, peers: { 'node:net server': m.raw! }, unit: 'requests/s', better: 'higher' }];
  } finally {
    ours!.stop();
    raw!.stop();
  }
}

async function leak(): Promise<Row[]> {
  const echo = await startPythonPeer('echo');
  const sink = await startPythonPeer('sink');
  try {
    const m = await interleaved('leak', async () => {
      const run = await leakRun(echo.port, sink.port);
      return { main: run.mainHeapGrowth / 1024, engine: run.engineHeapGrowth / 1024 };
    });
    const figure = '10,000 open/close cycles + 1 GiB sent: heap growth after full GC';
    return [
      { figure: `${figure}, caller thread`, ours: m.main!, peers: {}, unit: 'KiB', better: 'lower' },
      { figure: `${figure}, engine thread`, ours: m.engine!, peers: {}, unit: 'KiB', better: 'lower' },
    ];
  } finally {
    await echo.stop();
    await sink.stop();
  }
}

/**
 * Datagrams: a 64-byte ping-pong against a Python echo peer (unconnected: UDPSendTo +
 * UDPReceiveFrom; connected: TCPSend + TCPReceive after UDPConnect, the direct path),
 * and a Python sender's flood of FLOOD_DATAGRAMS of 512 bytes (received per second; the
 * received and `dropped` counts must add up to what was sent).
 */
async function udp(): Promise<Row[]> {
  const echo = await startUdpEcho();
  try {
    oursUdpPingPong(echo.port, 2000, false); // warm the engine and the JIT
    oursUdpPingPong(echo.port, 2000, true);
    await dgramPingPong(echo.port, 2000);
    const m = await interleaved('udp ping-pong', async () => ({
      ours: oursUdpPingPong(echo.port, ROUND_TRIPS, false),
      connected: oursUdpPingPong(echo.port, ROUND_TRIPS, true),
      dgram: await dgramPingPong(echo.port, ROUND_TRIPS),
      python: await pythonUdpPingPong(echo.port, ROUND_TRIPS),
    }));
    const unaccounted: number[] = [];
    const flood = await interleaved('udp flood', async () => {
      const ours = await oursFlood(FLOOD_DATAGRAMS, 512);
      unaccounted.push(FLOOD_DATAGRAMS - ours.received - ours.dropped);
      return { ours: ours.perSecond, python: (await pythonFlood(FLOOD_DATAGRAMS, 512)).perSecond, lost: ours.dropped };
    });
    progress(`udp flood: sent - received - dropped per run: ${unaccounted.join(', ')} (0 when every datagram is accounted for)`);
    return [
      {
        figure: '64-byte datagram ping-pong, UDPSendTo + UDPReceiveFrom',
        ours: m.ours!,
        peers: { "node's dgram": m.dgram!, 'python recvfrom': m.python! },
        unit: 'us',
        better: 'lower',
      },
      {
        figure: '64-byte datagram ping-pong, connected (UDPConnect, TCPSend + TCPReceive)',
        ours: m.connected!,
        peers: { "node's dgram": m.dgram!, 'python recvfrom': m.python! },
        unit: 'us',
        better: 'lower',
      },
      {
        figure: `flood of ${FLOOD_DATAGRAMS} datagrams of 512 bytes from a Python sender: a UDPReceiveFrom loop (dropped: ${Math.round(flood.lost!)})`,
        ours: flood.ours!,
        peers: { 'python recvfrom loop': flood.python! },
        unit: 'datagrams/s',
        better: 'higher',
      },
    ];
  } finally {
    echo.stop();
  }
}

/**
 * serve({ processes: 2 }) against processes: 1 (2 threads in each process) and against one
 * process with 4 threads (as many threads as 2 x 2, one engine): what a second engine
 * thread, in a second process, buys on this machine.
 */
async function processesThroughput(): Promise<Row[]> {
  const one = await startOurProcesses(1);
  const two = await startOurProcesses(2);
  const fourThreads = await startOurServer(4);
  try {
    for (const server of [one, two, fourThreads]) await loadGenerator(server.port, 10, 1); // warm up every process's threads
    const m = await interleaved('processes', async () => ({
      one: await loadGenerator(one.port, 10, SERVE_SECONDS),
      two: await loadGenerator(two.port, 10, SERVE_SECONDS),
      four: await loadGenerator(fourThreads.port, 10, SERVE_SECONDS),
    }));
    return [
      {
        figure: 'serve({ processes: 2 }), 2 threads each, 64 clients, 10 requests per connection',
        ours: m.two!,
        peers: { 'processes: 1, 2 threads': m.one!, 'one process, 4 threads': m.four! },
        unit: 'requests/s',
        better: 'higher',
      },
    ];
  } finally {
    one.stop();
    two.stop();
    fourThreads.stop();
  }
}

/**
 * serve({ processes: 2 }) with the request handler (2 threads in each process) against a
 * node:cluster server of 2 workers doing the same 64-byte echo work
 * (servers/cluster-node.mjs), and one raw node:net process beside them: 64 clients x 10
 * requests from the load generator.
 */
async function clusterThroughput(): Promise<Row[]> {
  const ours = await startOurProcesses(2, 2, REQUEST_HANDLER);
  const cluster = await startClusterServer(2);
  const raw = await startRawServer();
  try {
    for (const server of [ours, cluster, raw]) await loadGenerator(server.port, 10, 1); // warm up every process
    const m = await interleaved('cluster', async () => ({
      ours: await loadGenerator(ours.port, 10, SERVE_SECONDS),
      cluster: await loadGenerator(cluster.port, 10, SERVE_SECONDS),
      raw: await loadGenerator(raw.port, 10, SERVE_SECONDS),
    }));
    return [
      {
        figure: 'serve({ processes: 2 }) request handler, 2 threads each, 64 clients, 10 requests per connection',
        ours: m.ours!,
        peers: { 'node:cluster, 2 workers': m.cluster!, 'node:net, one process': m.raw! },
        unit: 'requests/s',
        better: 'higher',
      },
    ];
  } finally {
    ours.stop();
    cluster.stop();
    raw.stop();
  }
}

/** Good TLS clients' connect-to-first-byte under attack (tls-attack.ts): p50 and p99 over BENCH_TLS_VISITS visits. */
async function tlsAttack(): Promise<Row[]> {
  const visits = Number(process.env.BENCH_TLS_VISITS ?? 200);
  const servers = await startTlsServers();
  const rows: Row[] = [];
  const conditions = [
    ['none', 0, 'no attack'],
    ['close', ATTACKERS, `${ATTACKERS} clients connecting and closing before their hello`],
    ['stall', ATTACKERS, `${ATTACKERS} clients stalled mid-hello`],
    ['stall', OVER_LIMIT, `${OVER_LIMIT} clients stalled mid-hello (over the 256 handshake places)`],
  ] as const;
  try {
    for (const [attack, attackers, label] of conditions) {
      const ours = await latencyUnderAttack(servers.ours.port, servers.ca, attack, attackers, visits);
      const node = await latencyUnderAttack(servers.node.port, servers.ca, attack, attackers, visits);
      progress(`tlsattack ${attack} ${attackers}: ours ${JSON.stringify(ours)}, node:tls ${JSON.stringify(node)}`);
      const failures = `failed: ours ${ours.failed}/${visits}, node:tls ${node.failed}/${visits}`;
      for (const p of ['p50', 'p99'] as const) {
        rows.push({
          figure: `TLS connect-to-first-byte ${p}, serve({cert,key}), ${label} (${failures})`,
          ours: ours[p],
          peers: { 'node:tls server': node[p] },
          unit: 'ms',
          better: 'lower',
        });
      }
    }
  } finally {
    servers.ours.stop();
    servers.node.stop();
  }
  return rows;
}

/**
 * The 64-byte ping-pong over TLS (tls.ts): ours (the engine path), node:tls and Python's
 * ssl against the same Python ssl echo server; median, mean and p99 of each run's round
 * trips, each the median over the runs.
 */
async function tlsPingPong(): Promise<Row[]> {
  const echo = await startTlsPeer('echo');
  try {
    oursTlsPingPong(echo.port, 2000); // warm the engine and the JIT
    await nodeTlsPingPong(echo, 2000);
    const flat = (prefix: string, r: RoundTrips): Record<string, number> => ({ [`${prefix}Median`]: r.median, [`${prefix}Mean`]: r.mean, [`${prefix}P99`]: r.p99 });
    const m = await interleaved('tls ping-pong', async () => ({
      ...flat('ours', oursTlsPingPong(echo.port, ROUND_TRIPS)),
      ...flat('node', await nodeTlsPingPong(echo, ROUND_TRIPS)),
      ...flat('python', await pythonTlsPingPong(echo, ROUND_TRIPS)),
    }));
    return (['Median', 'Mean', 'P99'] as const).map((stat) => ({
      figure: `TLS 64-byte ping-pong round trip, ${stat.toLowerCase()} (verified TCPConnect, the engine path; Python ssl echo server)`,
      ours: m[`ours${stat}`]!,
      peers: { 'node:tls': m[`node${stat}`]!, 'python ssl': m[`python${stat}`]! },
      unit: 'us',
      better: 'lower',
    }));
  } finally {
    echo.stop();
  }
}

/** A bulk transfer each way over TLS (tls.ts) in 64 KiB calls: ours, node:tls and Python's ssl, against the same Python ssl server. */
async function tlsBulk(): Promise<Row[]> {
  const server = await startTlsPeer('bulk');
  const bytes = TLS_BULK_BYTES;
  try {
    oursTlsSend(server.port, bytes); // warm up, as the plain bulk figure does
    oursTlsReceive(server.port, bytes);
    const m = await interleaved('tls bulk', async () => ({
      oursSend: oursTlsSend(server.port, bytes),
      nodeSend: await peerTlsBulk('node', 'send', server, bytes),
      pythonSend: await peerTlsBulk('python', 'send', server, bytes),
      oursReceive: oursTlsReceive(server.port, bytes),
      nodeReceive: await peerTlsBulk('node', 'receive', server, bytes),
      pythonReceive: await peerTlsBulk('python', 'receive', server, bytes),
    }));
    const size = `${bytes >> 20} MiB in 64 KiB calls`;
    return [
      { figure: `TLS bulk send, ${size}`, ours: m.oursSend!, peers: { 'node:tls': m.nodeSend!, 'python ssl': m.pythonSend! }, unit: 'MiB/s', better: 'higher' },
      { figure: `TLS bulk receive, ${size}`, ours: m.oursReceive!, peers: { 'node:tls': m.nodeReceive!, 'python ssl': m.pythonReceive! }, unit: 'MiB/s', better: 'higher' },
    ];
  } finally {
    server.stop();
  }
}

const figures: Record<string, () => Promise<Row[]>> = {
  pingpong: pingPong,
  'threaded-pingpong': threadedPingPong,
  'unix-pingpong': unixPingPong,
  'pool-pingpong': poolPingPong,
  threads8,
  bulk,
  udp,
  serve: () => serveThroughput(interleaved),
  keepalive: () => keepAlive(interleaved),
  'serve-start': () => serveStart(interleaved),
  processes: processesThroughput,
  cluster: clusterThroughput,
  idle,
  first: firstCommand,
  load,
  leak,
  tlsattack: tlsAttack,
  tlspingpong: tlsPingPong,
  tlsbulk: tlsBulk,
  text: async () => {
    const echo = await startEchoServer();
    try {
      return await textFigure(interleaved, echo.port, Number(process.env.BENCH_TEXT_ROUND_TRIPS ?? 3_000));
    } finally {
      await echo.stop();
    }
  },
  lines: () => linesFigure(interleaved, Number(process.env.BENCH_LINES ?? 200_000)),
  metrics: () => metricsFigure(interleaved),
};

const wanted = process.argv.slice(2).filter((a) => a !== '--');
const unknown = wanted.filter((name) => !(name in figures));
if (unknown.length > 0) {
  console.error(`unknown figure(s): ${unknown.join(', ')}; known: ${Object.keys(figures).join(', ')}`);
  process.exit(2);
}
const rows: Row[] = [];
for (const [name, figure] of Object.entries(figures)) {
  if (wanted.length === 0 || wanted.includes(name)) rows.push(...(await figure()));
}
console.log(`\ntcp-commands benchmark, ${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores, Node ${process.version}, median of ${RUNS} runs\n`);
printTable(rows);
