/** tcpcmd connect HOST PORT: like nc, stdin to the socket and the socket to stdout. */
import { parseArgs } from 'node:util';
import { receiveAsync } from '../async/calls.js';
import { TCPClose } from '../commands/close.js';
import { WebDevSetConfig } from '../commands/config.js';
import { TCPConnect } from '../commands/connect.js';
import { TCPSend } from '../commands/send.js';
import { TCPErrorText } from '../errors.js';
import { failureText } from '../commands/failure-text.js';
import { urlHostHint } from '../commands/host-name.js';
import { EXIT_FAILED, EXIT_OK, type Subcommand, UsageError } from './command.js';
import { isUnixAddress } from '../unix-address.js';

export const connectCommand: Subcommand = {
  name: 'connect',
  summary: 'connect interactively: stdin to the socket, the socket to stdout (like nc)',
  usage: `tcpcmd connect HOST PORT [--secure] [--no-verify] [--timeout SECONDS]
       tcpcmd connect PATH|@NAME ...   (a Unix-domain socket: no port)

  --secure       TLS, verified against the trust store (./certs/cacerts)
  --no-verify    TLS without authenticating the server
  --timeout S    the comms time-out for connecting (default 60)

  At the end of stdin, half-closes the connection (FIN) and goes on printing what the
  peer sends until it closes. Exit code 1 when the connection fails.`,
  async run(args) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        secure: { type: 'boolean', default: false },
        'no-verify': { type: 'boolean', default: false },
        timeout: { type: 'string' },
      },
    });
    const [host, port, extra] = positionals;
    const unix = host !== undefined && isUnixAddress(host);
    if (host === undefined || (port === undefined && !unix) || (unix ? port : extra) !== undefined) throw new UsageError('connect takes HOST PORT, or a socket PATH');
    if (values.timeout !== undefined) {
      const seconds = Number(values.timeout);
      if (!(seconds > 0)) throw new UsageError('--timeout must be a positive number of seconds');
      WebDevSetConfig(undefined, seconds);
    }
    const secure = values.secure || values['no-verify'];
    const socket = unix ? TCPConnect(host, 0, secure, !values['no-verify']) : TCPConnect(host, /^\d+$/.test(port!) ? Number(port) : port, secure, !values['no-verify']);
    if (socket < 0) {
      const hint = urlHostHint(host); // 'tcpcmd connect http://host 80': say what to type instead
      console.error(`tcpcmd connect: ${unix ? host : `${host}:${port}`}: ${failureText(socket)} (${socket})${hint === undefined ? '' : `: ${hint}`}`);
      return EXIT_FAILED;
    }
    process.stdin.on('data', (chunk: Buffer) => {
      if (TCPSend(socket, chunk) < 0) process.stdin.destroy();
    });
    process.stdin.once('end', () => TCPClose(socket, 1));
    let status = EXIT_OK;
    for (;;) {
      const received = await receiveAsync(socket);
      if (typeof received === 'number') {
        console.error(`tcpcmd connect: ${TCPErrorText(received)} (${received})`);
        status = EXIT_FAILED;
        break;
      }
      if (received.length === 0) break;
      await new Promise<void>((resolve) => process.stdout.write(received, () => resolve()));
    }
    process.stdin.destroy();
    TCPClose(socket);
    return status;
  },
};
