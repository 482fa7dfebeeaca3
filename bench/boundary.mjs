// Cost of poolguard's send/postMessage checks on 1 KB messages: postMessage
// over a MessageChannel and child.send to a forked child, each process
// sending raw and checked in alternating blocks (see runChild); the figure is
// the median over fresh processes. The measure is the sender's CPU time per
// message, serialising and writing included. Prints a table and, as its last
// line, JSON rows for bench/run.mjs. The check walks the message (about
// 0.25 µs for this shape), so the figure is that walk against the send.
//
//   node bench/boundary.mjs [--processes 5] [--quick]
import { execFileSync, fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { MessageChannel } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { fmt, median, numberOption, table } from './lib/stats.mjs';

const self = fileURLToPath(import.meta.url);
const args = process.argv.slice(2);

/** A 1 KB message of the usual shape: nested plain objects and arrays of small records. */
function message(i) {
  return {
    id: i,
    type: 'job',
    meta: { tenant: 'acme', attempt: 1, tags: ['a', 'b', 'c'] },
    items: Array.from({ length: 8 }, (_, k) => ({ sku: `sku-${k}`, qty: k, price: k * 1.5 })),
    note: 'x'.repeat(560),
  };
}

const ORIGINAL = Symbol.for('poolguard.boundary.original');

/** CPU µs spent by this process while `fn` runs and its work completes. */
async function cpuOf(fn) {
  const start = process.cpuUsage();
  await fn();
  const used = process.cpuUsage(start);
  return used.user + used.system;
}

/**
 * One process, side by side: raw and checked sends alternate in blocks and the
 * process reports the median of the per-pair ratios (separate processes of the
 * same code differ by more than the budgets here). Both sides send to the same
 * port or child; the raw side calls Node's own function, the original that
 * poolguard's wrapper keeps. (Two children, one forked before poolguard
 * installed its patches, differed by up to 5 % from each other unpatched.)
 */
async function runChild(spec) {
  const require = createRequire(import.meta.url);
  const { PoolGuardInstrumentation } = require('@poolguard/instrumentation');
  const messages = Array.from({ length: 256 }, (_, i) => message(i));
  const { blocks, perBlock } = spec;
  new PoolGuardInstrumentation();
  let target;
  let method;
  let close;
  let drain = async () => undefined;
  if (spec.transport === 'port') {
    const { port1, port2 } = new MessageChannel();
    port2.on('message', () => undefined);
    [target, method, close] = [port1, 'postMessage', () => port1.close()];
  } else {
    const child = fork(self, ['--sink'], { stdio: 'ignore' });
    await new Promise((resolve) => child.once('message', resolve));
    [target, method, close] = [child, 'send', () => child.kill()];
    // The sender's CPU includes serialising and writing: wait until the child has read everything.
    drain = () => new Promise((resolve) => { child.once('message', resolve); child.send('count'); });
  }
  const checked = target[method];
  const original = checked[ORIGINAL];
  if (typeof original !== 'function') throw new Error(`poolguard did not wrap ${method}`);
  const rawSend = (m) => original.call(target, m);
  const checkedSend = (m) => checked.call(target, m);
  const block = (send) => cpuOf(async () => {
    for (let i = 0; i < perBlock; i++) send(messages[i & 255]);
    await drain();
  });
  for (let i = 0; i < 2; i++) {
    await block(rawSend);
    await block(checkedSend);
  }
  const ratios = [];
  const base = [];
  const cand = [];
  for (let i = 0; i < blocks; i++) {
    const [first, second] = i % 2 === 0 ? [rawSend, checkedSend] : [checkedSend, rawSend];
    const a = await block(first);
    const b = await block(second);
    const [r, c] = first === rawSend ? [a, b] : [b, a];
    base.push(r / perBlock);
    cand.push(c / perBlock);
    ratios.push(c / r);
  }
  close();
  process.stdout.write(`${JSON.stringify({ ratio: median(ratios), baseUs: median(base), candUs: median(cand) })}\n`);
}

function sink() {
  let count = 0;
  process.on('message', (m) => {
    if (m === 'count') process.send(count);
    else count++;
  });
  process.send('ready');
}

function measure(spec) {
  const out = execFileSync(process.execPath, [self, '--child', JSON.stringify(spec)], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop());
}

function sideBySide(spec, processes) {
  const runs = Array.from({ length: processes }, () => measure(spec));
  return { ratio: median(runs.map((r) => r.ratio)), base: median(runs.map((r) => r.baseUs)), cand: median(runs.map((r) => r.candUs)) };
}

function main() {
  const processes = numberOption('--processes', 5);
  const quick = args.includes('--quick');
  // Sanity: the size the figures claim.
  const size = JSON.stringify(message(0)).length;
  const cases = [
    { figure: `postMessage over MessageChannel, ${size} B message`, spec: { transport: 'port', blocks: quick ? 6 : 12, perBlock: 10000 }, budget: 1.15 },
    { figure: `child.send to a forked child (sender CPU), ${size} B message`, spec: { transport: 'ipc', blocks: quick ? 6 : 12, perBlock: 2000 }, budget: 1.05 },
  ];
  const rows = [];
  for (const c of cases) {
    const r = sideBySide(c.spec, quick ? 3 : processes);
    rows.push({
      figure: c.figure,
      value: `${fmt(r.ratio)}× (${fmt(r.base)} → ${fmt(r.cand)} µs CPU per message)`,
      budget: `≤ ${c.budget}×`,
      pass: r.ratio <= c.budget,
    });
  }
  console.log(table(rows));
  console.log(JSON.stringify({ suite: 'boundary', note: `${quick ? 3 : processes} processes per figure, raw and checked sends in alternating blocks in each`, rows }));
}

if (args[0] === '--child') await runChild(JSON.parse(args[1]));
else if (args[0] === '--sink') sink();
else main();
