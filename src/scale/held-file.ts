/**
 * A serving process's count of held connections, kept where it outlives the process: a
 * four-byte file, unlinked at once (only the descriptors keep it), that the child
 * inherits as HELD_FD and its engine rewrites at every change (engine/held-connections.ts,
 * the 'heldfd' option). Read here when the process has exited: what it held then, its
 * clients lost. The periodic counts cannot say it: they are up to 100 ms old, and a
 * process under load takes and lets go of many connections in that time.
 */
import { closeSync, mkdtempSync, openSync, readSync, rmdirSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export class HeldFile {
  readonly fd: number;

  constructor() {
    const dir = mkdtempSync(join(tmpdir(), 'tcp-commands-held-'));
    const path = join(dir, 'held');
    this.fd = openSync(path, 'w+');
    unlinkSync(path);
    rmdirSync(dir);
  }

  /** The count last written: 0 before the first. */
  read(): number {
    const word = Buffer.alloc(4);
    return readSync(this.fd, word, 0, 4, 0) === 4 ? Math.max(0, word.readInt32LE(0)) : 0;
  }

  close(): void {
    closeSync(this.fd);
  }
}
