/** TCPSetTrustStore(folder?, cacertsOnly = false): which CAs a verified TLS connect trusts. */
import { resolve } from 'node:path';
import { Op, TrustFlag } from '../protocol.js';
import { command, run } from './command.js';
import { flag, optionalText } from './validate.js';

const SET_TRUST_STORE = command({
  name: 'TCPSetTrustStore', min: 0, max: 2,
  rules: [[0, optionalText], [1, flag]],
  core: (channel, folder: string | undefined, cacertsOnly: boolean | number) => {
    const given = folder !== undefined && folder !== '';
    const length = given ? channel.data.write(resolve(folder), 0, 'utf8') : 0;
    const flags = (cacertsOnly ? TrustFlag.CacertsOnly : 0) | (given ? TrustFlag.Folder : 0);
    return channel.call(Op.ReloadTrust, 0, flags, 0, 0, length);
  },
});

/**
 * Uses `folder` as the trust store and reads it now; with `cacertsOnly` node's bundled
 * roots are no longer trusted. The store is also re-read by itself whenever the folder
 * changes. Files that are not certificates are skipped, and reported once through
 * NODE_DEBUG=tcp-commands (and listed by `tcpcmd certs list`).
 * @param folder - the folder of CA certificates (PEM, PEM bundles, DER); a relative one resolves against the working directory; omitted: the current one (certs/cacerts by default)
 * @param cacertsOnly - true (or non-zero): trust that folder alone, without node's bundled roots
 * @returns the number of certificates read from the folder, or an error code: -10022 the folder cannot be read, -501 an argument of the wrong type
 */
export function TCPSetTrustStore(folder?: string, cacertsOnly: boolean | number = false): number {
  return run(SET_TRUST_STORE, arguments.length, folder, cacertsOnly);
}
