/**
 * HAProxy's agent-check (docs/operating.md): serve({ agentPort }) listens on a TCP
 * port of its own; HAProxy (`agent-check agent-port N` on a server line) connects every
 * `agent-inter`, reads one line and the close, and sets the server's state from it:
 *
 *   up ready 75%   serving; the weight is the share of the threads free now (at least 1%);
 *                  `ready` ends a drain HAProxy was told of before
 *   drain          closing, or reloading (processes): send no new connections, let the
 *                  ones open finish
 *   down           no thread can serve: every one died, or the handler no longer loads
 *
 * Served from the process that called serve() (with `processes`, the supervisor, from its
 * children's counts), on node:net: no engine socket, no pool thread.
 */
import net from 'node:net';

/** What a server's HAProxy agent-check says: up with a weight, drain, or down with a reason. */
export type Health =
  | {
      /** Serving. */
      state: 'up';
      /** The share of the threads free now, 1..100: HAProxy's weight for it. */
      weightPercent: number;
    }
  | {
      /** Closing or reloading: no new connections, the open ones go on. */
      state: 'drain';
    }
  | {
      /** No thread can serve. */
      state: 'down';
      /** Why, for HAProxy's log. */
      reason: string;
    };

/** A server whose health the agent reports: what serve() returns. */
export interface CheckedServer {
  health(): Health;
}

/** The weight: free threads of the live ones, as a share of all (1% at least: a busy server still queues). */
export function weightOf(threads: number, live: number, busy: number): number {
  if (threads <= 0) return 1;
  return Math.min(100, Math.max(1, Math.round((100 * Math.max(0, live - busy)) / threads)));
}

/** The agent's line for a health. */
export function agentLine(health: Health): string {
  if (health.state === 'up') return `up ready ${health.weightPercent}%\n`;
  if (health.state === 'drain') return 'drain\n';
  // The text after '#' is HAProxy's description of the state (shown in its stats and logs).
  return `down #${health.reason.replace(/[\r\n]+/g, ' ')}\n`;
}

export interface AgentOptions {
  port: number;
  address?: string | undefined;
}

/** Listens; each connection gets the line of the moment, then the close. */
export async function startAgent(options: AgentOptions, server: CheckedServer): Promise<net.Server> {
  const agent = net.createServer((socket) => {
    socket.on('error', () => {}); // a checker that went away: nothing to tell it
    let line: string;
    try {
      line = agentLine(server.health());
    } catch (error) {
      line = agentLine({ state: 'down', reason: (error as Error).message });
    }
    socket.end(line);
  });
  await new Promise<void>((resolve, reject) => {
    agent.once('error', reject);
    agent.listen(options.port, options.address, () => {
      agent.off('error', reject);
      resolve();
    });
  });
  return agent;
}

export function agentPortOf(agent: net.Server): number {
  return (agent.address() as net.AddressInfo).port;
}
