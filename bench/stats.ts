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
  /** false: the peers are parts of ours (a breakdown), not rivals; no ratios printed. */
  ratios?: false;
}

function format(value: number): string {
  return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
}

/** Ratios are ours / peer for times, and ours / peer for throughputs too: docs/performance.md says which is good. */
export function printTable(rows: Row[]): void {
  const lines = ['| figure | ours | peers | ratio ours/peer |', '|---|---|---|---|'];
  for (const row of rows) {
    const peers = Object.entries(row.peers)
      .map(([name, value]) => `${name} ${format(value)}`)
      .join('; ');
    const ratios =
      row.ratios === false
        ? ''
        : Object.entries(row.peers)
            .map(([name, value]) => `${value === 0 ? '-' : `${(row.ours / value).toFixed(2)}x`} ${name}`)
            .join('; ');
    lines.push(`| ${row.figure} (${row.unit}, ${row.better} is better) | ${format(row.ours)} | ${peers} | ${ratios} |`);
  }
  console.log(lines.join('\n'));
}

/** A latency figure's median, mean and 99th percentile (nearest rank), in the samples' unit. */
export interface Summary {
  p50: number;
  mean: number;
  p99: number;
}

export function summarize(samples: number[], scale = 1): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = sorted.reduce((sum, x) => sum + x, 0) / sorted.length;
  const p99 = sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)]!;
  return { p50: median(sorted) / scale, mean: mean / scale, p99: p99 / scale };
}

/** Flattens summaries for the bench's interleaving runner: `{ 'ours.p50': ..., 'ours.mean': ..., ... }`. */
export function flatten(summaries: Record<string, Summary | undefined>): Record<string, number> {
  const values: Record<string, number> = {};
  for (const [name, s] of Object.entries(summaries)) {
    if (s === undefined) continue;
    values[`${name}.p50`] = s.p50;
    values[`${name}.mean`] = s.mean;
    values[`${name}.p99`] = s.p99;
  }
  return values;
}

/**
 * Three rows of one latency figure, median, mean and p99 (each the median over the runs),
 * from flattened values; `peers` maps a printed name to its key. Peers without values
 * (the C floor where no compiler is installed) are left out.
 */
export function latencyRows(figure: string, m: Record<string, number>, ours: string, peers: Record<string, string>, unit = 'us'): Row[] {
  return (['p50', 'mean', 'p99'] as const).map((stat) => ({
    figure: `${figure}: ${stat === 'p50' ? 'median' : stat}`,
    ours: m[`${ours}.${stat}`]!,
    peers: Object.fromEntries(
      Object.entries(peers)
        .filter(([, key]) => m[`${key}.${stat}`] !== undefined)
        .map(([name, key]) => [name, m[`${key}.${stat}`]!]),
    ),
    unit,
    better: 'lower' as const,
  }));
}
