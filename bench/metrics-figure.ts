/**
 * What serve({ metrics }) costs (issue 28): the request handler's throughput (64 clients x
 * 10 requests) with metrics on against off, interleaved, and how long a scrape of
 * `/metrics` takes while 5,000 connections are open (idle keep-alive clients).
 */
import { get } from 'node:http';
import net from 'node:net';
import { median, type Row } from './stats.js';
import { loadGenerator, REQUEST_HANDLER, startOurServer, startOurServerWithMetrics } from './serve-throughput.js';
import type { Interleaved } from './serve-figures.js';

const SERVE_SECONDS = Number(process.env.BENCH_SERVE_SECONDS ?? 3);
const OPEN_CONNECTIONS = Number(process.env.BENCH_SCRAPE_CONNECTIONS ?? 5_000);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
    probe.once('error', reject);
  });
}

/** Milliseconds for one GET of /metrics, with the whole body read. */
function scrape(port: number): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path: '/metrics' }, (response) => {
      response.resume();
      response.once('end', () => resolve(performance.now() - started));
    }).once('error', reject);
  });
}

/** `count` idle connections to `port`, each once connected; `close()` ends them. */
async function openConnections(port: number, count: number): Promise<{ close: () => void }> {
  const sockets: net.Socket[] = [];
  for (let started = 0; started < count; started += 500) {
    const batch = Array.from({ length: Math.min(500, count - started) }, () => net.connect({ port, host: '127.0.0.1' }));
    sockets.push(...batch);
    await Promise.all(batch.map((socket) => new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject))));
  }
  return { close: () => sockets.forEach((socket) => socket.destroy()) };
}

export async function metricsFigure(interleaved: Interleaved): Promise<Row[]> {
  const metricsPort = await freePort();
  const off = await startOurServer(2, REQUEST_HANDLER);
  const on = await startOurServerWithMetrics(metricsPort);
  try {
    await loadGenerator(off.port, 10, 1); // warm up
    await loadGenerator(on.port, 10, 1);
    await scrape(metricsPort); // prom-client loads on the first
    let run = 0;
    const m = await interleaved('metrics', async () => {
      // Each goes first in every other run: the machine's drift falls on both alike.
      const first = run++ % 2 === 0 ? 'off' : 'on';
      const firstRate = await loadGenerator(first === 'off' ? off.port : on.port, 10, SERVE_SECONDS);
      const secondRate = await loadGenerator(first === 'off' ? on.port : off.port, 10, SERVE_SECONDS);
      return first === 'off' ? { off: firstRate, on: secondRate } : { off: secondRate, on: firstRate };
    });
    const open = await openConnections(on.port, OPEN_CONNECTIONS);
    const times: number[] = [];
    try {
      for (let i = 0; i < 20; i++) times.push(await scrape(metricsPort));
    } finally {
      open.close();
    }
    process.stderr.write(`scrapes with ${OPEN_CONNECTIONS} connections open, ms: ${times.map((t) => t.toFixed(1)).join(' ')}\n`);
    return [
      {
        figure: 'serve() request handler, 2 threads, 64 clients x 10 requests, with metrics on (not scraped)',
        ours: m.on!,
        peers: { 'metrics off': m.off! },
        unit: 'req/s',
        better: 'higher',
      },
      {
        figure: `a scrape of /metrics with ${OPEN_CONNECTIONS.toLocaleString('en')} connections open: median of 20 (max ${Math.max(...times).toFixed(1)})`,
        ours: median(times),
        peers: {},
        unit: 'ms',
        better: 'lower',
      },
    ];
  } finally {
    off.stop();
    on.stop();
  }
}
