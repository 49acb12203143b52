// Loaded first in every test file's process (ava.config.js nodeArguments): the process gets
// a temp folder of its own, as TMPDIR (so os.tmpdir() and every program it starts use it),
// removed with everything in it when the process exits. Tests make certificates, socket
// files, packages and pid files with mkdtemp under os.tmpdir(); before this, each run left
// some 300 folders in /tmp (4,368 after a day of runs on the CI machine).
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isMainThread } from 'node:worker_threads';

// Only in the test file's own process: its pool threads and the processes it starts load
// this too (they inherit its --import) and use the folder they find in TMPDIR.
if (isMainThread && process.env.TCP_TEST_OWN_TMPDIR === undefined) {
  const own = mkdtempSync(join(tmpdir(), 'tcp-test-'));
  // Other users may pass through (not list): nginx's workers reach a socket file in a folder
  // a test opened to them (unix-serve.test.ts), as they did when that folder was in /tmp.
  chmodSync(own, 0o711);
  // tsx keeps its compile cache in <tmpdir>/tsx-<uid>: the shared one stays in use (a link to
  // it, which the removal below unlinks without following). Without it every pool thread a test
  // starts compiled its TypeScript anew: under load, a restarted serve() thread took more than
  // the 5 s a test's client waits (serve-udp.test.ts, 3 runs in 3 under stress-ng).
  const tsxCache = `tsx-${process.getuid?.() ?? 0}`;
  mkdirSync(join(tmpdir(), tsxCache), { recursive: true, mode: 0o700 });
  symlinkSync(join(tmpdir(), tsxCache), join(own, tsxCache));
  process.env.TMPDIR = own;
  process.env.TCP_TEST_OWN_TMPDIR = own;
  process.on('exit', () => {
    try {
      rmSync(own, { recursive: true, force: true });
    } catch {
      // (a program the test started may still write there; what is left is left)
    }
  });
}
