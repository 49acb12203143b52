// The bench's server processes answer a line `rusage` on stdin with their own context
// switches so far, as JSON {"voluntary":N,"forced":N}: getrusage(RUSAGE_SELF), every
// thread of the process, ended threads too (bench/switches.ts reads the live threads'
// counts from /proc; this total is the check on it).
import { createInterface } from 'node:readline';

export function answerRusage() {
  createInterface({ input: process.stdin }).on('line', (line) => {
    if (line.trim() !== 'rusage') return;
    const usage = process.resourceUsage();
    console.log(JSON.stringify({ voluntary: usage.voluntaryContextSwitches, forced: usage.involuntaryContextSwitches }));
  });
}
