/** tcpcmd serve: serve() from the command line, until SIGINT or SIGTERM. */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { serve } from '../pool/serve.js';
import { EXIT_FAILED, EXIT_OK, type Subcommand, UsageError } from './command.js';

function whole(name: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number < min) throw new UsageError(`--${name} must be a whole number >= ${min}`);
  return number;
}

export const serveCommand: Subcommand = {
  name: 'serve',
  summary: 'listen and hand each connection to a handler module on a pool thread',
  usage: `tcpcmd serve --handler FILE [--port N] [--address ADDR] [--threads N] [--backlog N]
              [--cert FILE --key FILE]

  --handler FILE   module whose default export is called as handler(socket, { address, port })
  --port N         port number or service name (default 0: the OS chooses; printed at start)
  --address ADDR   local address (default: all interfaces; 127.0.0.1 for loopback only)
  --threads N      pool threads (default 2)
  --backlog N      connections waiting for a thread before new ones are refused (default 64)
  --cert, --key    serve TLS with this certificate and key (file names; relative to the working directory)

  Prints "listening on ADDR:PORT"; on SIGINT or SIGTERM stops accepting, waits up to 10 s
  for running handlers and prints the counts.`,
  async run(args) {
    const { values } = parseArgs({
      args,
      options: {
        handler: { type: 'string' },
        port: { type: 'string', default: '0' },
        address: { type: 'string' },
        threads: { type: 'string' },
        backlog: { type: 'string' },
        cert: { type: 'string' },
        key: { type: 'string' },
      },
    });
    if (values.handler === undefined) throw new UsageError('--handler FILE is required');
    if (!existsSync(values.handler)) throw new UsageError(`no such handler: ${values.handler}`);
    if ((values.cert === undefined) !== (values.key === undefined)) throw new UsageError('--cert and --key go together');
    const port = /^\d+$/.test(values.port) ? Number(values.port) : values.port;
    const threads = whole('threads', values.threads, 1);
    const backlog = whole('backlog', values.backlog, 1);
    let server;
    try {
      server = await serve({
        handler: values.handler,
        port,
        address: values.address,
        threads,
        backlog,
        cert: values.cert,
        key: values.key,
      });
    } catch (error) {
      console.error(`tcpcmd serve: ${(error as Error).message}`);
      return EXIT_FAILED;
    }
    console.log(`listening on ${server.address}:${server.port}`);
    const signal = await new Promise<string>((resolve) => {
      process.once('SIGINT', () => resolve('SIGINT'));
      process.once('SIGTERM', () => resolve('SIGTERM'));
    });
    console.log(`${signal}: closing`);
    const closed = await server.close();
    const stats = server.stats();
    console.log(
      `accepted ${stats.accepted}, completed ${closed.completed}, failed ${stats.failed}, refused ${stats.refused}, abandoned ${closed.abandoned}`,
    );
    return EXIT_OK;
  },
};
