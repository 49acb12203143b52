/** tcpcmd serve: serve() from the command line, until SIGINT or SIGTERM. */
import { parseArgs } from 'node:util';
import { serve } from '../server/serve.js';
import type { ServeStats, TcpServer } from '../serve-types.js';
import { EXIT_FAILED, EXIT_OK, type Subcommand, UsageError } from './command.js';
import { isUnixAddress } from '../unix-address.js';
import { notifySystemd, systemdListenFd } from '../operate/systemd.js';
import { type PidFile, writePidFile } from './pid-file.js';

function whole(name: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number < min) throw new UsageError(`--${name} must be a whole number >= ${min}`);
  return number;
}

/** --mode: permissions in octal, as chmod takes them ('660', '0660', '0o660'). */
function octalMode(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const match = /^(?:0o?)?([0-7]{1,3})$/.exec(value.trim());
  if (match === null) throw new UsageError('--mode must be octal permissions, e.g. 660');
  return parseInt(match[1]!, 8);
}

function timeoutFlag(name: string, value: string | undefined): number | 'infinite' | undefined {
  if (value === undefined) return undefined;
  if (value.trim().toLowerCase() === 'infinite') return 'infinite';
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0 || number > 0x7fffffff) throw new UsageError(`--${name} must be a whole number of ms or 'infinite'`);
  return number;
}

/** One line of live counts, for SIGUSR2 and --stats-interval. */
export function statsLine(stats: ServeStats): string {
  if (stats.handler === 'datagram') {
    return `stats: datagram handler, busy threads ${stats.busyThreads}, datagrams ${stats.datagrams}, failed ${stats.failed}, dropped ${stats.dropped}`;
  }
  return (
    `stats: ${stats.handler} handler, busy threads ${stats.busyThreads}, idle connections ${stats.idle}, ` +
    `waiting for a thread ${stats.queued}, requests ${stats.requests}, accepted ${stats.accepted}, ` +
    `completed ${stats.completed}, failed ${stats.failed}, refused ${stats.refused}, handshake failures ${stats.handshakeFailures}`
  );
}

