/**
 * TCPAvailable, TCPWait and TCPStats: what is buffered, waiting for the peer to close,
 * and the engine's own figures.
 */
import { getHeapStatistics } from 'node:v8';
import { type IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';
import type { EngineStats } from '../../engine-stats.js';
import { Reg } from '../../protocol.js';
import type { ThreadFigures } from '../dispatch.js';
import { DatagramSocket } from '../datagram-socket.js';
import type { Engine } from '../engine-sockets.js';
import { ListenerSocket } from '../listener-socket.js';
import type { EngineSlot } from '../slot.js';
import { StreamSocket } from '../stream-socket.js';
import { UnboundSocket } from '../unbound-socket.js';

export function available(slot: EngineSlot, engine: Engine): void {
  const entry = engine.table.get(slot.socket);
  if (entry instanceof DatagramSocket) return entry.available(slot); // as FIONREAD: the next datagram's length
  engine.stream(slot)?.available(slot);
}

export function waitForClose(slot: EngineSlot, engine: Engine): void {
  engine.stream(slot)?.waitForClose(slot);
}

/** The engine thread's loop delay: measured only once someone asked for TCPStats (its timer is not free). */
let loopMonitor: IntervalHistogram | undefined;
let windowStart = 0;
const LOOP_WINDOW_MS = 10_000;

function loopDelay(): EngineStats['loopDelay'] {
  if (loopMonitor === undefined) {
    loopMonitor = monitorEventLoopDelay({ resolution: 10 });
    loopMonitor.enable();
    windowStart = Date.now();
  }
  const ms = (ns: number): number => (Number.isFinite(ns) ? ns / 1e6 : 0);
  const figures = loopMonitor.count === 0 ? { meanMs: 0, p99Ms: 0, maxMs: 0 } : { meanMs: ms(loopMonitor.mean), p99Ms: ms(loopMonitor.percentile(99)), maxMs: ms(loopMonitor.max) };
  if (Date.now() - windowStart >= LOOP_WINDOW_MS) {
    loopMonitor.reset();
    windowStart = Date.now();
  }
  return figures;
}

/** The engine's figures, as JSON text (not a hot path). */
export function stats(slot: EngineSlot, engine: Engine, threads: ThreadFigures): void {
  (globalThis as { gc?: () => void }).gc?.();
  const figures: EngineStats = {
    sockets: { connections: 0, listeners: 0, unbound: 0, datagram: 0, closing: engine.closing.size },
    parked: 0,
    bytesIn: engine.bytesIn,
    bytesOut: engine.bytesOut,
    directReads: engine.directReads,
    directWrites: engine.directWrites,
    engineRestarts: Math.max(0, Atomics.load(engine.registry, Reg.Generation) - 1),
    slots: threads.slots,
    lifelinesLost: threads.lifelinesLost,
    // Not process.memoryUsage(): its rss reads /proc/self/stat, a descriptor, and throws
    // EMFILE when the process has none left, just when these figures are wanted.
    heapUsed: getHeapStatistics().used_heap_size,
    engineCalls: engine.calls,
    loopDelay: loopDelay(),
  };
  for (const entry of engine.table.values()) {
    if (entry instanceof StreamSocket || entry instanceof DatagramSocket) {
      if (entry instanceof StreamSocket) figures.sockets.connections++;
      else figures.sockets.datagram++;
      figures.parked += entry.parked;
      figures.bytesIn += entry.bytesIn;
      figures.bytesOut += entry.bytesOut;
      figures.directReads += entry.directCalls.reads;
      figures.directWrites += entry.directCalls.writes;
    } else if (entry instanceof ListenerSocket) {
      figures.sockets.listeners++;
      figures.parked += entry.parked;
    } else if (entry instanceof UnboundSocket) {
      figures.sockets.unbound++;
    }
  }
  for (const closing of engine.closing) {
    figures.bytesIn += closing.bytesIn;
    figures.bytesOut += closing.bytesOut;
    figures.directReads += closing.directCalls.reads;
    figures.directWrites += closing.directCalls.writes;
  }
  slot.replyText(0, JSON.stringify(figures));
}
