/** TCPSetTrustStore(folder?, cacertsOnly = false): which CAs a verified TLS connect trusts. */
import { resolve } from 'node:path';
import { openChannel } from '../channel/caller.js';
import { ErrorCode } from '../errors.js';
import { Op, TrustFlag } from '../protocol.js';
import { report } from './report.js';
import { checkCount, isFlag } from './validate.js';

/**
 * Uses `folder` as the trust store (omitted: the current one, certs/cacerts under the working directory by default)
 * and reads it now; with `cacertsOnly` node's bundled roots are no longer trusted. The
 * store is also re-read by itself whenever the folder changes. Returns the number of
 * certificates read from the folder; files that are not certificates are reported on
 * stderr once and skipped. -10022 when the folder cannot be read.
 */
export function TCPSetTrustStore(folder?: string, cacertsOnly: boolean | number = false): number {
  return report('TCPSetTrustStore', setTrustStore(arguments.length, folder, cacertsOnly));
}

function setTrustStore(count: number, folder: unknown, cacertsOnly: unknown): number {
  const countError = checkCount(count, 0, 2);
  if (countError !== 0) return countError;
  if ((folder !== undefined && typeof folder !== 'string') || !isFlag(cacertsOnly)) return ErrorCode.WrongType;
  const channel = openChannel();
  if (typeof channel === 'number') return channel;
  const given = folder !== undefined && folder !== '';
  const length = given ? channel.data.write(resolve(folder), 0, 'utf8') : 0;
  const flags = (cacertsOnly ? TrustFlag.CacertsOnly : 0) | (given ? TrustFlag.Folder : 0);
  return channel.call(Op.ReloadTrust, 0, flags, 0, 0, length);
}
