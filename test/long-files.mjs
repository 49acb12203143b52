// Which test files CI runs on one Node line only (issue 29: CI under 10 minutes).
//
// `npm test` runs every file. .ci/run runs every file on the machine's node, and on the
// other lines (22, 24) only the core set: every test file not named here (ava.config.js
// leaves these out when TCP_TEST_SET=core). The core set is what a Node version can
// change: worker threads, Atomics and the engine thread, node:net and node:dgram, node:tls
// and the OpenSSL it ships, module loading and type stripping, process exit. A file here is
// either long (its own processes, packages, daemons, load) and proves something that no
// Node line changes beyond what the core set already shows, or it checks the repository
// rather than the runtime. Its reason stands beside it.
//
// Keep each reason true: a file whose subject comes to depend on the Node version belongs
// in the core set, whatever it costs.

/** @type {ReadonlyArray<readonly [file: string, why: string]>} */
export const oneLineFiles = [
  // Long: serving processes started, reloaded and killed (tens of seconds each). The
  // process manager is ours; the commands the processes run are in the core set.
  ['test/processes.test.ts', 'serving processes: restarts, reloads under a client loop, SIGTERM (~35 s)'],
  ['test/processes-load.test.ts', 'serving processes under 64 clients through reloads and kill -9s (~40 s)'],
  ['test/processes-drain.test.ts', 'a draining serving process and drainIdleTimeout (~15 s)'],
  ['test/cli-serve-tls.test.ts', 'tcpcmd serve --processes with TLS: SIGHUP re-reads certificates (~25 s)'],
  ['test/systemd.test.ts', 'tcpcmd serve under systemd socket activation, a process tree of its own'],
  // Packaging: npm pack, npm install into a fresh project, tsc twice (~50 s); the tarball
  // is the same whichever Node packs it.
  ['test/packaging.test.ts', 'npm pack + install + tsc: the published package (~50 s)'],
  // HAProxy and its agent-check: real HAProxy processes in front of tcpcmd serve machines.
  ['test/haproxy.test.ts', 'a real HAProxy over two tcpcmd serve machines, one killed under load'],
  ['test/haproxy-agent.test.ts', "HAProxy's agent-check against tcpcmd serve, read from its stats socket"],
  ['test/agent.test.ts', "serve({ agentPort }): HAProxy's agent protocol; serving logic, no runtime difference"],
  // Daemon peers: Debian's nginx, redis-server, dnsmasq, tftpd-hpa, prometheus, ab and
  // redis-benchmark. The commands they exercise are in the core set against Python peers.
  ['test/unix-serve.test.ts', 'curl, nginx and redis-server on a Unix-domain socket'],
  ['test/udp-peers.test.ts', 'dnsmasq and tftpd-hpa as datagram peers, multicast'],
  ['test/examples.test.ts', 'the examples against redis-server and Python peers, npm start (~25 s)'],
  ['test/metrics.test.ts', 'a real Prometheus scrapes /metrics; promtool checks it'],
  ['test/serve-requests.test.ts', 'request handlers under redis-benchmark and ab load (~40 s, serial)'],
  ['test/serve-udp.test.ts', 'datagram serving: tcpcmd serve --udp processes, signals (~25 s)'],
  ['test/logs.test.ts', "serve()'s log under a garbage-handshake flood for seconds; jq"],
  // Load, fuzz and chaos: counts sized for one line. .ci/run gives chaos 30 s on each path
  // (the machine's line and the engine path).
  ['test/reliability.test.ts', '10,000 open/close cycles, 1 GiB sent, 200 connections x 20 requests (~25 s)'],
  ['test/fuzz.test.ts', 'property-based fuzzing from two threads (also run on the engine path)'],
  ['test/chaos.test.ts', 'the chaos test: 30 s per path in CI'],
  // Our own logic above the commands, the same JavaScript on every line: parsers, framing,
  // encodings, argument checks, buffers. The commands beneath it (and the engine's reads
  // and writes) run on every line in the core set; these also run on the engine path or
  // with the machine's node.
  ['test/bad-input.test.ts', 'every bad argument gets its documented code (argument checks)'],
  ['test/framing.test.ts', 'typed binary framing against a Python struct peer'],
  ['test/gathered-send.test.ts', 'one atomic send of parts, checked by a Python peer'],
  ['test/holders.test.ts', 'buffers and holders refused before bytes are taken'],
  ['test/names.test.ts', 'host names, ports and time-outs at their edges'],
  ['test/receive-until.test.ts', 'TCPReceiveUntil on cut lines (also run on the engine path)'],
  ['test/utf8.test.ts', 'a character split across segments, at every split point'],
  ['test/text-encoding.test.ts', 'Character fields and encodings, checked by Python codecs'],
  ['test/proxy-protocol.test.ts', 'the PROXY protocol parser and listeners reading it'],
  ['test/events.test.ts', 'the event-style API on top of the commands'],
  ['test/bulk.test.ts', '64 MiB each way through a Python peer, by SHA-256 (the core set sends 16 MiB over TLS)'],
  ['test/serve-start.test.ts', 'serve() started under traffic'],
  ['test/cli-certs.test.ts', 'tcpcmd certs against openssl s_server processes'],
  ['test/test-hooks.test.ts', 'test hooks refused by an engine started without them'],
  // The repository, not the runtime: the same answer on every Node line.
  ['test/architecture.test.ts', 'import layers of the sources'],
  ['test/protocol.test.ts', "the wire protocol's tables agree with themselves"],
  ['test/delimiter-search.test.ts', 'a pure function against a plain search'],
  ['test/backoff.test.ts', 'restart back-off arithmetic'],
  ['test/readme.test.ts', "the README's samples run as written (tcpcmd children, ~25 s)"],
  ['test/messages.test.ts', 'error printing of our own describeError and tcpcmd run'],
  ['test/docs-build.test.ts', 'TypeDoc over the declarations: the same on every line'],
  // The newcomer's path: npm 10 and 11 install the tarball in fresh projects from the
  // registry, TypeScript 5 and 7 type-check, npx tcpcmd serve in the background (~2 min).
  ['test/newcomer.test.ts', 'fresh projects installing the tarball from the registry, npm 10 and 11 (~2 min)'],
  ['test/error-detail.test.ts', "our own parameter table and hints: the same JavaScript on every line"],
];

/** The files alone. */
export const oneLine = oneLineFiles.map(([file]) => file);
