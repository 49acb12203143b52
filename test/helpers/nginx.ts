/**
 * Debian's nginx serving HTTPS on 127.0.0.1 with `ssl_verify_client on`: a real server our
 * client authenticates to with its certificate. Runs in the foreground from a temp prefix;
 * ready once its port accepts connections.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from './wait-for.js';

export const NGINX = '/usr/sbin/nginx';

export interface Nginx {
  port: number;
  stop(): Promise<void>;
}

/** A port free now (the kernel's pick, released at once). */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Whether something accepts connections on the port now. */
function accepting(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export async function startNginx(cert: string, key: string, clientCa: string): Promise<Nginx> {
  const prefix = mkdtempSync(join(tmpdir(), 'tcp-nginx-'));
  mkdirSync(join(prefix, 'logs'));
  const port = await freePort();
  writeFileSync(
    join(prefix, 'nginx.conf'),
    `worker_processes 1;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path ${prefix}/body; proxy_temp_path ${prefix}/proxy; fastcgi_temp_path ${prefix}/fastcgi;
  uwsgi_temp_path ${prefix}/uwsgi; scgi_temp_path ${prefix}/scgi;
  server {
    listen 127.0.0.1:${port} ssl;
    ssl_certificate ${cert};
    ssl_certificate_key ${key};
    ssl_client_certificate ${clientCa};
    ssl_verify_client on;
    location / { return 200 "hello $ssl_client_s_dn\\n"; }
  }
}
`,
  );
  const child: ChildProcess = spawn(NGINX, ['-p', prefix, '-c', join(prefix, 'nginx.conf'), '-e', 'stderr', '-g', `daemon off; pid ${prefix}/nginx.pid; error_log stderr;`], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  let up = false;
  const poll = async (): Promise<void> => {
    while (!up && child.exitCode === null) {
      up = await accepting(port);
      if (!up) await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  await Promise.race([poll(), waitFor(() => child.exitCode !== null, 'nginx exits', 15_000).catch(() => {})]);
  if (!up) {
    child.kill();
    throw new Error(`nginx did not start: ${stderr}`);
  }
  return {
    port,
    stop: () =>
      child.exitCode !== null
        ? Promise.resolve()
        : new Promise((resolve) => {
            child.once('exit', () => resolve());
            child.kill('SIGQUIT');
          }),
  };
}
