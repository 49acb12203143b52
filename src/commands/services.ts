/**
 * Service names to port numbers from the local services database (/etc/services),
 * as getservbyname() does; Node has no binding for it. Read once per thread.
 */
import { readFileSync } from 'node:fs';
import { ErrorCode } from '../errors.js';
import { isFiniteNumber, type Rule } from './validate.js';

const SERVICES_FILE = process.env.TCP_COMMANDS_SERVICES ?? '/etc/services';

/** The transport a service name is looked up for: TCP for streams, UDP for datagram sockets (tftp is 69/udp only). */
export type Transport = 'tcp' | 'udp';

let servicesByTransport: Record<Transport, Map<string, number>> | undefined;

function loadServices(): Record<Transport, Map<string, number>> {
  const services = { tcp: new Map<string, number>(), udp: new Map<string, number>() };
  let text = '';
  try {
    text = readFileSync(SERVICES_FILE, 'utf8');
  } catch {
    return services; // no database: every name is unknown (-10109)
  }
  for (const line of text.split('\n')) {
    const [name, portAndProtocol, ...aliases] = line.replace(/#.*/, '').trim().split(/\s+/);
    const match = /^(\d+)\/(tcp|udp)$/.exec(portAndProtocol ?? '');
    if (name === undefined || name === '' || match === null) continue;
    const port = Number(match[1]);
    const table = services[match[2] as Transport];
    for (const key of [name, ...aliases]) if (!table.has(key)) table.set(key, port);
  }
  return services;
}

/** What a service name looks like (every name in /etc/services does): a letter, then letters, digits, '.', '_', '-', '+'. */
const SERVICE_NAME = /^[A-Za-z][A-Za-z0-9._+-]*$/;

/** The TCP port of a service name, or undefined when the database does not know it. */
export function servicePort(name: string, transport: Transport = 'tcp'): number | undefined {
  servicesByTransport ??= loadServices();
  return servicesByTransport[transport].get(name);
}

/**
 * A port argument (number, numeric string, or service name) as a port number, or an
 * error code: -501 wrong type, -10022 out of range, -10109 unknown service, and
 * `zeroCode` for port 0 (0 itself when port 0 is allowed, as in TCPBind).
 */
export function portArgument(value: unknown, zeroCode: number, transport: Transport = 'tcp'): number {
  if (typeof value === 'string') {
    if (/^\d+$/.test(value)) return portArgument(Number(value), zeroCode, transport);
    // Neither digits nor a name a services database could hold (' 80', '80 ', '+80',
    // '-1', '', control characters): -10022, the same for every such form.
    if (!SERVICE_NAME.test(value)) return ErrorCode.InvalidArgument;
    return servicePort(value, transport) ?? ErrorCode.UnknownService;
  }
  if (!isFiniteNumber(value)) return ErrorCode.WrongType;
  if (!Number.isInteger(value) || value < 0 || value > 65535) return ErrorCode.InvalidArgument;
  return value === 0 ? zeroCode : value;
}

/** The rule of a port argument; `zeroCode` answers port 0 (0: allowed). */
export function portRule(zeroCode: number, transport: Transport = 'tcp'): Rule {
  return (value) => {
    const port = portArgument(value, zeroCode, transport);
    return port < 0 ? port : 0;
  };
}
