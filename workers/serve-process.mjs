// Entry of a serving process of serve({ processes }) (src/server/process-child.ts), forked by the
// supervisor (src/scale/processes.ts). Registers tsx, so that handler modules may be
// TypeScript, as the pool's threads do.
import { existsSync } from 'node:fs';
import { register } from 'tsx/esm/api';

register();
const source = new URL('../src/server/process-child.ts', import.meta.url);
await import(existsSync(source) ? source.href : '../dist/server/process-child.js');
