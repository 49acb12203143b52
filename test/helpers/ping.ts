/**
 * Tests that need the system's ping program (TCPPing runs it): where there is none
 * (a container without iputils-ping), they are skipped, and their title says why.
 */
import test, { type ExecutionContext } from 'ava';
import { spawnSync } from 'node:child_process';

export const hasPing = spawnSync(process.env.TCP_COMMANDS_PING ?? 'ping', ['-V'], { stdio: 'ignore' }).error === undefined;

/** `test`, or `test.skip` with the reason in the title, when there is no ping program. */
export function testWithPing(title: string, implementation: (t: ExecutionContext) => void | Promise<void>): void {
  if (hasPing) test(title, implementation);
  else test.skip(`${title} (skipped: no ping program; install iputils-ping)`, implementation);
}
