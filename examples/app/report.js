'use strict';
/*
 * The demo's own channel for violations: each one reduced to plain data
 * (kind, pool, sites, fix) and sent up the IPC channel, worker → primary →
 * the demo runner, which prints the summary table. Only strings and numbers
 * cross a process boundary; never a pool, a client or a Violation's stacks.
 */
const cluster = require('node:cluster');
const fs = require('node:fs');
const path = require('node:path');

const REPO = path.resolve(__dirname, '..', '..');
const POOLGUARD = fs.realpathSync(path.dirname(require.resolve('@poolguard/instrumentation')));

/** The first stack frame in the app's own code, as "function (file:line)", relative to the repo. */
function appFrame(stack) {
  if (typeof stack !== 'string') return undefined;
  for (const line of stack.split('\n').slice(1)) {
    const frame = line.trim().replace(/^at /, '');
    if (frame.includes('node_modules') || frame.includes('node:') || frame.includes(POOLGUARD)) continue;
    const match = /^(?:(.*?) \()?(\/[^()]+?):(\d+):\d+\)?$/.exec(frame);
    if (match === null) continue;
    const [, fn, file, lineNo] = match;
    const where = `${path.relative(REPO, file)}:${lineNo}`;
    return fn ? `${fn.replace(/^async /, '').replace(/^Object\./, '')} (${where})` : where;
  }
  return undefined;
}

/** The fix sentence: the last sentence before the doc link that ends every message. */
function fixOf(message) {
  const body = message.slice(0, message.lastIndexOf(' See '));
  const sentences = body.split(/(?<=\.) /);
  return sentences[sentences.length - 1];
}

/** Plain data for the summary. */
function toRecord(violation) {
  return {
    kind: violation.kind,
    pool: violation.poolName,
    // Where the lease was checked out; for kinds with no lease (a fork), where it happened.
    // A lease taken inside pool.query is released from the driver's callback, with no app frame.
    site: appFrame(violation.checkoutStack) ?? appFrame(violation.stack) ?? '(inside pool.query)',
    at: appFrame(violation.stack) ?? '',
    fix: fixOf(violation.message),
    doc: violation.message.slice(violation.message.lastIndexOf(' See ') + 5),
    pid: violation.pid,
    role: cluster.isWorker ? `worker ${cluster.worker.id}` : 'primary',
  };
}

/** Sends one record towards the demo runner: a worker to its primary, the primary to the runner. */
function forward(record) {
  if (typeof process.send === 'function' && process.connected) process.send({ type: 'poolguard.violation', record });
}

function recordViolation(violation) {
  forward(toRecord(violation));
}

module.exports = { recordViolation, forward };
