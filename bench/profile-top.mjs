// node bench/profile-top.mjs FILE.cpuprofile [N]: the N (default 25) functions with the most
// self time in a V8 CPU profile (node --cpu-prof), with their share of the sampled time.
import { readFileSync } from 'node:fs';

const [file, count = '25'] = process.argv.slice(2);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
const self = new Map();
let total = 0;
profile.samples.forEach((id, i) => {
  const { functionName, url, lineNumber } = nodes.get(id).callFrame;
  const where = url.replace(/^.*\/(src|dist|bench|node_modules)\//, '$1/');
  const key = `${functionName || '(anonymous)'} ${where}:${lineNumber + 1}`;
  const us = profile.timeDeltas[i] ?? 0;
  self.set(key, (self.get(key) ?? 0) + us);
  total += us;
});
console.log(`${file}: ${(total / 1e6).toFixed(2)} s sampled`);
for (const [key, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, Number(count))) {
  console.log(`${((100 * us) / total).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(6)} ms  ${key}`);
}
