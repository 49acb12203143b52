/**
 * Service names to port numbers from the local services database (/etc/services),
 * as getservbyname() does; Node has no binding for it. Read once per thread.
 */
import { readFileSync } from 'node:fs';
import { ErrorCode } from '../errors.js';
import { isFiniteNumber, type Rule } from './validate.js';

const SERVICES_FILE = process.env.TCP_COMMANDS_SERVICES ?? '/etc/services';

let tcpServices: Map<string, number> | undefined;

function loadServices(): Map<string, number> {
  const services = new Map<string, number>();
  let text = '';
  try {
    text = readFileSync(SERVICES_FILE, 'utf8');
  } catch {
    return services; // no database: every name is unknown (-10109)
  }
  for (const line of text.split('\n')) {
    const [name, portAndProtocol, ...aliases] = line.replace(/#.*/, '').trim().split(/\s+/);
    const match = /^(\d+)\/tcp$/.exec(portAndProtocol ?? '');
    if (name === undefined || name === '' || match === null) continue;
    const port = Number(match[1]);
    for (const key of [name, ...aliases]) if (!services.has(key)) services.set(key, port);
  }
  return services;
}

/** What a service name looks like (every name in /etc/services does): a letter, then letters, digits, '.', '_', '-', '+'. */
const SERVICE_NAME = /^[A-Za-z][A-Za-z0-9._+-]*$/;

/** The TCP port of a service name, or undefined when the database does not know it. */
export function servicePort(name: string): number | undefined {
  tcpServices ??= loadServices();
  return tcpServices.get(name);
}

/**
 * A port argument (number, numeric string, or service name) as a port number, or an
 * error code: -501 wrong type, -10022 out of range, -10109 unknown service, and
 * `zeroCode` for port 0 (0 itself when port 0 is allowed, as in TCPBind).
 */
export function portArgument(value: unknown, zeroCode: number): number {
  if (typeof value === 'string') {
    if (/^\d+$/.test(value)) return portArgument(Number(value), zeroCode);
    // Neither digits nor a name a services database could hold (' 80', '80 ', '+80',
    // '-1', '', control characters): -10022, the same for every such form.
    if (!SERVICE_NAME.test(value)) return ErrorCode.InvalidArgument;
    return servicePort(value) ?? ErrorCode.UnknownService;
  }
  if (!isFiniteNumber(value)) return ErrorCode.WrongType;
  if (!Number.isInteger(value) || value < 0 || value > 65535) return ErrorCode.InvalidArgument;
  return value === 0 ? zeroCode : value;
}

/** The rule of a port argument; `zeroCode` answers port 0 (0: allowed). */
export function portRule(zeroCode: number): Rule {
  return (value) => {
    const port = portArgument(value, zeroCode);
    return port < 0 ? port : 0;
  };
}
