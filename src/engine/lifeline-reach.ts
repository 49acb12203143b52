/**
 * One connect to a caller thread's lifeline (channel/lifeline.ts), and what it tells of
 * the thread.
 *
 * Only a refused connect is news of the thread's end: node closes a thread's listener
 * when the thread ends, however it ends, and a connect to a listener that is gone is
 * refused (ECONNREFUSED; ENOENT where the address is a file). Any other failure says
 * nothing about the thread: EMFILE / ENFILE (this process, or the system, has no
 * descriptor left for the connect) or EAGAIN (the thread's backlog is full) happen to
 * live threads, and a live thread taken for dead would never be answered again.
 */
import { connect, type Socket } from 'node:net';
import { codeFromError, ErrorCode } from '../errors.js';

export type Reach =
  /** The thread's listener answered: the connection is its lifeline (ref'd by nobody, read by nobody). */
  | { readonly kind: 'alive'; readonly lifeline: Socket }
  /** Its listener is gone: the thread has ended. */
  | { readonly kind: 'gone' }
  /** Nothing can be told now; `code` says why (from errors.ts: -10024 for EMFILE / ENFILE). */
  | { readonly kind: 'unknown'; readonly code: number };

const GONE = new Set(['ECONNREFUSED', 'ENOENT']);

/** Connects to `address` and calls `done` once with what the connect found. */
export function reachLifeline(address: string, done: (reach: Reach) => void): void {
  const lifeline = connect({ path: address });
  lifeline.unref();
  const failed = (error: Error): void => {
    lifeline.destroy();
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && GONE.has(code)) return done({ kind: 'gone' });
    done({ kind: 'unknown', code: codeFromError(error, ErrorCode.TooManySockets) });
  };
  lifeline.once('error', failed);
  lifeline.once('connect', () => {
    lifeline.off('error', failed);
    lifeline.on('error', () => {}); // ECONNRESET when the thread ends: 'close' follows
    lifeline.on('data', () => {}); // nothing is ever sent; reading lets the end be seen
    done({ kind: 'alive', lifeline });
  });
}
