/** Small statistics for the benchmarks: medians and printing a table of ratios. */

export { median } from '../test/helpers/median.js';

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

/** Ratios are ours / peer for times, and ours / peer for throughputs too: the README says which is good. */
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
