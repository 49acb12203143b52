// Child process of the idle-connections figure: our ping-pong alone, then COUNT idle
// connections opened with TCPConnect, the memory they took, and the ping-pong again.
import { TCPConnect } from '../../src/index.js';
import { oursPingPong } from '../pingpong.js';
import { median } from '../stats.js';

const [holderPort, echoPort, count] = process.argv.slice(2).map(Number) as [number, number, number];
const pingPong = (): number => median([1, 2, 3].map(() => oursPingPong(echoPort, 5000)));

oursPingPong(echoPort, 2000); // warm up
const alone = pingPong();
const before = process.memoryUsage().rss;
for (let i = 0; i < count; i++) {
  const s = TCPConnect('127.0.0.1', holderPort);
  if (s < 0) throw new Error(`connection ${i} failed: ${s}`);
}
const after = process.memoryUsage().rss;
const withIdle = pingPong();
console.log(JSON.stringify({ bytesPerSocket: (after - before) / count, pingPongAlone: alone, pingPongWithIdle: withIdle }));
process.exit(0);
