/**
 * The one listening socket that every serving process accepts from: bound here, in the
 * supervising process, and inherited by each child as a descriptor (messages.ts
 * LISTEN_FD), whose engine listens on it (the 'listenfd' option).
 *
 * Why not node:cluster or reusePort (docs/scaling.md): the listener lives in each
 * child's engine worker thread, where node:cluster's shared handles do not apply (checked:
 * cluster.isWorker is false in a worker thread, and a second process gets EADDRINUSE);
 * net's `reusePort` is missing from Node 20 (checked: EADDRINUSE), and with SO_REUSEPORT
 * each process has its own kernel queue, so a process that closes its socket during a
 * reload resets the connections queued on it. One socket shared by descriptor has one
 * queue for all: while any process (or this one, which never accepts) holds it open, it
 * listens, and a connection waits in the kernel for whichever process accepts first.
 *
 * This process binds without listening (a listening node:net server here would accept
 * too): with net._createServerHandle, the helper node:cluster's own primary uses for the
 * same purpose (present from Node 0.x to 24). The first child's listen() starts the
 * kernel listening; it stays so for as long as this process keeps the descriptor.
 *
 * A Unix-domain address (a path or '@name') is shared the same way: bound here as a pipe,
 * with the stale-file rule and 'mode' of a listener's (unix-socket-file.ts); each child
 * listens on the descriptor, and the file goes when this process closes its handle
 * (libuv unlinks the path it bound), after the last child drained.
 */
import { lookup } from 'node:dns/promises';
import net from 'node:net';
import { getSystemErrorName } from 'node:util';
import { servicePort } from '../commands/services.js';
import { ErrorCode, TCPErrorText } from '../errors.js';
import { isAbstractAddress, isUnixAddress, nodeUnixPath, UNIX_ADDRESS_MAX_BYTES, unixAddressBytes } from '../unix-address.js';
import { applySocketFileMode, clearStaleSocketFile } from '../unix-socket-file.js';

interface BoundHandle {
  fd: number;
  getsockname(out: Record<string, unknown>): number;
  close(): void;
}

type CreateServerHandle = (address: string | null, port: number, addressType?: number, fd?: number, flags?: number) => BoundHandle | number;

export interface SharedPort {
  readonly fd: number;
  readonly port: number;
  readonly address: string;
  close(): void;
}

export async function bindSharedPort(address: string | undefined, port: number | string | undefined, mode?: number): Promise<SharedPort> {
  const create = (net as unknown as { _createServerHandle?: CreateServerHandle })._createServerHandle;
  if (typeof create !== 'function') throw new Error('serve: processes: this Node has no net._createServerHandle to share a port with');
  if (address !== undefined && isUnixAddress(address.trim())) return bindSharedUnixSocket(create, address.trim(), mode);
  const number = typeof port === 'string' && !/^\d+$/.test(port) ? servicePort(port) : Number(port ?? 0);
  if (number === undefined || !Number.isInteger(number) || number < 0 || number > 65535) throw new Error(`serve: no such port or service: ${String(port)}`);
  let ip: string | null = null;
  let family = 0;
  if (address !== undefined && address !== '') {
    const found = net.isIP(address) !== 0 ? { address, family: net.isIP(address) } : await lookup(address);
    ip = found.address;
    family = found.family;
  }
  // No address: dual-stack :: (IPv4 as mapped addresses), or 0.0.0.0 where IPv6 is off, as node does.
  const handle = create(ip, number, family === 0 ? undefined : family);
  if (typeof handle === 'number') throw new Error(`serve: cannot listen on ${address ?? '*'}:${number}: ${getSystemErrorName(handle)}`);
  const bound: { address?: string; port?: number } = {};
  handle.getsockname(bound);
  return { fd: handle.fd, port: bound.port ?? number, address: plain(bound.address ?? ''), close: () => handle.close() };
}

function plain(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

/** A Unix-domain socket for the processes to share (port -1 and type -1 make node's helper bind a pipe). */
async function bindSharedUnixSocket(create: CreateServerHandle, address: string, mode: number | undefined): Promise<SharedPort> {
  const fail = (reason: string): never => {
    throw new Error(`serve: cannot listen on ${address}: ${reason}`);
  };
  if (address === '@' || unixAddressBytes(address) > UNIX_ADDRESS_MAX_BYTES) fail(`not a Unix-domain address of 1 to ${UNIX_ADDRESS_MAX_BYTES} bytes`);
  const path = nodeUnixPath(address);
  const file = isAbstractAddress(address) ? undefined : path;
  let handle = create(path, -1, -1);
  if (typeof handle === 'number' && getSystemErrorName(handle) === 'EADDRINUSE') {
    // A file there: replaced only when it is a dead server's socket (a listener's rule).
    const code = file === undefined ? ErrorCode.AddressInUse : await clearStaleSocketFile(file);
    if (code !== 0) fail(`${TCPErrorText(code)} (${code})`);
    handle = create(path, -1, -1);
  }
  if (typeof handle === 'number') return fail(getSystemErrorName(handle));
  const bound = handle;
  const modeFailure = file === undefined || mode === undefined ? 0 : applySocketFileMode(file, mode);
  if (modeFailure !== 0) {
    bound.close(); // removes the file
    fail(`mode: ${TCPErrorText(modeFailure)} (${modeFailure})`);
  }
  return { fd: bound.fd, port: 0, address, close: () => bound.close() };
}

/**
 * A listening socket inherited as descriptor `fd` (systemd's socket activation: LISTEN_FDS,
 * descriptor 3) to share with the processes: node's helper wraps the descriptor as it is,
 * and its address is read from it. A TCP socket only (a Unix-domain one reports no port).
 */
export function adoptSharedPort(fd: number): SharedPort {
  const create = (net as unknown as { _createServerHandle?: CreateServerHandle })._createServerHandle;
  if (typeof create !== 'function') throw new Error('serve: processes: this Node has no net._createServerHandle to share a port with');
  const handle = create(null, 0, undefined, fd);
  if (typeof handle === 'number') throw new Error(`serve: cannot use descriptor ${fd}: ${getSystemErrorName(handle)}`);
  const bound: { address?: string; port?: number } = {};
  handle.getsockname(bound);
  return { fd, port: bound.port ?? 0, address: plain(bound.address ?? ''), close: () => handle.close() };
}
