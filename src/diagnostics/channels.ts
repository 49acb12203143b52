/**
 * node:diagnostics_channel channels of the calling threads (docs/diagnostics.md):
 *
 *   'tcp-commands:command'  every blocking command's result:
 *       { command: 'TCPReceive', socket: 3 | undefined, result, durationMs, threadId }
 *   'tcp-commands:engine'   on the thread that started the engine:
 *       { event: 'start', generation } and { event: 'exit', generation, exitCode }
 *   'tcp-commands:certificate'  on the thread that called serve(): a served certificate
 *       within 14 days of expiry, once a day: { event: 'expiring', file, subject, validTo, daysLeft }
 *
 * Off by default and free when off: nothing is measured or built unless the channel has a
 * subscriber (one `hasSubscribers` read per command). A subscriber sees the commands of
 * its own thread only (channels are per thread); the engine thread's events go to
 * NODE_DEBUG=tcp-commands (debug-log.ts).
 *
 * A command's start is noted by the wrapper every command goes through (commands/command.ts),
 * its socket by the socket rule (commands/validate.ts), and its result published by
 * commands/report.ts, so no command file carries any of this. Only the first note of a
 * command counts.
 */
import diagnostics from 'node:diagnostics_channel';
import { threadId } from 'node:worker_threads';

export const COMMAND_CHANNEL = 'tcp-commands:command';
export const ENGINE_CHANNEL = 'tcp-commands:engine';
export const CERTIFICATE_CHANNEL = 'tcp-commands:certificate';

export interface CommandMessage {
  /** The command's name, as exported: 'TCPConnect', 'TCPReceive', ... */
  command: string;
  /** The socket argument it was given (after its check), or undefined for commands without one. */
  socket: number | undefined;
  /** What the command returned (a negative number is an error code). */
  result: unknown;
  /** From the command's argument checks to its result, ms; NaN if a subscriber came in the middle. */
  durationMs: number;
  threadId: number;
}

export type EngineMessage =
  | { event: 'start'; generation: number }
  | { event: 'exit'; generation: number; exitCode: number };

const commandChannel = diagnostics.channel(COMMAND_CHANNEL);
const engineChannel = diagnostics.channel(ENGINE_CHANNEL);
const certificateChannel = diagnostics.channel(CERTIFICATE_CHANNEL);

export interface CertificateMessage {
  event: 'expiring';
  /** The certificate file serve() was given (`cert`, or one of `sni`'s). */
  file: string;
  subject: string;
  /** ISO date-time. */
  validTo: string;
  /** Whole days left (0 on its last day, negative once expired). */
  daysLeft: number;
}

/** The command in progress on this thread (commands are synchronous: one at a time). */
let startedAt = -1;
let socketArgument: number | undefined;

/** Called as a command starts, before its arguments are checked. */
export function noteCommandStart(): void {
  if (startedAt < 0 && commandChannel.hasSubscribers) startedAt = performance.now();
}

/** Called when a command's socket argument has passed its check. */
export function noteCommandSocket(socket: number): void {
  if (socketArgument === undefined && commandChannel.hasSubscribers) socketArgument = socket;
}

/** Called once per command with its result (commands/report.ts). */
export function publishCommand(command: string, result: unknown): void {
  if (commandChannel.hasSubscribers) {
    const message: CommandMessage = {
      command,
      socket: socketArgument,
      result,
      durationMs: startedAt < 0 ? Number.NaN : performance.now() - startedAt,
      threadId,
    };
    startedAt = -1;
    socketArgument = undefined;
    commandChannel.publish(message);
    return;
  }
  startedAt = -1;
  socketArgument = undefined;
}

export function publishEngineEvent(message: EngineMessage): void {
  if (engineChannel.hasSubscribers) engineChannel.publish(message);
}

export function publishCertificateEvent(message: CertificateMessage): void {
  if (certificateChannel.hasSubscribers) certificateChannel.publish(message);
}
