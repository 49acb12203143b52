/**
 * TCPPing(hostname, size = 256, timeout): an ICMP echo through the system's ping
 * program (raw ICMP sockets need privileges node does not have), run synchronously on
 * the calling thread; the engine is not involved.
 */
import { spawnSync } from 'node:child_process';
import { ErrorCode } from '../errors.js';
import { localCommand, run } from './command.js';
import { hostArgument, hostName } from './host-name.js';
import { threadState } from './thread-state.js';
import { finiteNumber, optionalFiniteNumber, text } from './validate.js';

const PING = process.env.TCP_COMMANDS_PING ?? 'ping';
const MIN_SIZE = 1;
const MAX_SIZE = 16384;

/** Never let a "host" become one of ping's flags. */
function notAFlag(hostname: unknown): number {
  return (hostArgument(hostname as string) as string).startsWith('-') ? ErrorCode.HostNotFound : 0;
}

function positiveTimeout(timeout: unknown): number {
  return timeout !== undefined && (timeout as number) <= 0 ? ErrorCode.InvalidArgument : 0;
}

const PING_COMMAND = localCommand({
  name: 'TCPPing', min: 1, max: 3,
  rules: [[0, text], [1, finiteNumber], [2, optionalFiniteNumber], [0, hostName], [0, notAFlag], [2, positiveTimeout]],
  local: (hostname: string, size: number, timeout: number | undefined) =>
    ping(hostArgument(hostname) as string, Math.min(MAX_SIZE, Math.max(MIN_SIZE, Math.round(size))), timeout ?? threadState.commsTimeoutMs),
});

/**
 * Pings a host with the system's `ping` program (raw ICMP needs privileges;
 * TCP_COMMANDS_PING names another program).
 * @param hostname - a host name or address
 * @param size - payload bytes, clamped to 1..16384 (default 256)
 * @param timeout - ms to wait for the reply (default: the comms time-out)
 * @returns the round trip in milliseconds (fractional), or a code: -1 no reply within `timeout`, -11001 unknown host, -10013 ping not permitted, -10045 no ping program, -511 an empty host, -10022 a control character in the name, -501 / -503 wrong arguments
 */
export function TCPPing(hostname: string, size: number = 256, timeout?: number): number {
  return run(PING_COMMAND, arguments.length, hostname, size, timeout);
}

function ping(host: string, payload: number, timeoutMs: number): number {
  const seconds = Math.max(0.001, timeoutMs / 1000).toFixed(3);
  const result = spawnSync(PING, ['-n', '-c', '1', '-s', String(payload), '-W', seconds, host], {
    encoding: 'utf8',
    timeout: timeoutMs + 2000, // ping's own -W is the time-out; this only stops a stuck ping
  });
  if (result.error !== undefined) {
    const code = (result.error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return ErrorCode.NotSupported;
    if (code === 'EACCES' || code === 'EPERM') return ErrorCode.PermissionDenied;
    return code === 'ETIMEDOUT' ? ErrorCode.NoReply : ErrorCode.NotSupported;
  }
  const rtt = /time[=<]\s*([\d.]+)\s*ms/.exec(result.stdout);
  if (result.status === 0 && rtt !== null) return Number(rtt[1]);
  if (result.status === 0) return 0; // a reply too small to carry a time stamp (size < 16)
  const problem = `${result.stderr}`;
  if (/not permitted|permission denied/i.test(problem)) return ErrorCode.PermissionDenied;
  if (/name or service not known|unknown host|not known|failure in name resolution/i.test(problem)) {
    return /temporary/i.test(problem) ? ErrorCode.TryAgain : ErrorCode.HostNotFound;
  }
  if (/unreachable/i.test(problem + result.stdout)) return ErrorCode.HostUnreachable;
  return ErrorCode.NoReply; // exit 1: sent, no reply within the time-out
}
