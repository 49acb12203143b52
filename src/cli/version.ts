/** tcpcmd --version: the version of the installed package, read from its package.json. */
import { readFileSync } from 'node:fs';

/** package.json sits two folders up from both src/cli/ and dist/cli/. */
export function packageVersion(): string {
  const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
  return (JSON.parse(text) as { version: string }).version;
}
