// A node:net line client for the scaling tests: connect, read the greeting, send lines and
// read one answer line each. Every failure is reported as a value, never thrown.
import net from 'node:net';

export interface LineClient {
  readonly greeting: Promise<string>;
  /** Sends a line, resolves with the answer line (or an error text starting with 'error:'). */
  ask(line: string): Promise<string>;
  close(): void;
  readonly localPort: () => number | undefined;
}

export function lineClient(port: number, host = '127.0.0.1', localAddress?: string): LineClient {
  const socket = net.connect({ port, host, localAddress });
  let buffered = '';
  let failure: string | undefined;
  const waiting: Array<(line: string) => void> = [];
  const deliver = (): void => {
    let end: number;
    while (waiting.length > 0 && (end = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, end);
      buffered = buffered.slice(end + 1);
      waiting.shift()!(line);
    }
    if (failure !== undefined) for (const resolve of waiting.splice(0)) resolve(`error: ${failure}`);
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
  socket.on('close', () => {
    failure ??= 'closed';
    deliver();
  });
  const next = (): Promise<string> =>
    new Promise((resolve) => {
      waiting.push(resolve);
      deliver();
    });
  const greeting = next();
  return {
    greeting,
    ask(line) {
      const answer = next();
      if (failure === undefined) socket.write(`${line}\n`);
      return answer;
    },
    close: () => socket.end(),
    localPort: () => socket.localPort,
  };
}
