/** Small statistics for the benchmarks: medians and printing a table of ratios. */

import { median } from '../test/helpers/median.js';

export { median };

/** Median, mean and p99 (nearest rank) of some samples, each divided by `scale` (1000: ns to us). */
export function summary(samples: number[], scale = 1): { median: number; mean: number; p99: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = sorted.reduce((sum, value) => sum + value, 0) / sorted.length;
  const p99 = sorted[Math.min(sorted.length - 1, Math.ceil(0.99 * sorted.length) - 1)]!;
  return { median: median(sorted) / scale, mean: mean / scale, p99: p99 / scale };
}

export interface Row {
  figure: string;
  ours: number;
  peers: Record<string, number>;
  unit: string;
  /** 'lower' when smaller is better (times), 'higher' for throughputs. */
  better: 'lower' | 'higher';
}

function format(value: number): string {
  return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
}

/** Ratios are ours / peer for times, and ours / peer for throughputs too: the README says which is good. */
export function printTable(rows: Row[]): void {
  const lines = ['| figure | ours | peers | ratio ours/peer |', '|---|---|---|---|'];
  for (const row of rows) {
    const peers = Object.entries(row.peers)
      .map(([name, value]) => `${name} ${format(value)}`)
      .join('; ');
    const ratios = Object.entries(row.peers)
      .map(([name, value]) => `${(row.ours / value).toFixed(2)}x ${name}`)
      .join('; ');
    lines.push(`| ${row.figure} (${row.unit}, ${row.better} is better) | ${format(row.ours)} | ${peers} | ${ratios} |`);
  }
  console.log(lines.join('\n'));
}
