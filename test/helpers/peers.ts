/**
 * Starting the tests' real peers as child processes on loopback, port 0. Each peer
 * prints its port first and exits when its stdin closes, so a test that dies cannot
 * leave one running; `stop()` ends it at once.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const peersDir = fileURLToPath(new URL('../peers/', import.meta.url));

export interface Peer {
  port: number;
  /** Lines the peer printed after its port. */
  lines: string[];
  /** Resolves with the next line the peer prints (or one already printed and not taken). */
  nextLine(timeoutMs?: number): Promise<string>;
  stop(): Promise<void>;
  process: ChildProcessWithoutNullStreams;
}

function startPeer(command: string, args: string[]): Promise<Peer> {
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const waiters: Array<(line: string) => void> = [];
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    let port = 0;
    const reader = createInterface({ input: child.stdout });
    reader.on('line', (line) => {
      if (port === 0) {
        port = Number(line);
        resolve(peer);
        return;
      }
      const waiter = waiters.shift();
      if (waiter) waiter(line);
      else lines.push(line);
    });
    child.once('exit', (code) => {
      if (port === 0) reject(new Error(`peer ${args.join(' ')} exited ${code}: ${stderr}`));
    });
    const peer: Peer = {
      get port() {
        return port;
      },
      lines,
      process: child,
      nextLine(timeoutMs = 10_000) {
        const ready = lines.shift();
        if (ready !== undefined) return Promise.resolve(ready);
        return new Promise((res, rej) => {
          const timer = setTimeout(() => rej(new Error('peer printed nothing in time')), timeoutMs);
          waiters.push((line) => {
            clearTimeout(timer);
            res(line);
          });
        });
      },
      stop() {
        if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
        return new Promise((res) => {
          child.once('exit', () => res());
          child.kill();
        });
      },
    };
  });
}

export function startPythonPeer(mode: string, ...args: string[]): Promise<Peer> {
  return startPeer('python3', [`${peersDir}peer_server.py`, mode, ...args]);
}

export function startHostilePeer(mode: string): Promise<Peer> {
  return startPeer(process.execPath, [`${peersDir}hostile-server.mjs`, mode]);
}

export function startStructPeer(): Promise<Peer> {
  return startPeer('python3', [`${peersDir}struct_peer.py`]);
}

/** test/peers/protocol_peer.py: chunks, frames, echo (see its docstring). */
export function startProtocolPeer(mode: string): Promise<Peer> {
  return startPeer('python3', [`${peersDir}protocol_peer.py`, mode]);
}

/** test/peers/smtp_peer.py: an SMTP server answering STARTTLS with Python's ssl, presenting cert/key. */
export function startSmtpPeer(cert: string, key: string): Promise<Peer> {
  return startPeer('python3', [`${peersDir}smtp_peer.py`, cert, key]);
}

/** test/peers/http11_server.py: Python's http.server over HTTP/1.1 (/fixed, /chunked). */
export function startHttp11Server(): Promise<Peer> {
  return startPeer('python3', [`${peersDir}http11_server.py`]);
}

/** test/peers/udp_client_peer.py in `peer` mode: prints "got PORT TEXT" per datagram; `send PORT TEXT` on stdin sends one. */
export function startUdpClientPeer(): Promise<Peer> {
  return startPeer('python3', [`${peersDir}udp_client_peer.py`, 'peer']);
}

/** test/peers/udp_peer.py: a SOCK_DGRAM peer driven on stdin (see its docstring); udp-peer.ts wraps it. */
export function startUdpPeer(family: 4 | 6, address: string, ...options: string[]): Promise<Peer> {
  return startPeer('python3', [`${peersDir}udp_peer.py`, String(family), address, ...options]);
}

/** test/peers/tftp_lossy.py: one TFTP read of `size` bytes that ignores an ACK and meets a stranger's packet. */
export function startLossyTftp(size: number): Promise<Peer> {
  return startPeer('python3', [`${peersDir}tftp_lossy.py`, String(size)]);
}

/** test/peers/mtls_server.py: a Python ssl server requiring a client certificate the CA file signed ('tls', or 'starttls' after a plain line). */
export function startMtlsPeer(mode: 'tls' | 'starttls', cert: string, key: string, cafile: string): Promise<Peer> {
  return startPeer('python3', [`${peersDir}mtls_server.py`, mode, cert, key, cafile]);
}
