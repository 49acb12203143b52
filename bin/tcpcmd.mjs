#!/usr/bin/env node
// The tcpcmd command line (src/cli/main.ts), run from the compiled dist/ so that it
// starts fast. The published package ships dist/; in the repository `npm start`,
// `npm test` and `npm run build` make it. The package has no install-time script (issue
// 29: npm 11 warns about one, and it would run in every application), so a fresh clone
// after `npm ci` has no dist/ yet: the sources then run through tsx.
import { existsSync } from 'node:fs';

const built = new URL('../dist/cli/main.js', import.meta.url);
let main;
if (existsSync(built)) {
  ({ main } = await import(built.href));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import(new URL('../src/cli/main.ts', import.meta.url).href));
}
process.exitCode = await main(process.argv.slice(2));
