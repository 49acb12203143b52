/**
 * The socket engine thread: owns every socket of the process and serves the requests
 * of all caller threads. Started by workers/engine.mjs.
 *
 * Its event loop waits on the registry's doorbell with Atomics.waitAsync, so a caller
 * needs no MessagePort: any thread holding the registry can post requests. Slots are
 * announced on a BroadcastChannel, which also keeps this thread alive (a pending
 * waitAsync does not); the Worker object itself is unref'd by its starter.
 */
import { BroadcastChannel, threadId, workerData } from 'node:worker_threads';
import { ErrorCode } from '../errors.js';
import {
  EngineState,
  HEARTBEAT_INTERVAL_MS,
  Reg,
  registrationChannelName,
  ringEntry,
  Slot,
} from '../protocol.js';
import { dispatch } from './dispatch.js';
import { Engine } from './engine.js';
import { EngineSlot } from './slot.js';

interface EngineWorkerData {
  registry: SharedArrayBuffer;
  generation: number;
}

interface SlotAnnouncement {
  id: number;
  sab: SharedArrayBuffer;
  threadId: number;
}

const { registry: registryBuffer, generation } = workerData as EngineWorkerData;
const registry = new Int32Array(registryBuffer);
const engine = new Engine(registry, generation);
const slots = new Map<number, EngineSlot>();

const announcements = new BroadcastChannel(registrationChannelName(registry));
announcements.onmessage = (event: unknown) => {
  const { id, sab, threadId: owner } = (event as { data: SlotAnnouncement }).data;
  const slot = new EngineSlot(id, owner, sab);
  slots.set(id, slot);
  Atomics.store(slot.header, Slot.Registered, generation);
  Atomics.notify(slot.header, Slot.Registered);
};

// Requests still in the ring from a previous engine belong to dead slots: start after them.
let head = Atomics.load(registry, Reg.RingTail);

function serveRing(): void {
  for (;;) {
    const seen = Atomics.load(registry, Reg.Doorbell);
    for (;;) {
      const entry = ringEntry(head);
      if (Atomics.load(registry, entry + 1) !== head) break; // not committed yet
      const id = Atomics.load(registry, entry);
      head = (head + 1) | 0;
      const slot = slots.get(id);
      if (slot !== undefined && slot.begin()) dispatch(slot, engine);
    }
    const wait = Atomics.waitAsync(registry, Reg.Doorbell, seen);
    if (wait.async) {
      void wait.value.then(serveRing);
      return;
    }
  }
}

function superseded(): boolean {
  return (
    Atomics.load(registry, Reg.Generation) !== generation ||
    Atomics.load(registry, Reg.State) === EngineState.Dead
  );
}

/** Stops this engine: every waiting caller is answered -10050 now, not at its next check. */
function die(): never {
  if (Atomics.load(registry, Reg.Generation) === generation) {
    Atomics.store(registry, Reg.State, EngineState.Dead);
  }
  for (const slot of slots.values()) slot.reply(ErrorCode.EngineDown);
  process.exit(1);
}

process.on('uncaughtException', (error) => {
  process.stderr.write(`tcp-commands: socket engine failed: ${String(error?.stack ?? error)}\n`);
  die();
});

setInterval(() => {
  if (superseded()) die(); // a caller declared us dead (we were silent too long)
  Atomics.add(registry, Reg.Heartbeat, 1);
}, HEARTBEAT_INTERVAL_MS).unref();

Atomics.store(registry, Reg.EngineThreadId, threadId);
Atomics.store(registry, Reg.State, EngineState.Ready);
Atomics.notify(registry, Reg.State);
serveRing();
