/** What every tcpcmd subcommand is: a name, its help, and a run that gives an exit code. */
export interface Subcommand {
  name: string;
  summary: string;
  usage: string;
  run(args: string[]): number | Promise<number>;
}

/** A usage error: printed with the subcommand's usage, exit code 2. */
export class UsageError extends Error {}

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
