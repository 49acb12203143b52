// Clients in a tight request loop against a line request/answer server (the
// request-lines fixture: "<pid> <version> <line>"), for the reload and restart tests.
// Each client opens a connection, asks `perConnection` lines one after the other, closes
// it, and starts again, until stopped (or its deadline: the loops always end). A request
// without its own answer is an error, recorded under the phase the test has set.
import { lineConnection } from './line-connection.js';

export interface LoadClient {
  /** Answers since the last mark(). */
  answered: number;
  /** The pid that gave its latest answer. */
  pid: number;
}

export class RequestLoad {
  /** Errors are recorded under this. */
  phase = 'load';
  /** While set, clients keep their connection (no close, no new one). */
  hold = false;
  requests = 0;
  readonly clients: LoadClient[];
  private readonly errors = new Map<string, string[]>();
  private stopped = false;
  private readonly loops: Array<Promise<void>>;

  constructor(
    private readonly port: number,
    clients: number,
    private readonly perConnection: number,
    private readonly deadline = Date.now() + 150_000,
  ) {
    this.clients = Array.from({ length: clients }, () => ({ answered: 0, pid: 0 }));
    this.loops = this.clients.map((client, id) => this.loop(client, id));
  }

  /** The errors recorded under a phase so far. */
  errorsIn(phase: string): string[] {
    return this.errors.get(phase) ?? [];
  }

  /** Starts counting answers again from 0 for every client. */
  mark(): void {
    for (const client of this.clients) client.answered = 0;
  }

  /** Every client was answered since the last mark(). */
  everyAnswered(): boolean {
    return this.clients.every((client) => client.answered > 0);
  }

  /** Ends the loops (each after its request in flight) and waits for them. */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.loops);
  }

  private running(): boolean {
    return !this.stopped && Date.now() < this.deadline;
  }

  private async loop(client: LoadClient, id: number): Promise<void> {
    while (this.running()) {
      const connection = lineConnection(this.port);
      let broken = false;
      for (let i = 0; (i < this.perConnection || this.hold) && this.running(); i++) {
        const line = `c${id}-${this.requests++}`;
        const answer = await connection.ask(line);
        const fields = answer.split(' ');
        if (fields[2] !== line) {
          const list = this.errors.get(this.phase) ?? [];
          list.push(`${line}: ${answer}`);
          this.errors.set(this.phase, list);
          broken = true;
          break;
        }
        client.answered++;
        client.pid = Number(fields[0]);
      }
      if (!broken) await connection.end();
    }
  }
}
