/**
 * Where our server's context switches come from (issue 27): runs the serve() request
 * handler (bench/servers/ours.mjs, 2 threads; or the connection handler) under a 64-client load of PER_CONNECTION
 * requests per connection, records every sched_switch of the server process with its
 * stack (`perf record -e sched:sched_switch -g`; V8 writes /tmp/perf-PID.map for its
 * JIT frames), and prints the switches per request by thread and by the first JavaScript
 * or library frame under the blocking call. Needs perf and the sched tracepoints (root).
 *
 *   npx tsx bench/switch-stacks.ts [PER_CONNECTION=10] [SECONDS=2] [request|connection]
 *
 * `connection`: the connection handler (bench/handlers/reqres.mjs) instead. SWITCH_CALL_GRAPH
 * sets perf's --call-graph (default dwarf,32768: frame pointers lose the stack in libc's
 * futex wait; DWARF stops at the first JIT frame, so one JavaScript frame is all it shows).
 */
import { spawn, spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadGenerator, loadRun, REQUEST_HANDLER, startServerProcess } from './serve-throughput.js';
import { roles, switchesBetween, threadRoles, threadSwitches } from './switches.js';

const perConnection = Number(process.argv[2] ?? 10);
const seconds = Number(process.argv[3] ?? 2);
const handler = process.argv[4] === 'connection' ? '' : REQUEST_HANDLER;
const data = join(tmpdir(), `tcp-commands-switches-${process.pid}.data`);

// V8's flags through NODE_OPTIONS: a worker refuses them in its process's execArgv.
process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} --perf-basic-prof --interpreted-frames-native-stack`;
const server = await startServerProcess([new URL('./servers/ours.mjs', import.meta.url).pathname, '2', handler]);
delete process.env.NODE_OPTIONS;
try {
  await loadGenerator(server.port, perConnection, 1); // warm up
  const before = threadSwitches(server.pid);
  const perf = spawn('perf', ['record', '-q', '-e', 'sched:sched_switch', '--call-graph', process.env.SWITCH_CALL_GRAPH ?? 'dwarf,32768', '-p', String(server.pid), '-o', data], { stdio: 'inherit' });
  await new Promise((resolve) => setTimeout(resolve, 300));
  const run = await loadRun(server.port, perConnection, seconds);
  perf.kill('SIGINT');
  await new Promise((resolve) => perf.once('exit', resolve));
  const delta = switchesBetween(before, threadSwitches(server.pid));
  const byRole = roles(server.pid, delta, true);
  const tidRole = new Map([...threadRoles(server.pid, delta, true)].map(([t, role]) => [t.tid, role]));
  console.log(`${run.completed} requests (${perConnection} per connection), ${run.perSecond.toFixed(0)}/s; /proc switches per request by role:`);
  for (const [role, r] of Object.entries(byRole)) {
    console.log(`  ${role}${r.threads > 1 ? ` x${r.threads}` : ''}: ${(r.voluntary / run.completed).toFixed(2)} voluntary, ${(r.forced / run.completed).toFixed(2)} forced`);
  }
  // perf script: one event per block, header line "comm tid ... sched:sched_switch: ... prev_state=S ..." then frames.
  const script = spawnSync('perf', ['script', '-i', data, '-F', 'tid,trace,ip,sym,dso'], { encoding: 'utf8', maxBuffer: 1 << 30 });
  const counts = new Map<string, number>();
  for (const block of script.stdout.split('\n\n')) {
    const lines = block.trim().split('\n');
    if (lines.length === 0 || lines[0] === '') continue;
    const tid = Number(/^\s*(\d+)/.exec(lines[0]!)?.[1]);
    const state = /prev_state=(\S+)/.exec(lines[0]!)?.[1] ?? '?';
    const kind = state === 'R' || state === 'R+' ? 'forced' : 'voluntary';
    const frames = lines.slice(1).map((l) => l.trim().split(/\s+/).slice(1).join(' ').split(' (')[0]!);
    // The innermost user-space frame (where it blocked or was preempted), and the JavaScript
    // frames above it (V8's map names them "JS:*name file:line"), innermost first.
    const user = frames.filter((f) => !/^(\[unknown\]|.*_sys_|do_syscall|entry_SYSCALL|__schedule|schedule|futex_|do_futex|ep_poll|do_epoll|__x64)/.test(f));
    const native = frames.find((f) => !/^JS:/.test(f) && /^[a-zA-Z_:~<>]/.test(f) && !/^(__|lll_|futex|do_|ep_|schedule|entry_|x64|syscall|asm_)/.test(f)) ?? '';
    const js = frames
      .filter((f) => f.startsWith('JS:'))
      .slice(0, 4)
      .map((f) => f.replace(/^JS:[*^~+]?/, '').split(' ')[0])
      .join(' < ');
    const key = `${tidRole.get(tid) ?? 'ended'} ${kind} | ${user[0] ?? ''} | ${native} | ${js}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  console.log('perf sched_switch events per request, by thread, kind | innermost frame | first native frame | JavaScript frames, innermost first:');
  for (const [key, n] of [...counts].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`  ${(n / run.completed).toFixed(3)}  ${key}`);
} finally {
  server.stop();
  rmSync(data, { force: true });
}
