// A node:net client of line request/answer servers (request handlers that answer each
// line with one line): ask a line, get the answer line. Every failure is a value, never
// thrown: 'error: <code>', or 'error: closed' when the server closed before answering.
import net from 'node:net';

export interface LineConnection {
  /** Sends a line, resolves with the answer line or an error text starting with 'error:'. */
  ask(line: string): Promise<string>;
  /** Closes (FIN) and resolves once the server has closed too (or the connection broke). */
  end(): Promise<void>;
  /** Resolves when the connection has closed, whoever closed it. */
  readonly closed: Promise<void>;
}

/** `port`: a TCP port of `host`, or a Unix-domain socket path. */
export function lineConnection(port: number | string, host = '127.0.0.1'): LineConnection {
  const socket = typeof port === 'string' ? net.connect(port) : net.connect(port, host);
  let buffered = '';
  let failure: string | undefined;
  let waiting: ((line: string) => void) | undefined;
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  const deliver = (): void => {
    if (waiting === undefined) return;
    const end = buffered.indexOf('\n');
    if (end >= 0) {
      const line = buffered.slice(0, end);
      buffered = buffered.slice(end + 1);
      const resolve = waiting;
      waiting = undefined;
      resolve(line);
    } else if (failure !== undefined) {
      const resolve = waiting;
      waiting = undefined;
      resolve(`error: ${failure}`);
    }
  };
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    buffered += chunk;
    deliver();
  });
  socket.on('error', (error: NodeJS.ErrnoException) => {
    failure ??= error.code ?? error.message;
    deliver();
  });
  socket.on('end', () => {
    failure ??= 'closed';
    deliver();
  });
  socket.on('close', () => {
    failure ??= 'closed';
    deliver();
  });
  return {
    ask(line) {
      const answer = new Promise<string>((resolve) => (waiting = resolve));
      if (failure === undefined) socket.write(`${line}\n`);
      deliver();
      return answer;
    },
    end() {
      socket.end();
      return closed;
    },
    closed,
  };
}
