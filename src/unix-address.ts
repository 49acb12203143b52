/**
 * Unix-domain stream sockets, named where a host goes: a host that begins with '/' is a
 * file path, one that begins with '@' a Linux abstract name ('@app' is the kernel's
 * "\0app"). Both sides read it here: the commands check the length, the engine connects,
 * binds and reports addresses with it. No IP host begins with either character, so the
 * two kinds of host never overlap.
 */

/**
 * The longest name, in bytes: sockaddr_un's sun_path holds 108, a path's last being its
 * NUL, an abstract name's first. node's older libuv cut a longer name short without a
 * word, binding or reaching another file than the one named, so we refuse it (-10022).
 */
export const UNIX_ADDRESS_MAX_BYTES = 107;

/** True for a host that names a Unix-domain socket (a path or an abstract '@name'). */
export function isUnixAddress(host: string): boolean {
  return host.startsWith('/') || host.startsWith('@');
}

/** An abstract name: no file, no permissions, gone with its last socket. */
export function isAbstractAddress(host: string): boolean {
  return host.startsWith('@');
}

/** The name's length as the kernel counts it (an abstract name's '@' is its leading NUL, a path's NUL is extra). */
export function unixAddressBytes(host: string): number {
  return Buffer.byteLength(host) - (isAbstractAddress(host) ? 1 : 0);
}

/** The `path` node:net takes: an abstract name with its leading NUL. */
export function nodeUnixPath(host: string): string {
  return isAbstractAddress(host) ? `\0${host.slice(1)}` : host;
}

/** What node reports (server.address() of a pipe) as our host form: "\0app" is '@app'. */
export function unixAddressOfNodePath(path: string): string {
  return path.startsWith('\0') ? `@${path.slice(1)}` : path;
}
