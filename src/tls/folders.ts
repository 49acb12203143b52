/**
 * Where certificates live, and the TLS policy: shared by the engine and tcpcmd certs.
 *
 * The path rule: a user's files live in the user's application, never inside the
 * installed package (node_modules is rebuilt by every `npm ci`). So every relative path
 * resolves against the working directory of the process: the trust store folder
 * (default certs/cacerts), the 'cert' and 'key' file names of a listener, and the
 * handler and script modules of serve() and pools.
 */
import { resolve } from 'node:path';

/** certs/cacerts under the working directory, or the folder TCP_COMMANDS_CACERTS names. */
export function defaultTrustFolder(): string {
  const configured = process.env.TCP_COMMANDS_CACERTS;
  return resolve(configured !== undefined && configured !== '' ? configured : 'certs/cacerts');
}

/** A 'cert' or 'key' file name as given to TCPSetOption: relative names against the working directory. */
export function certificateFile(name: string): string {
  return resolve(name);
}

/** TLS 1.2 or newer, both ways. */
export const MIN_TLS_VERSION = 'TLSv1.2';
