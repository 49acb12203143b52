/** tcpcmd ping HOST: TCPPing from the command line. */
import { parseArgs } from 'node:util';
import { TCPPing } from '../commands/ping.js';
import { TCPErrorText } from '../errors.js';
import { EXIT_FAILED, EXIT_OK, type Subcommand, UsageError } from './command.js';

export const pingCommand: Subcommand = {
  name: 'ping',
  summary: 'ICMP echo (TCPPing) with its round-trip time',
  usage: `tcpcmd ping HOST [--count N] [--size BYTES] [--timeout MS]

  Prints each round trip in milliseconds; exit code 1 when no reply came at all.`,
  run(args) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { count: { type: 'string', default: '1' }, size: { type: 'string', default: '56' }, timeout: { type: 'string', default: '2000' } },
    });
    const [host, extra] = positionals;
    if (host === undefined || extra !== undefined) throw new UsageError('ping takes one HOST');
    const [count, size, timeout] = [values.count, values.size, values.timeout].map(Number) as [number, number, number];
    if (!Number.isInteger(count) || count < 1) throw new UsageError('--count must be a whole number >= 1');
    if (!(size >= 0) || !(timeout > 0)) throw new UsageError('--size and --timeout must be positive numbers');
    let replies = 0;
    for (let i = 0; i < count; i++) {
      const result = TCPPing(host, size, timeout);
      if (result >= 0) {
        replies++;
        console.log(`reply from ${host}: time=${result} ms`);
      } else {
        console.log(`${host}: ${TCPErrorText(result)} (${result})`);
        if (result !== -1) break; // an unknown host will not become known on the next try
      }
    }
    return replies > 0 ? EXIT_OK : EXIT_FAILED;
  },
};
