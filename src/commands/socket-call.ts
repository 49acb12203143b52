/** Declarations of the commands that take a socket (and a wait's time-out) and answer the engine's number. */
import { command, type EngineCommand } from './command.js';
import { noteSecureError } from './secure-error.js';
import { socketNumber, waitTimeout, waitTimeoutMs } from './validate.js';

export function socketCommand(name: string, op: number): EngineCommand<number, unknown, unknown, unknown, number> {
  return command({
    name,
    min: 1,
    max: 1,
    rules: [[0, socketNumber]],
    core: (channel, socket: number) => noteSecureError(channel, channel.call(op, socket)), // -1021: a TLS client's failed handshake (TCPAccept)
  });
}

/** TCPWait and TCPFlush: (socket, timeout?), the time-out checked first. */
export function waitCommand(name: string, op: number): EngineCommand<number, number | 'infinite' | undefined, unknown, unknown, number> {
  return command({
    name,
    min: 1,
    max: 2,
    rules: [[1, waitTimeout], [0, socketNumber]],
    core: (channel, socket: number, timeout: number | 'infinite' | undefined) => channel.call(op, socket, waitTimeoutMs(timeout)),
  });
}
