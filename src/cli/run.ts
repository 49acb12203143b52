/** tcpcmd run SCRIPT [ARGS...]: a procedural script on a pool thread. */
import { existsSync } from 'node:fs';
import { describeError } from '../describe-error.js';
import { Pool } from '../pool/pool.js';
import { EXIT_FAILED, EXIT_OK, type Subcommand, UsageError } from './command.js';

export const runScript: Subcommand = {
  name: 'run',
  summary: 'run a script (TypeScript or JavaScript) on a pool thread',
  usage: `tcpcmd run SCRIPT [ARGS...]

  Runs SCRIPT's default export with ARGS (strings; numbers are passed as numbers) on a
  pool thread and prints its result as JSON; a script without a default export runs
  when it is loaded. Exit code 1 when the script throws.`,
  async run(args) {
    const [script, ...rest] = args;
    if (script === undefined) throw new UsageError('which script?');
    if (!existsSync(script)) throw new UsageError(`no such script: ${script}`);
    const values = rest.map((value) => (/^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value));
    const pool = new Pool({ threads: 1 });
    try {
      const result = await pool.run(script, ...values);
      if (result !== undefined) console.log(JSON.stringify(result));
      return EXIT_OK;
    } catch (error) {
      console.error(`tcpcmd run: ${script} failed: ${describeError(error)}`);
      return EXIT_FAILED;
    } finally {
      await pool.destroy();
    }
  },
};
