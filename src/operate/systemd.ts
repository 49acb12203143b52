/**
 * systemd (docs/operating.md, examples/systemd/): socket activation, the listening
 * socket systemd passes as descriptor 3 with LISTEN_PID (this process) and LISTEN_FDS set,
 * and the notify protocol (Type=notify): READY=1 once serving, RELOADING=1 / READY=1
 * around a reload, STOPPING=1 at the start of a shutdown, sent to NOTIFY_SOCKET.
 *
 * Node has no Unix-domain datagram socket, so the notifications go through systemd's own
 * `systemd-notify` (spawned, not awaited; the unit needs NotifyAccess=all, since the
 * sender is that helper's process). Without NOTIFY_SOCKET nothing is sent.
 */
import { spawn } from 'node:child_process';

/** systemd's first passed descriptor. */
export const SD_LISTEN_FDS_START = 3;

/**
 * The descriptor systemd passed to this process (3), or undefined when none was. The
 * variables are then removed, as sd_listen_fds() does, so that no child takes them for its own.
 */
export function systemdListenFd(env: NodeJS.ProcessEnv = process.env, pid = process.pid): number | undefined {
  const fds = Number(env.LISTEN_FDS);
  const forUs = Number(env.LISTEN_PID) === pid && Number.isInteger(fds) && fds >= 1;
  delete env.LISTEN_PID;
  delete env.LISTEN_FDS;
  delete env.LISTEN_FDNAMES;
  return forUs ? SD_LISTEN_FDS_START : undefined;
}

/** Sends `state` lines ('READY=1', 'STOPPING=1', ...) to NOTIFY_SOCKET; resolves when sent (or at once without one). */
export function notifySystemd(...state: string[]): Promise<void> {
  const socket = process.env.NOTIFY_SOCKET;
  if (socket === undefined || socket === '') return Promise.resolve();
  return new Promise((resolve) => {
    const child = spawn('systemd-notify', ['--no-block', `--pid=${process.pid}`, ...state], { stdio: 'ignore' });
    child.on('error', () => resolve()); // no systemd-notify: nothing to tell
    child.on('exit', () => resolve());
  });
}
