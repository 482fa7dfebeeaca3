// Small statistics helpers shared by the benchmarks.
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function fmt(value, digits = 3) {
  return Number.isFinite(value) ? value.toFixed(digits) : String(value);
}

/** Prints rows of { figure, value, budget, pass } as a Markdown table. */
export function table(rows) {
  const lines = ['| figure | value | budget | result |', '|---|---|---|---|'];
  for (const r of rows) lines.push(`| ${r.figure} | ${r.value} | ${r.budget ?? 'reported'} | ${r.pass === undefined ? '—' : r.pass ? 'pass' : 'FAIL'} |`);
  return lines.join('\n');
}

/** The number after `--name` on the command line, else `fallback`. */
export function numberOption(name, fallback) {
  const args = process.argv.slice(2);
  const value = args.includes(name) ? Number(args[args.indexOf(name) + 1]) : NaN;
  return Number.isFinite(value) ? value : fallback;
}
