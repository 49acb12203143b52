#!/usr/bin/env node
// The tcpcmd command line (src/cli/main.ts), run from the compiled dist/ so that it
// starts fast; `npm ci` (and `npm test`) build dist/ in the repository, the published
// package ships it.
import { main } from '../dist/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
