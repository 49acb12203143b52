/**
 * tcpcmd: the command line. `tcpcmd SUBCOMMAND --help` for each; usage errors exit 2,
 * failures 1.
 */
import { certs } from './certs.js';
import { EXIT_OK, EXIT_USAGE, type Subcommand, UsageError } from './command.js';
import { connectCommand } from './connect.js';
import { pingCommand } from './ping.js';
import { runScript } from './run.js';
import { serveCommand } from './serve.js';
import { packageVersion } from './version.js';

const subcommands: Subcommand[] = [runScript, serveCommand, connectCommand, pingCommand, certs];

function overview(): string {
  const width = Math.max(...subcommands.map((s) => s.name.length));
  return [
    'tcpcmd: Omnis-style blocking TCP commands from the command line',
    '',
    'usage: tcpcmd SUBCOMMAND [ARGS...]   (tcpcmd SUBCOMMAND --help for its options; tcpcmd --version)',
    '',
    ...subcommands.map((s) => `  ${s.name.padEnd(width)}  ${s.summary}`),
    '',
    // Where a newcomer's first server comes from: the examples ship with the package.
    'example: tcpcmd serve --handler node_modules/tcp-commands/examples/handlers/line-requests.ts --port 7000 --pid-file tcpcmd.pid',
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined) {
    console.error(overview());
    return EXIT_USAGE;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    console.log(overview());
    return EXIT_OK;
  }
  if (name === '--version' || name === '-v' || name === 'version') {
    console.log(packageVersion());
    return EXIT_OK;
  }
  const subcommand = subcommands.find((s) => s.name === name);
  if (subcommand === undefined) {
    console.error(`tcpcmd: unknown subcommand '${name}'\n\n${overview()}`);
    return EXIT_USAGE;
  }
  if (args.includes('--help') || args.includes('-h')) {
    console.log(`${subcommand.summary}\n\nusage:\n${subcommand.usage}`);
    return EXIT_OK;
  }
  try {
    return await subcommand.run(args);
  } catch (error) {
    // parseArgs throws TypeErrors with ERR_PARSE_ARGS_* codes for unknown or bad flags.
    const code = (error as { code?: string }).code ?? '';
    if (error instanceof UsageError || code.startsWith('ERR_PARSE_ARGS')) {
      console.error(`tcpcmd ${name}: ${(error as Error).message}\n\nusage:\n${subcommand.usage}`);
      return EXIT_USAGE;
    }
    throw error;
  }
}
