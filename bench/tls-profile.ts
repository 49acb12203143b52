/**
 * Our TLS ping-pong alone (no peers in this process), for profiles of both threads:
 *
 *   TCP_COMMANDS_ENGINE_FLAGS="--cpu-prof --cpu-prof-dir=/tmp/tlsprof" \
 *     node --cpu-prof --cpu-prof-dir=/tmp/tlsprof-main --import=tsx bench/tls-profile.ts [ROUND_TRIPS]
 *   node bench/profile-top.mjs /tmp/tlsprof/*.cpuprofile
 *
 * The engine thread's profile lands in the first folder, the main thread's (and tsx's
 * loader thread's) in the second. Prints the round trips' median, mean and p99 in us.
 */
import { oursTlsPingPong, startTlsPeer } from './tls.js';

const trips = Number(process.argv[2] ?? 30_000);
const echo = await startTlsPeer('echo');
oursTlsPingPong(echo.port, 2000); // warm the engine and the JIT
console.log(JSON.stringify(oursTlsPingPong(echo.port, trips)));
echo.stop();
process.exit(0); // the engine's profile is written as its thread ends
