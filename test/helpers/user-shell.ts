/**
 * Commands run as a user's shell runs them, for the tests that install the packed package
 * into fresh projects (packaging, newcomer): none of the npm_* variables `npm test` sets,
 * nor this repository's trust store or Node options.
 */
import { execFile } from 'node:child_process';

export interface Done {
  code: number;
  stdout: string;
  stderr: string;
}

export function userEnvironment(): NodeJS.ProcessEnv {
  const environment: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!/^npm_/i.test(name) && name !== 'TCP_COMMANDS_CACERTS' && name !== 'NODE_OPTIONS') environment[name] = value;
  }
  return environment;
}

/** Runs `command` in `cwd` with the user's environment; resolves with its exit code and output (never rejects). */
export function runAsUser(command: string, args: string[], cwd: string, timeout: number): Promise<Done> {
  return new Promise((done) => {
    execFile(command, args, { cwd, env: userEnvironment(), timeout, maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      done({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr });
    });
  });
}