export const serveCommand: Subcommand = {
  name: 'serve',
  summary: 'listen and serve connections with a handler module on pool threads',
  usage: `tcpcmd serve --handler FILE [--port N] [--address ADDR [--mode OCTAL]] [--threads N] [--backlog N]
              [--timeout MS] [--idle-timeout MS] [--stats-interval S] [--cert FILE --key FILE
              [--verify-client N] [--client-ca DIR] [--sni NAME=CERT,KEY;...]]
              [--processes N [--grace S] [--drain-idle MS]] [--proxy]
              [--metrics-port N [--metrics-address ADDR]] [--agent-port N [--agent-address ADDR]]
              [--log-format text|json] [--log-level error|warn|info] [--pid-file FILE]
       tcpcmd serve --udp --handler FILE [--port N] [--address ADDR] [--threads N] [--stats-interval S]
              [--pid-file FILE]

  --handler FILE      module exporting request(socket, { address, port }) (called when a
                      connection has bytes; between requests it waits without a thread) or
                      a default export (called once per connection, owning it)
  --port N            port number or service name (default 0: the OS chooses; printed at start)
  --address ADDR      local address (default: all interfaces; 127.0.0.1 for loopback only);
                      a path (/run/app.sock) or @name: a Unix-domain socket (no port)
  --mode OCTAL        the Unix-domain socket file's permissions, e.g. 660 (default: the umask's)
  --threads N         pool threads (default 2)
  --backlog N         connections waiting for a thread before new ones are refused (default 64;
                      connection handlers)
  --timeout MS        each connection's time-out for a receive or send inside the handler
                      (default 30000; 'infinite' for none): the command gives -522
  --idle-timeout MS   request handlers: a connection idle this long between requests is
                      closed (default 60000; 'infinite' for none)
  --stats-interval S  print the live counts every S seconds (also on SIGUSR2)
  --cert, --key       serve TLS with this certificate and key (file names; relative to the
                      working directory); SIGHUP reads them again (and --sni's, --client-ca's)
                      for new handshakes; a certificate within 14 days of expiry is reported
                      at start and once a day
  --verify-client N   TLS client certificates: 0 none (default), 1 request (none is allowed,
                      one sent must verify), 2 require
  --client-ca DIR     the CAs client certificates are verified against (default: the trust
                      store folder, certs/cacerts)
  --sni LIST          certificates by server name: 'a.example=a.pem,a.key;b.example=b.pem,b.key';
                      other names get --cert/--key
  --processes N       N serving processes sharing the port, each with its own engine and
                      --threads threads; SIGHUP reloads them gracefully, the new ones
                      reading the certificate files afresh (docs/scaling.md)
  --grace S           seconds a draining process may finish its connections (default 10)
  --drain-idle MS     request handlers: a draining process closes a connection once it has
                      waited this long for its next request (default 2000; 'infinite': at
                      the end of --grace)
  --proxy             each connection starts with a PROXY protocol v1/v2 header (HAProxy's
                      send-proxy / send-proxy-v2): handlers see the client's address
  --metrics-port N    serve Prometheus metrics over HTTP at http://ADDR:N/metrics (with
                      --processes: added up over the processes, served by the supervisor)
  --metrics-address A the metrics endpoint's local address (default: all interfaces)
  --agent-port N      answer HAProxy's agent-check on port N: 'up ready W%' (W: the share of
                      threads free), 'drain' (closing, reloading) or 'down' (no thread can
                      serve); HAProxy: server ... agent-check agent-port N
  --agent-address A   the agent's local address (default: all interfaces)
  --log-format F      text (default) or json: one JSON object per line on stderr (time, level,
                      event, peer, socket, code, message, the handler's error with its stack)
  --log-level L       error, warn (adds TLS handshake failures, certificate expiry) or info
                      (default: everything); repeats are limited either way: a few lines
                      per kind per 10 s, then a summary
  --udp               serve datagrams: FILE exports datagram(socket, data, { address, port,
                      size }), called on a pool thread per datagram; it answers with
                      UDPSendTo(socket, from.address, from.port, reply) (one process: not
                      with --processes, --cert or --proxy)

  Under systemd: a listening socket it passes (socket activation: LISTEN_PID, LISTEN_FDS,
  descriptor 3) is served instead of --port/--address; with NOTIFY_SOCKET (Type=notify)
  READY=1 is sent once serving, RELOADING=1 and READY=1 around a SIGHUP reload,
  STOPPING=1 on SIGTERM/SIGINT (examples/systemd/).

  --pid-file FILE     write the server's process id to FILE once it listens (relative: the
                      working directory's); removed at exit. Signal the server through it:
                      kill -USR2 "$(cat FILE)"

  Prints "listening on ADDR:PORT" once every thread has loaded the handler; a handler that
  cannot be loaded is reported and the exit code is 1. On SIGUSR2 prints the live counts;
  on SIGINT or SIGTERM stops accepting, waits up to 10 s (--grace) for running handlers
  and prints the counts.

  Signals must reach the server's own process. Started as "npx tcpcmd serve ... &", the
  job (%1) is npm, which does not pass SIGHUP or SIGUSR2 on (and SIGUSR1 opens npm's
  debugger): use --pid-file, or start node_modules/.bin/tcpcmd directly.`,
  async run(args) {
    const { values } = parseArgs({
      args,
      options: {
        handler: { type: 'string' },
        port: { type: 'string', default: '0' },
        address: { type: 'string' },
        mode: { type: 'string' },
        threads: { type: 'string' },
        backlog: { type: 'string' },
        timeout: { type: 'string' },
        'idle-timeout': { type: 'string' },
        'stats-interval': { type: 'string' },
        cert: { type: 'string' },
        key: { type: 'string' },
        'verify-client': { type: 'string' },
        'client-ca': { type: 'string' },
        sni: { type: 'string' },
        processes: { type: 'string' },
        grace: { type: 'string' },
        'drain-idle': { type: 'string' },
        proxy: { type: 'boolean' },
        udp: { type: 'boolean' },
        'metrics-port': { type: 'string' },
        'metrics-address': { type: 'string' },
        'agent-port': { type: 'string' },
        'agent-address': { type: 'string' },
        'log-format': { type: 'string' },
        'log-level': { type: 'string' },
        'pid-file': { type: 'string' },
      },
    });
    if (values.handler === undefined) throw new UsageError('--handler FILE is required');
    if ((values.cert === undefined) !== (values.key === undefined)) throw new UsageError('--cert and --key go together');
    const tlsOnly = (['verify-client', 'client-ca', 'sni'] as const).filter((name) => values[name] !== undefined);
    if (tlsOnly.length > 0 && values.cert === undefined) throw new UsageError(`${tlsOnly.map((name) => `--${name}`).join(', ')} go with --cert and --key`);
    const verifyClient = whole('verify-client', values['verify-client'], 0);
    if (verifyClient !== undefined && verifyClient > 2) throw new UsageError('--verify-client must be 0, 1 or 2');
    const udp = values.udp === true;
    if (udp) {
      const streamOnly = ['processes', 'cert', 'proxy', 'backlog', 'timeout', 'idle-timeout', 'grace', 'drain-idle'] as const;
      const used = streamOnly.filter((name) => values[name] !== undefined);
      if (used.length > 0) throw new UsageError(`--udp does not go with ${used.map((name) => `--${name}`).join(', ')}`);
    }
    const port = /^\d+$/.test(values.port) ? Number(values.port) : values.port;
    const mode = octalMode(values.mode);
    if (mode !== undefined && (values.address === undefined || !isUnixAddress(values.address))) throw new UsageError('--mode goes with --address PATH');
    const threads = whole('threads', values.threads, 1);
    const backlog = whole('backlog', values.backlog, 1);
    const processes = whole('processes', values.processes, 1);
    const grace = whole('grace', values.grace, 0);
    if (grace !== undefined && processes === undefined) throw new UsageError('--grace goes with --processes');
    const drainIdleTimeout = timeoutFlag('drain-idle', values['drain-idle']);
    if (drainIdleTimeout !== undefined && processes === undefined) throw new UsageError('--drain-idle goes with --processes');
    const timeout = timeoutFlag('timeout', values.timeout);
    const idleTimeout = timeoutFlag('idle-timeout', values['idle-timeout']);
    const statsInterval = whole('stats-interval', values['stats-interval'], 1);
    const metricsPort = whole('metrics-port', values['metrics-port'], 0);
    if (metricsPort !== undefined && metricsPort > 65535) throw new UsageError('--metrics-port must be a port number (0..65535)');
    if (values['metrics-address'] !== undefined && metricsPort === undefined) throw new UsageError('--metrics-address goes with --metrics-port');
    const metrics = metricsPort === undefined ? undefined : { port: metricsPort, address: values['metrics-address'] };
    const agentPort = whole('agent-port', values['agent-port'], 0);
    if (agentPort !== undefined && agentPort > 65535) throw new UsageError('--agent-port must be a port number (0..65535)');
    if (values['agent-address'] !== undefined && agentPort === undefined) throw new UsageError('--agent-address goes with --agent-port');
    const logFormat = values['log-format'];
    if (logFormat !== undefined && logFormat !== 'text' && logFormat !== 'json') throw new UsageError('--log-format must be text or json');
    const logLevel = values['log-level'];
    if (logLevel !== undefined && logLevel !== 'error' && logLevel !== 'warn' && logLevel !== 'info') throw new UsageError('--log-level must be error, warn or info');
    // systemd's socket activation: its socket, not one bound here.
    const listenFd = udp ? undefined : systemdListenFd();
    let server: TcpServer;
    try {
      server = await serve({
        listenFd,
        handler: values.handler,
        port,
        address: values.address,
        mode,
        threads,
        backlog,
        timeout,
        idleTimeout,
        cert: values.cert,
        key: values.key,
        verifyClient: verifyClient as 0 | 1 | 2 | undefined,
        clientCa: values['client-ca'],
        sni: values.sni,
        proxy: values.proxy,
        processes,
        graceMs: grace === undefined ? undefined : grace * 1000,
        drainIdleTimeout,
        udp: udp ? true : undefined,
        metrics,
        agentPort,
        agentAddress: values['agent-address'],
        log: logFormat,
        logLevel,
      });
    } catch (error) {
      console.error(`tcpcmd serve: ${error instanceof Error ? error.message : String(error)}`);
      return EXIT_FAILED;
    }
    // Every signal is heard before the pid file names this process and "listening on" is
    // printed: whoever signals it on seeing either finds a handler, not Node's default
    // (SIGUSR2 and SIGTERM would end the process, SIGHUP too).
    const stopSignal = new Promise<string>((resolve) => {
      process.once('SIGINT', () => resolve('SIGINT'));
      process.once('SIGTERM', () => resolve('SIGTERM'));
    });
    const printStats = (): void => console.log(statsLine(server.stats()));
    // SIGUSR2: Node reserves SIGUSR1 for its inspector. SIGUSR1 is still heard here, as
    // before: a listener keeps the inspector from opening in the server's process.
    process.on('SIGUSR2', printStats);
    process.on('SIGUSR1', printStats);
    const ticker = statsInterval === undefined ? undefined : setInterval(printStats, statsInterval * 1000);
    // With --processes a reload starts new processes, which read the certificate files;
    // in one process SIGHUP reads the certificate files again for new handshakes.
    const reload = server.reload?.bind(server) ?? (values.cert === undefined ? undefined : server.reloadCertificates?.bind(server));
    if (reload !== undefined) {
      process.on('SIGHUP', () => {
        console.log('SIGHUP: reloading');
        void notifySystemd('RELOADING=1');
        reload().then(
          () => {
            console.log('reloaded');
            void notifySystemd('READY=1');
          },
          (error: Error) => {
            void notifySystemd('READY=1');
            console.error(`tcpcmd serve: reload failed, the old ${processes === undefined ? 'certificates' : 'processes'} go on: ${error.message}`);
          },
        );
      });
    }
    let pidFile: PidFile | undefined;
    if (values['pid-file'] !== undefined) {
      try {
        pidFile = writePidFile(values['pid-file']);
      } catch (error) {
        console.error(`tcpcmd serve: cannot write the pid file: ${error instanceof Error ? error.message : String(error)}`);
        clearInterval(ticker);
        await server.close();
        return EXIT_FAILED;
      }
    }
    const where = isUnixAddress(server.address) ? server.address : `${server.address}:${server.port}`;
    console.log(`listening on ${where}${processes === undefined ? '' : ` (${processes} processes)`}${udp ? ' (udp)' : ''}`);
    if (server.metricsPort !== undefined) console.log(`metrics on http://${metrics?.address ?? '*'}:${server.metricsPort}/metrics`);
    if (server.agentPort !== undefined) console.log(`agent-check on ${values['agent-address'] ?? '*'}:${server.agentPort}`);
    void notifySystemd('READY=1', `STATUS=listening on ${where}`);
    const signal = await stopSignal;
    clearInterval(ticker);
    process.off('SIGUSR2', printStats);
    process.off('SIGUSR1', printStats);
    console.log(`${signal}: closing`);
    await notifySystemd('STOPPING=1');
    const closed = await server.close();
    pidFile?.remove(); // closed: nothing there to signal any more
    const stats = server.stats();
    if (udp) {
      console.log(`datagrams ${stats.datagrams}, failed ${stats.failed}, dropped ${stats.dropped}, abandoned ${closed.abandoned}`);
      return EXIT_OK;
    }
    console.log(
      // The same counts as the live line's (completed: connection handlers that returned;
      // requests: request handler calls), not close()'s sum of both.
      `accepted ${stats.accepted}, requests ${stats.requests}, completed ${stats.completed}, failed ${stats.failed}, refused ${stats.refused}, abandoned ${closed.abandoned}`,
    );
    return EXIT_OK;
  },
};
