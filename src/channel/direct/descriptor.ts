/**
 * The system calls a direct command makes on an engine socket's descriptor, and the check
 * that the descriptor is still that socket before each one (README.md, invariant 4).
 *
 * Why the check: an engine thread that ends without retiring the table (terminated, out of
 * memory) has its descriptors closed by node as the thread goes, before any other thread
 * can learn of it; the next open() in the process may get the same number. A call that
 * passed its lock and Socket checks would then read or write someone else's file. fstat
 * tells whether the number still names the socket the engine published (device and inode);
 * the kernel resolves a number once per call, so what is left is the gap between the fstat
 * and the read or write (a microsecond), which the chaos test hunts for.
 *
 * Each call runs with Error.stackTraceLimit 0: an EAGAIN is a thrown Error, and without its
 * stack it costs a fraction as much (written out in each function: no closure per call).
 */
import { fstatSync, readSync, writeSync } from 'node:fs';
import { codeFromError, isWouldBlock } from '../../errors.js';

/** True while `fd` is the open socket of device `dev` (as int32) and inode `ino`. */
export function stillTheSocket(fd: number, dev: number, ino: number): boolean {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    const stat = fstatSync(fd);
    return stat.ino === ino && (stat.dev | 0) === dev;
  } catch {
    return false; // EBADF: closed with its engine
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** One non-blocking read into `target`: a count, 0 at the end, 'again' (EAGAIN), or a code. */
export function readOnce(fd: number, target: Uint8Array): number | 'again' {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return readSync(fd, target, 0, target.length, null);
  } catch (error) {
    return isWouldBlock(error) ? 'again' : codeFromError(error);
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** One non-blocking write of `bytes` from `offset`: a count, 'again' (EAGAIN), or a code. */
export function writeOnce(fd: number, bytes: Uint8Array, offset: number): number | 'again' {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return writeSync(fd, bytes, offset, bytes.length - offset);
  } catch (error) {
    return isWouldBlock(error) ? 'again' : codeFromError(error);
  } finally {
    Error.stackTraceLimit = limit;
  }
}
