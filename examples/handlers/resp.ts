// serve() request handler speaking RESP, the Redis protocol: redis-cli and
// redis-benchmark can talk to it.
//   tcpcmd serve --handler examples/handlers/resp.ts --port 6380 --threads 1
//   redis-cli -p 6380 set greeting hello; redis-cli -p 6380 get greeting
//
// `request` is called when a connection has bytes to read, on whichever pool thread is
// free; between requests the connection waits in the engine, holding no thread. So the
// handler reads whole commands and returns at a command boundary: it answers every
// complete command it has read (a pipelining client sends several at once) and, if its
// last read ended inside a command, reads on until that command is complete.
//
// Time-outs: a client that stops in the middle of a command makes TCPReceive give -522
// after serve()'s `timeout` (30 s by default): the handler closes the connection. Idle
// clients between commands are closed by the engine after `idleTimeout`.
//
// The key/value store is a Map of this pool thread: with --threads N > 1, each thread
// has its own (a real server would keep it elsewhere). PING, ECHO, SET, GET, DEL, INCR,
// EXISTS, DBSIZE, COMMAND, CONFIG GET and QUIT are understood.
import { TCPClose, TCPReceive, TCPSend, type Peer } from 'tcp-commands';

const store = new Map<string, Buffer>();
const CRLF = Buffer.from('\r\n');
/** A command bigger than this is refused (a closed connection), not buffered for ever. */
const MAX_COMMAND_BYTES = 1024 * 1024;

/** One parsed command, and how many bytes of the input it took; undefined: incomplete. */
function parseCommand(input: Buffer, start: number): { args: Buffer[]; end: number } | undefined {
  if (start >= input.length) return undefined;
  if (input[start] !== 0x2a /* '*' */) {
    // An inline command (what a person types into telnet): words up to CRLF.
    const eol = input.indexOf(CRLF, start);
    if (eol < 0) return undefined;
    const words = input.subarray(start, eol).toString('latin1').trim().split(/\s+/).filter((w) => w !== '');
    return { args: words.map((w) => Buffer.from(w, 'latin1')), end: eol + 2 };
  }
  let at = input.indexOf(CRLF, start);
  if (at < 0) return undefined;
  const count = Number(input.subarray(start + 1, at).toString('latin1'));
  at += 2;
  const args: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const eol = input.indexOf(CRLF, at);
    if (eol < 0) return undefined;
    const length = Number(input.subarray(at + 1, eol).toString('latin1'));
    const from = eol + 2;
    if (input.length < from + length + 2) return undefined;
    args.push(input.subarray(from, from + length));
    at = from + length + 2;
  }
  return { args, end: at };
}

const bulk = (value: Buffer | undefined): Buffer =>
  value === undefined ? Buffer.from('$-1\r\n') : Buffer.concat([Buffer.from(`$${value.length}\r\n`), value, CRLF]);

function execute(args: Buffer[]): Buffer {
  const name = (args[0]?.toString('latin1') ?? '').toUpperCase();
  const key = args[1]?.toString('latin1') ?? '';
  switch (name) {
    case 'PING':
      return args.length > 1 ? bulk(args[1]) : Buffer.from('+PONG\r\n');
    case 'ECHO':
      return bulk(args[1]);
    case 'SET':
      store.set(key, Buffer.from(args[2] ?? Buffer.alloc(0)));
      return Buffer.from('+OK\r\n');
    case 'GET':
      return bulk(store.get(key));
    case 'DEL':
    case 'EXISTS': {
      let n = 0;
      for (const arg of args.slice(1)) {
        const k = arg.toString('latin1');
        if (store.has(k)) n++;
        if (name === 'DEL') store.delete(k);
      }
      return Buffer.from(`:${n}\r\n`);
    }
    case 'INCR': {
      const next = Number(store.get(key)?.toString('latin1') ?? '0') + 1;
      if (!Number.isInteger(next)) return Buffer.from('-ERR value is not an integer or out of range\r\n');
      store.set(key, Buffer.from(String(next)));
      return Buffer.from(`:${next}\r\n`);
    }
    case 'DBSIZE':
      return Buffer.from(`:${store.size}\r\n`);
    case 'COMMAND':
      return Buffer.from('*0\r\n'); // what redis-cli asks at start
    case 'CONFIG': {
      // CONFIG GET name...: each name with an empty value (redis-benchmark asks at start)
      const names = args.slice(2);
      return Buffer.concat([Buffer.from(`*${names.length * 2}\r\n`), ...names.flatMap((n) => [bulk(n), bulk(Buffer.alloc(0))])]);
    }
    default:
      return Buffer.from(`-ERR unknown command '${name.toLowerCase()}'\r\n`);
  }
}

export function request(socket: number, _peer: Peer): void {
  const chunk = new Uint8Array(64 * 1024);
  let input = Buffer.alloc(0);
  for (;;) {
    const n = TCPReceive(socket, chunk);
    if (n <= 0) {
      TCPClose(socket); // the client left mid-command (0), or an error / the time-out (< 0)
      return;
    }
    input = input.length === 0 ? Buffer.from(chunk.subarray(0, n)) : Buffer.concat([input, chunk.subarray(0, n)]);
    const replies: Buffer[] = [];
    let at = 0;
    let quit = false;
    for (let command = parseCommand(input, at); command !== undefined; command = parseCommand(input, at)) {
      at = command.end;
      if (command.args.length === 0) continue;
      if (command.args[0]!.toString('latin1').toUpperCase() === 'QUIT') {
        replies.push(Buffer.from('+OK\r\n'));
        quit = true;
        break;
      }
      replies.push(execute(command.args));
    }
    if (replies.length > 0 && TCPSend(socket, replies.length === 1 ? replies[0]! : Buffer.concat(replies)) < 0) quit = true;
    input = input.subarray(at);
    if (quit || input.length > MAX_COMMAND_BYTES) {
      TCPClose(socket);
      return;
    }
    if (input.length === 0) return; // at a command boundary: the connection goes back to the engine
  }
}
