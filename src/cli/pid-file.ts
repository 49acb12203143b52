/**
 * `tcpcmd serve --pid-file FILE`: the server's own process id, for signals. A server
 * started as `npx tcpcmd serve ... &` is a child of npm, so `kill %1` reaches npm, not
 * the server: npm does not pass SIGHUP or SIGUSR2 on, and SIGUSR1 opens its inspector
 * (issue 29). `kill -HUP "$(cat FILE)"` reaches the server whatever started it.
 *
 * Written once the server listens (so a script that waits for the file can signal at
 * once), through a temporary file and a rename so that a reader never sees half a
 * number; removed at exit, unless another server has written its own id there since.
 */
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

export interface PidFile {
  readonly path: string;
  remove(): void;
}

/** Writes this process's id to `file` (relative: the working directory's); throws what the file system says. */
export function writePidFile(file: string): PidFile {
  const path = resolve(file);
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, `${process.pid}\n`);
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
  let removed = false;
  const remove = (): void => {
    if (removed) return;
    removed = true;
    try {
      if (readFileSync(path, 'utf8').trim() === String(process.pid)) rmSync(path, { force: true });
    } catch {
      // Gone already, or unreadable: nothing of ours to remove.
    }
  };
  // Whatever ends the process (an uncaught error included), the file goes with it.
  process.once('exit', remove);
  return { path, remove };
}
