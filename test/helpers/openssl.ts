/** Real openssl s_server / s_client processes for the TLS tests. */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';

export interface SServer {
  port: number;
  /** Everything s_server printed (its received data among it). */
  output(): string;
  stop(): Promise<void>;
}

/**
 * `openssl s_server` on 127.0.0.1 with an OS-chosen port, presenting `cert`/`key`.
 * `send` is queued on its stdin: s_server sends it to the first client that connects.
 */
export function startSServer(cert: string, key: string, send = '', extra: readonly string[] = []): Promise<SServer> {
  // `extra`: more s_server options (-Verify 1 -CAfile ..., -tls1_2, -cipher, -alpn).
  const child: ChildProcessWithoutNullStreams = spawn('openssl', ['s_server', '-accept', '127.0.0.1:0', '-cert', cert, '-key', key, ...extra]);
  let out = '';
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  if (send !== '') child.stdin.write(send);
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString('latin1');
      const match = /ACCEPT 127\.0\.0\.1:(\d+)/.exec(out);
      if (match !== null && server.port === 0) {
        server.port = Number(match[1]);
        resolve(server);
      }
    });
    child.once('exit', (code) => {
      if (server.port === 0) reject(new Error(`s_server exited ${code}: ${out}`));
    });
    const server: SServer = {
      port: 0,
      output: () => out,
      stop: () =>
        child.exitCode !== null || child.signalCode !== null
          ? Promise.resolve()
          : new Promise((res) => {
              child.once('exit', () => res());
              child.kill();
            }),
    };
  });
}

/** `openssl s_client` against host:port, trusting `caFile`; resolves with its output and exit code. */
export function runSClient(
  port: number,
  caFile: string,
  input: string,
): { done: Promise<{ code: number | null; stdout: string; stderr: string }> } {
  const child = spawn('openssl', [
    's_client', '-connect', `127.0.0.1:${port}`, '-servername', 'localhost',
    '-CAfile', caFile, '-verify_return_error', '-quiet',
  ]);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin.end(input); // -quiet implies -ign_eof: it stays until the server closes
  return { done: new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr }))) };
}
