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
