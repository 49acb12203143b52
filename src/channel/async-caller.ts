/**
 * Async calls for code that must not block its thread (serve()'s accept loop, the
 * event-style API, tcpcmd connect). Each call in flight needs a slot of its own, so the
 * thread keeps a pool of small slots and reuses them.
 *
 * A pending Atomics.waitAsync does not keep a thread's event loop alive, so while any
 * async call is in flight a ref'd timer does: `await` on a TCPAccept keeps the process
 * running, as the user would expect.
 */
import { type Channel, registerChannel } from './caller.js';

/** Payload room of an async slot: receives return at most this much per call. */
export const ASYNC_SLOT_DATA_BYTES = 64 * 1024;

const idle: Channel[] = [];
let inFlight = 0;
let keepAlive: NodeJS.Timeout | undefined;

function hold(): void {
  if (inFlight++ === 0) keepAlive = setInterval(() => {}, 1 << 30);
}

function release(): void {
  if (--inFlight === 0) {
    clearInterval(keepAlive);
    keepAlive = undefined;
  }
}

/**
 * Runs `use` with a slot of its own for one async call (or answers the error code when
 * there is no engine). The slot returns to the pool when `use` settles.
 */
export async function withAsyncChannel<T>(use: (channel: Channel) => Promise<T>, noEngine: (code: number) => T): Promise<T> {
  let channel = idle.pop();
  while (channel !== undefined && !channel.current) channel = idle.pop();
  if (channel === undefined) {
    const opened = registerChannel(ASYNC_SLOT_DATA_BYTES);
    if (typeof opened === 'number') return noEngine(opened);
    channel = opened;
  }
  hold();
  try {
    return await use(channel);
  } finally {
    release();
    if (channel.current) idle.push(channel);
  }
}
