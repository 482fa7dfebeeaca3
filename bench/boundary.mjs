// Cost of poolguard's send/postMessage checks on 1 KB messages: postMessage
// over a MessageChannel and process.send to a forked child, with and without
// the boundary patches, in fresh processes, alternated in pairs; the figure is
// the median ratio of the pairs. Prints a table and, as its last line, JSON
// rows for bench/run.mjs. The check walks the message (about 0.3 µs for
// this shape), so the figure is that walk against the cost of the send.
//
//   node bench/boundary.mjs [--pairs 7] [--quick]
import { execFileSync, fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { MessageChannel } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { fmt, median, table } from './lib/stats.mjs';

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

async function runChild(spec) {
  // Both sides load poolguard (a bigger heap alone makes IPC serialisation dearer, about 1-2 µs
  // a send here); only the candidate enables it, which installs the boundary patches.
  const require = createRequire(import.meta.url);
  const { PoolGuardInstrumentation } = require('@poolguard/instrumentation');
  new PoolGuardInstrumentation({ enabled: spec.guard });
  const messages = Array.from({ length: 256 }, (_, i) => message(i));
  const n = spec.messages;
  let elapsedNs;
  if (spec.transport === 'port') {
    const { port1, port2 } = new MessageChannel();
    let received = 0;
    const done = new Promise((resolve) => port2.on('message', () => { if (++received === n) resolve(); }));
    for (let i = 0; i < 2000; i++) port1.postMessage(messages[i & 255]); // warm-up
    received -= 2000;
    const start = process.hrtime.bigint();
    for (let i = 0; i < n; i++) port1.postMessage(messages[i & 255]);
    elapsedNs = Number(process.hrtime.bigint() - start); // the sending side: where the check runs
    await done;
    port1.close();
  } else {
    const child = fork(self, ['--sink'], { stdio: 'ignore' });
    await new Promise((resolve) => child.once('message', resolve));
    // The sender's CPU time, serialising and writing included: the child's scheduling is noise here.
    const start = process.cpuUsage();
    for (let i = 0; i < n; i++) child.send(messages[i & 255]);
    await new Promise((resolve) => { child.once('message', resolve); child.send('count'); });
    const used = process.cpuUsage(start);
    elapsedNs = (used.user + used.system) * 1000;
    child.kill();
  }
  process.stdout.write(`${JSON.stringify({ nsPerMessage: elapsedNs / n })}\n`);
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

function paired(spec, pairs) {
  const base = [];
  const cand = [];
  for (let i = 0; i < pairs; i++) {
    const order = i % 2 === 0 ? [false, true] : [true, false];
    for (const guard of order) (guard ? cand : base).push(measure({ ...spec, guard }).nsPerMessage);
  }
  return {
    base: median(base),
    cand: median(cand),
    ratio: median(base.map((b, i) => cand[i] / b)),
  };
}

function main() {
  const pairs = Number(args[args.indexOf('--pairs') + 1]) || 7;
  const quick = args.includes('--quick');
  // Sanity: the size the figures claim.
  const size = JSON.stringify(message(0)).length;
  const cases = [
    { figure: `postMessage over MessageChannel, ${size} B message`, spec: { transport: 'port', messages: quick ? 20000 : 100000 }, budget: 1.15 },
    { figure: `child.send to a forked child (sender CPU), ${size} B message`, spec: { transport: 'ipc', messages: quick ? 5000 : 20000 }, budget: 1.05 },
  ];
  const rows = [];
  for (const c of cases) {
    const r = paired(c.spec, pairs);
    rows.push({
      figure: c.figure,
      value: `${fmt(r.ratio)}× (${fmt(r.base / 1000)} → ${fmt(r.cand / 1000)} µs per message)`,
      budget: `≤ ${c.budget}×`,
      pass: r.ratio <= c.budget,
    });
  }
  console.log(table(rows));
  console.log(JSON.stringify({ suite: 'boundary', rows }));
}

if (args[0] === '--child') await runChild(JSON.parse(args[1]));
else if (args[0] === '--sink') sink();
else main();
