/**
 * Context switches of another process, for the serve() figures (issue 27): per thread from
 * /proc/PID/task/TID/status (`voluntary_ctxt_switches`, `nonvoluntary_ctxt_switches`) and
 * its name (/proc/PID/task/TID/comm). A sum over the threads alive now: a thread that ended
 * between two snapshots takes its switches with it (ThreadingTCPServer ends a thread per
 * connection), so the servers also report their own getrusage(RUSAGE_SELF) totals, which
 * keep an ended thread's switches (ServerProcess.rusage in serve-throughput.ts).
 */
import { readdirSync, readFileSync } from 'node:fs';

export interface Switches {
  voluntary: number;
  forced: number;
}

export interface ThreadSwitches extends Switches {
  tid: number;
  name: string;
}

/** Every thread of `pid` alive now, with its switch counts so far (threads that vanish while read are left out). */
export function threadSwitches(pid: number): ThreadSwitches[] {
  const threads: ThreadSwitches[] = [];
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return threads;
  }
  for (const tid of tids) {
    try {
      const status = readFileSync(`/proc/${pid}/task/${tid}/status`, 'utf8');
      const name = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
      threads.push({
        tid: Number(tid),
        name,
        voluntary: Number(/voluntary_ctxt_switches:\s+(\d+)/.exec(status)![1]),
        forced: Number(/nonvoluntary_ctxt_switches:\s+(\d+)/.exec(status)![1]),
      });
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return threads;
}

/** Per-thread growth between two snapshots; a thread born in between counts from 0. */
export function switchesBetween(before: ThreadSwitches[], after: ThreadSwitches[]): ThreadSwitches[] {
  const earlier = new Map(before.map((t) => [t.tid, t]));
  return after.map((t) => {
    const b = earlier.get(t.tid);
    return { ...t, voluntary: t.voluntary - (b?.voluntary ?? 0), forced: t.forced - (b?.forced ?? 0) };
  });
}

export function total(threads: Switches[]): Switches {
  return threads.reduce((sum, t) => ({ voluntary: sum.voluntary + t.voluntary, forced: sum.forced + t.forced }), { voluntary: 0, forced: 0 });
}

/**
 * Which thread is which, for a delta of one of the bench's server processes: `main` (the
 * thread the process started with), threads that named themselves (the bench's handlers
 * name their pool threads `pool`), and in our server the `engine`: the busiest other
 * thread called `node` (the rest, V8's and libuv's helper threads, switch a few times a
 * second while the engine switches once or more per request; sampling where a thread
 * waits did not do: a spinning engine is not in epoll_wait). The rest is `other`
 * (Python's per-connection threads too).
 */
export function roles(pid: number, delta: ThreadSwitches[], findEngine: boolean): Record<string, Switches & { threads: number }> {
  const byRole: Record<string, Switches & { threads: number }> = {};
  for (const [t, role] of threadRoles(pid, delta, findEngine)) {
    const r = (byRole[role] ??= { voluntary: 0, forced: 0, threads: 0 });
    r.voluntary += t.voluntary;
    r.forced += t.forced;
    r.threads++;
  }
  return byRole;
}

/** Each thread of a delta with its role (see roles()). */
export function threadRoles(pid: number, delta: ThreadSwitches[], findEngine: boolean): Map<ThreadSwitches, string> {
  let engine: ThreadSwitches | undefined;
  if (findEngine) {
    for (const t of delta) {
      if (t.tid === pid || t.name !== 'node') continue;
      if (engine === undefined || t.voluntary + t.forced > engine.voluntary + engine.forced) engine = t;
    }
  }
  return new Map(delta.map((t) => [t, t.tid === pid ? 'main' : t === engine ? 'engine' : t.name === 'node' || t.name === 'python3' ? 'other' : t.name]));
}

/** What a server process switched while `load` ran: /proc's live threads, per role, and its own getrusage total. */
export interface SwitchMeasure {
  proc: Switches;
  rusage: Switches;
  roles: Record<string, Switches & { threads: number }>;
}

export async function measureSwitches<T>(
  server: { pid: number; rusage(): Promise<Switches> },
  findEngine: boolean,
  load: () => Promise<T>,
): Promise<{ result: T; switches: SwitchMeasure }> {
  const usageBefore = await server.rusage();
  const before = threadSwitches(server.pid);
  const result = await load();
  const after = threadSwitches(server.pid);
  const usageAfter = await server.rusage();
  const delta = switchesBetween(before, after);
  return {
    result,
    switches: {
      proc: total(delta),
      rusage: { voluntary: usageAfter.voluntary - usageBefore.voluntary, forced: usageAfter.forced - usageBefore.forced },
      roles: roles(server.pid, delta, findEngine),
    },
  };
}
