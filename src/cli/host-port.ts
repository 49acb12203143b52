/** HOST:PORT arguments: 'example.org:443', '127.0.0.1:7', '[::1]:8443', 'localhost:http'. */
import { UsageError } from './command.js';

export function hostAndPort(text: string): { host: string; port: number | string } {
  const match = /^\[(.+)\]:(\S+)$/.exec(text) ?? /^([^:]+):(\S+)$/.exec(text);
  if (match === null) throw new UsageError(`'${text}' is not HOST:PORT (IPv6: [::1]:PORT)`);
  const [, host, port] = match as unknown as [string, string, string];
  return { host, port: /^\d+$/.test(port) ? Number(port) : port };
}
