/**
 * A Unix-domain listener's socket file, around node's own listen({ path }) (engine/ops/server.ts)
 * and the socket serve({ processes }) binds for its processes to share (scale/shared-port.ts):
 *
 * - A file already at the path makes bind() fail with EADDRINUSE. A socket file left by a
 *   server that died (nobody accepts: a connect is refused) is stale: it is removed and
 *   the bind tried once more. A live server's socket (a connect is not refused), or a file
 *   that is no socket at all, stays as it is and the bind gives -10048: a user's file is
 *   never deleted, and a running server is never taken over.
 * - The 'mode' option sets the file's permissions once it exists (node has no umask of
 *   its own in a worker thread); until then it has the process umask's.
 * - The file goes at close: libuv unlinks the path a pipe server bound when its handle
 *   closes (TCPClose, serve()'s close, the engine's end).
 *
 * Abstract names ('@name') have no file: none of this applies to them.
 */
import { chmodSync, existsSync, lstatSync, unlinkSync } from 'node:fs';
import net from 'node:net';
import { dirname } from 'node:path';
import { codeFromError, ErrorCode } from './errors.js';

/** How long the probe of an existing socket file may take; a server that does not answer in time counts as live. */
const PROBE_TIMEOUT_MS = 1000;

/**
 * After EADDRINUSE at `path`: 0 when the path is free now (a stale socket file removed, or
 * the file gone meanwhile), else the code the bind answers.
 */
export async function clearStaleSocketFile(path: string): Promise<number> {
  let isSocket: boolean;
  try {
    isSocket = lstatSync(path).isSocket();
  } catch (error) {
    return (error as { code?: string }).code === 'ENOENT' ? 0 : codeFromError(error, ErrorCode.AddressInUse);
  }
  if (!isSocket) return ErrorCode.AddressInUse; // a regular file, a directory, a link: the user's
  const probe = await probeSocketFile(path);
  if (probe !== 'refused') return probe === 'gone' ? 0 : ErrorCode.AddressInUse;
  try {
    unlinkSync(path);
  } catch (error) {
    if ((error as { code?: string }).code !== 'ENOENT') return codeFromError(error, ErrorCode.AddressInUse);
  }
  return 0;
}

/** Whether a server accepts at `path`: 'refused' (stale), 'gone' (no file now), or 'live' (anything else). */
function probeSocketFile(path: string): Promise<'refused' | 'gone' | 'live'> {
  return new Promise((resolve) => {
    const probe = net.connect({ path });
    const done = (verdict: 'refused' | 'gone' | 'live'): void => {
      clearTimeout(timer);
      probe.destroy();
      resolve(verdict);
    };
    const timer = setTimeout(() => done('live'), PROBE_TIMEOUT_MS);
    probe.once('connect', () => done('live'));
    probe.once('error', (error: Error & { code?: string }) =>
      done(error.code === 'ECONNREFUSED' ? 'refused' : error.code === 'ENOENT' ? 'gone' : 'live'),
    );
  });
}

/**
 * The code of a failed bind at a socket path. libuv reports a missing folder (ENOENT) as
 * EACCES, for likeness with Windows: told apart again here, as -10049 (nowhere to bind),
 * so that -10013 means what it says.
 */
export function socketFileBindFailure(path: string, error: unknown): number {
  if ((error as { code?: string }).code === 'EACCES' && !existsSync(dirname(path))) return ErrorCode.AddressNotAvailable;
  return codeFromError(error, ErrorCode.AddressNotAvailable);
}

/** The 'mode' option on a bound socket file: 0, or the code of the failure. */
export function applySocketFileMode(path: string, mode: number): number {
  if (mode < 0) return 0;
  try {
    chmodSync(path, mode);
    return 0;
  } catch (error) {
    return codeFromError(error, ErrorCode.PermissionDenied);
  }
}
