/**
 * Guards on what a self-fork hands the child (argv, env, workerData), children with
 * several roles, commands no child is given, and the command line read as a list.
 */
import { code, RuleTester } from '../../rule-tester';
import rule from '../../../src/rules/no-pool-before-fork';
import { SERVER_JS, SERVER_MJS, SERVER_TS, commonjs } from './shared';

const ruleTester = new RuleTester();

ruleTester.run('no-pool-before-fork', rule, {
  valid: [
    // ---- guards on what a self-fork hands the child: argv, env, workerData ----
    // a child argument read back from process.argv
    code`
      const { fork } = require('child_process');
      const { Pool } = require('pg');
      if (process.argv[2] === 'worker') {
        const pool = new Pool();
      } else {
        fork(__filename, ['worker']);
      }
    `,
    code`
      const { fork } = require('child_process');
      const { Pool } = require('pg');
      const CHILD_ARGS = ['--verbose', 'worker'];
      if ('worker' != process.argv[3]) fork(__filename, CHILD_ARGS);
      else new Pool();
    `,
    code`
      import { fork } from 'node:child_process';
      import knex from 'knex';
      const isChild = process.argv.includes('--child');
      if (isChild) {
        const db = knex({ client: 'pg' });
      } else {
        fork(import.meta.filename, ['--child']);
      }
    `,
    // a child environment entry read back from process.env
    code`
      import { fork } from 'node:child_process';
      import knex from 'knex';
      const isChild = process.argv.includes('--child') || process.env.ROLE === 'child';
      if (isChild) {
        const db = knex({ client: 'pg' });
      } else {
        fork(import.meta.filename, ['--child'], { env: { ...process.env, ROLE: 'child' } });
      }
    `,
    code`
      const cluster = require('cluster');
      const { Pool } = require('pg');
      if (process.env.WORKER_ROLE !== 'web') cluster.fork({ WORKER_ROLE: 'web' });
      else new Pool();
    `,
    // an entry every self-fork sets to a non-empty string, tested for truth
    code`
      const { fork } = require('child_process');
      const { Pool } = require('pg');
      if (process.env.IS_CHILD) {
        const pool = new Pool();
      } else {
        fork(__filename, [], { env: { ...process.env, IS_CHILD: '1' } });
      }
    `,
    code`
      const cluster = require('cluster');
      const { Pool } = require('pg');
      const { IS_CHILD } = process.env;
      if (!IS_CHILD) cluster.fork({ IS_CHILD: 'yes' });
      else new Pool();
    `,
    // other comparisons of process.env keep their meaning
    code`
      const cluster = require('cluster');
      const { Pool } = require('pg');
      if (process.env.NODE_UNIQUE_ID !== undefined) new Pool();
      else cluster.fork({ ROLE: 'web' });
    `,
    // workerData is null on the main thread
    code`
      const { Worker, workerData, parentPort } = require('worker_threads');
      const Database = require('better-sqlite3');
      if (workerData && workerData.role === 'reader') {
        const db = new Database('app.db', { readonly: true });
      } else {
        new Worker(__filename, { workerData: { role: 'reader' } });
      }
    `,
    code`
      import { Worker, workerData } from 'node:worker_threads';
      import { Pool } from 'pg';
      if (workerData?.role !== 'reader') new Worker(new URL(import.meta.url), { workerData: { role: 'reader' } });
      else new Pool();
    `,
    code`
      import * as wt from 'node:worker_threads';
      import { Pool } from 'pg';
      if (wt.workerData) new Pool();
      else new wt.Worker(new URL(import.meta.url), { workerData: 1 });
    `,
    // a local helper whose whole body returns a guard
    code`
      const cluster = require('cluster');
      const mongoose = require('mongoose');
      function isPrimaryProcess() {
        return cluster.isPrimary;
      }
      if (isPrimaryProcess()) {
        for (let i = 0; i < 2; i++) cluster.fork();
      } else {
        mongoose.connect(process.env.MONGO_URL);
      }
    `,
    code`
      import cluster from 'node:cluster';
      import { Pool } from 'pg';
      const isWorkerProcess = () => !cluster.isPrimary;
      if (!isWorkerProcess()) cluster.fork();
      else new Pool();
    `,
    // ---- children with several roles: a branch inside the child's stays the child's ----
    // the else of one role is another child's role, not the primary
    code`
      const cluster = require('node:cluster');
      const { Pool } = require('pg');
      const Redis = require('ioredis');
      if (cluster.isPrimary) {
        cluster.fork({ ROLE: 'web' });
        cluster.fork({ ROLE: 'queue' });
      } else if (process.env.ROLE === 'web') {
        const pool = new Pool();
      } else {
        const redis = new Redis();
      }
    `,
    code`
      const { fork } = require('node:child_process');
      const { Pool } = require('pg');
      if (process.send) {
        if (process.argv.includes('--reports')) {
          const reports = new Pool({ max: 1 });
        } else {
          const api = new Pool({ max: 5 });
        }
      } else {
        fork(__filename, ['--reports']);
        fork(__filename, ['--api']);
      }
    `,
    code`
      const cluster = require('node:cluster');
      const { Pool } = require('pg');
      const Redis = require('ioredis');
      if (cluster.isPrimary) {
        cluster.fork({ ROLE: 'web' });
        cluster.fork({ ROLE: 'queue' });
      } else {
        if (process.env.ROLE === 'web') {
          const pool = new Pool();
        } else {
          const redis = new Redis();
        }
      }
    `,
    code`
      const cluster = require('node:cluster');
      const { Pool } = require('pg');
      const Redis = require('ioredis');
      if (cluster.isPrimary) {
        cluster.fork({ ROLE: 'web' });
        cluster.fork({ ROLE: 'queue' });
      } else {
        switch (process.env.ROLE) {
          case 'web':
            new Pool();
            break;
          default:
            new Redis();
        }
      }
    `,
    code`
      const cluster = require('node:cluster');
      const { Pool } = require('pg');
      const Redis = require('ioredis');
      function startWorker() {
        if (process.env.ROLE === 'queue') return new Redis();
        return new Pool();
      }
      if (cluster.isPrimary) {
        cluster.fork({ ROLE: 'web' });
        cluster.fork({ ROLE: 'queue' });
      } else {
        startWorker();
      }
    `,
    // one role for every fork: the else of its test reads as the primary, but only children get there
    code`
      const cluster = require('node:cluster');
      const { Pool } = require('pg');
      const Redis = require('ioredis');
      if (cluster.isPrimary) {
        for (let i = 0; i < 4; i++) cluster.fork({ ROLE: 'web' });
      } else if (process.env.ROLE === 'web') {
        const pool = new Pool();
      } else {
        const redis = new Redis();
      }
    `,
    {
      code: code`
        const cluster = require('node:cluster');
        const { Pool } = require('pg');
        const Redis = require('ioredis');
        if (cluster.isPrimary) {
          cluster.fork({ ROLE: 'web' });
          return;
        }
        if (process.env.ROLE === 'web') {
          new Pool();
          return;
        }
        new Redis();
      `,
      languageOptions: commonjs,
    },
    code`
      const cluster = require('node:cluster');
      const { Pool } = require('pg');
      const Redis = require('ioredis');
      function startWorker() {
        if (process.env.ROLE === 'queue') return new Redis();
        return new Pool();
      }
      if (cluster.isPrimary) cluster.fork({ ROLE: 'queue' });
      else startWorker();
    `,
    // ---- a command no child is given runs where it was typed ----
    // the only fork passes '--daemon': the else of 'start' runs in the daemon, or in a command that forks nothing
    code`
      const { fork } = require('node:child_process');
      const { Pool } = require('pg');
      if (process.argv[2] === 'start') {
        fork(__filename, ['--daemon'], { detached: true, stdio: 'ignore' }).unref();
      } else {
        const pool = new Pool();
      }
    `,
    // the primary's own, which allowPrimaryPools allows: in a switch as in an else-if chain
    {
      code: code`
        const { fork } = require('node:child_process');
        const { Pool } = require('pg');
        switch (process.argv[2]) {
          case 'start':
            fork(__filename, ['--daemon'], { detached: true, stdio: 'ignore' }).unref();
            break;
          case '--daemon': {
            const pool = new Pool();
            break;
          }
          case 'migrate': {
            const pool = new Pool({ max: 1 });
            break;
          }
        }
      `,
      options: [{ allowPrimaryPools: true }],
    },
    {
      code: code`
        const { fork } = require('node:child_process');
        const { Pool } = require('pg');
        const cmd = process.argv[2];
        if (cmd === '--daemon') {
          const pool = new Pool();
        } else if (cmd === 'start') {
          fork(__filename, ['--daemon'], { detached: true, stdio: 'ignore' }).unref();
        } else if (cmd === 'migrate') {
          const pool = new Pool({ max: 1 });
        }
      `,
      options: [{ allowPrimaryPools: true }],
    },
    {
      code: code`
        const { fork } = require('node:child_process');
        const { Pool } = require('pg');
        switch (process.argv[2]) {
          case 'start':
            fork(__filename, ['--daemon']);
            break;
          case '--daemon':
            new Pool();
            break;
          default:
            new Pool({ max: 1 });
        }
      `,
      options: [{ allowPrimaryPools: true }],
    },
    // ---- the command line read as a list or through destructuring, like process.argv ----
    code`
      const { fork } = require('node:child_process');
      const { Pool } = require('pg');
      const args = process.argv.slice(2);
      if (args.includes('--child')) {
        const pool = new Pool();
      } else {
        fork(__filename, ['--child']);
      }
    `,
    code`
      const { fork } = require('node:child_process');
      const { Pool } = require('pg');
      if (process.argv.slice(2).includes('--child')) {
        const pool = new Pool();
      } else {
        fork(__filename, ['--child']);
      }
    `,
    code`
      const { fork } = require('node:child_process');
      const { Pool } = require('pg');
      if (process.argv.indexOf('--child') !== -1) {
        const pool = new Pool();
      } else {
        fork(__filename, ['--child']);
      }
    `,
    code`
      const { fork } = require('node:child_process');
      const { Pool } = require('pg');
      if (-1 < process.argv.indexOf('--child')) new Pool();
      else fork(__filename, ['--child']);
      if (process.argv.indexOf('--child') === -1) fork(__filename, ['--child']);
      else new Pool();
    `,
    code`
      const { fork } = require('node:child_process');
      const { Pool } = require('pg');
      const [, , mode] = process.argv;
      if (mode === 'child') {
        const pool = new Pool();
      } else {
        fork(__filename, ['child']);
      }
    `,
    code`
      const { fork } = require('node:child_process');
      const { Pool } = require('pg');
      const [mode] = process.argv.slice(2);
      if (mode === 'child') new Pool();
      else fork(__filename, ['child']);
    `,
    code`
      const { fork } = require('node:child_process');
      const { Pool } = require('pg');
      const [, , ...args] = process.argv;
      const isChild = args[0] === 'child' || args.includes('--child');
      if (isChild) new Pool();
      else fork(__filename, ['child', '--child']);
    `,
    code`
      import { fork } from 'node:child_process';
      import { Pool } from 'pg';
      switch (process.argv.slice(2)[0]) {
        case 'child':
          new Pool();
          break;
        default:
          fork(import.meta.filename, ['child']);
      }
    `,
    // the parent's own arguments passed on ahead of the role
    code`
      const { fork } = require('node:child_process');
      const { Pool } = require('pg');
      if (process.argv.includes('--child')) new Pool();
      else fork(__filename, [...process.argv.slice(2), '--child']);
    `,
    // ---- the role argument held in a constant, in the fork and in the test ----
    code`
      const { fork } = require('node:child_process');
      const { Pool } = require('pg');
      const ROLE_FLAG = '--worker';
      if (process.argv.includes(ROLE_FLAG)) {
        const pool = new Pool();
      } else {
        fork(__filename, [ROLE_FLAG]);
      }
    `,
    code`
      const { fork } = require('node:child_process');
      const { Pool } = require('pg');
      const WORKER_ARG = 'worker';
      if (process.argv[2] === WORKER_ARG) { const pool = new Pool(); } else { fork(__filename, [WORKER_ARG]); }
    `,
    // an enum member handed out, and matched in a switch on the argument
    code`
      import { fork } from 'node:child_process';
      import { Pool } from 'pg';
      enum Command { Serve = 'serve', Work = 'work' }
      switch (process.argv[2]) {
        case Command.Work:
          new Pool();
          break;
        default:
          fork(__filename, [Command.Work]);
      }
    `,
    // ---- an environment value held in a constant, in the fork and in the test ----
    code`
      const cluster = require('node:cluster');
      const { Pool } = require('pg');
      const WORKER_ROLE = 'worker';
      if (process.env.ROLE === WORKER_ROLE) { const pool = new Pool(); } else { cluster.fork({ ROLE: WORKER_ROLE }); }
    `,
    code`
      import { fork } from 'node:child_process';
      import { Pool } from 'pg';
      const ROLES = Object.freeze({ CHILD: 'child' });
      if (process.env.ROLE === ROLES.CHILD) new Pool();
      else fork(import.meta.filename, [], { env: { ...process.env, ROLE: ROLES.CHILD } });
    `,
    // ---- a util.parseArgs boolean option read back as its flag ----
    code`
      const { fork } = require('node:child_process');
      const { parseArgs } = require('node:util');
      const { Pool } = require('pg');
      const { values } = parseArgs({ options: { worker: { type: 'boolean' } } });
      if (values.worker) { const pool = new Pool(); } else { fork(__filename, ['--worker']); }
    `,
    // the result kept whole, util imported as a namespace, the short flag handed out
    code`
      import { fork } from 'node:child_process';
      import * as util from 'node:util';
      import { Pool } from 'pg';
      const parsed = util.parseArgs({ options: { worker: { type: 'boolean', short: 'w' } } });
      if (!parsed.values.worker) fork(import.meta.filename, ['-w']);
      else new Pool();
    `,
    // the option destructured, util required whole, the options in a constant
    code`
      const { fork } = require('child_process');
      const util = require('util');
      const { Pool } = require('pg');
      const options = { worker: { type: 'boolean' }, port: { type: 'string' } };
      const { values: { worker } } = util.parseArgs({ options, strict: true });
      if (worker) {
        const pool = new Pool();
      } else {
        fork(__filename, ['--worker']);
      }
    `,
  ],
  invalid: [
    // ---- an environment value held in a constant: the parent's side ----
    {
      code: code`
        const cluster = require('node:cluster');
        const { Pool } = require('pg');
        const WORKER_ROLE = 'worker';
        if (process.env.ROLE !== WORKER_ROLE) { cluster.fork({ ROLE: WORKER_ROLE }); const pool = new Pool(); }
      `,
      errors: [{ messageId: 'poolInPrimary', line: 4, column: 91 }],
    },
    {
      code: code`
        const cluster = require('node:cluster');
        const { Pool } = require('pg');
        const WORKER_ROLE = 'worker';
        const pool = new Pool();
        if (process.env.ROLE !== WORKER_ROLE) cluster.fork({ ROLE: WORKER_ROLE });
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 4, column: 14 }],
    },
    // ---- a util.parseArgs boolean option: the parent's side, and unguarded ----
    {
      code: code`
        import { fork } from 'node:child_process';
        import { parseArgs } from 'node:util';
        import { Pool } from 'pg';
        const { values } = parseArgs({ options: { worker: { type: 'boolean' } } });
        if (!values.worker) {
          fork(import.meta.filename, ['--worker']);
          const pool = new Pool();
        }
      `,
      errors: [{ messageId: 'poolInPrimary', line: 7, column: 16 }],
    },
    {
      code: code`
        const { fork } = require('node:child_process');
        const { parseArgs } = require('node:util');
        const { Pool } = require('pg');
        const { values } = parseArgs({ options: { worker: { type: 'boolean' } } });
        const pool = new Pool();
        if (!values.worker) fork(__filename, ['--worker']);
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 5, column: 14 }],
    },
    // the arguments parsed are not the command line, a string option, a default: no flag is read
    ...[
      "parseArgs({ args: ['--worker'], options: { worker: { type: 'boolean' } } })",
      "parseArgs({ options: { worker: { type: 'string' } } })",
      "parseArgs({ options: { worker: { type: 'boolean', default: true } } })",
    ].map(call => ({
      code: code`
        const { fork } = require('node:child_process');
        const { parseArgs } = require('node:util');
        const { Pool } = require('pg');
        const { values } = ${call};
        if (values.worker) { const pool = new Pool(); } else { fork(__filename, ['--worker']); }
      `,
      errors: [{ messageId: 'poolBeforeFork' as const, line: 5, column: 35 }],
    })),
    // a parseArgs of the file's own is not util's
    {
      code: code`
        const { fork } = require('node:child_process');
        const { Pool } = require('pg');
        const parseArgs = () => ({ values: { worker: true } });
        const { values } = parseArgs({ options: { worker: { type: 'boolean' } } });
        if (values.worker) { const pool = new Pool(); } else { fork(__filename, ['--worker']); }
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 5, column: 35 }],
    },
    // ---- the role argument held in a constant: read the right way round ----
    {
      code: code`
        const { fork } = require('node:child_process');
        const { Pool } = require('pg');
        const ROLE_FLAG = '--worker';
        const shared = new Pool();
        if (!process.argv.includes(ROLE_FLAG)) {
          const metrics = new Pool({ max: 1 });
          fork(__filename, [ROLE_FLAG]);
        }
      `,
      errors: [
        { messageId: 'poolBeforeFork', line: 4, column: 16 },
        { messageId: 'poolInPrimary', line: 6, column: 19 },
      ],
    },
    // a constant the fork does not hand out: its test proves the parent
    {
      code: code`
        const { fork } = require('node:child_process');
        const { Pool } = require('pg');
        const WORKER_ARG = 'worker';
        const ADMIN_ARG = 'admin';
        if (process.argv[2] === ADMIN_ARG) { new Pool(); } else { fork(__filename, [WORKER_ARG]); }
      `,
      errors: [{ messageId: 'poolInPrimary', line: 5, column: 38 }],
    },
    // ---- children with several roles: what still runs in the primary ----
    {
      code: code`
        const cluster = require('node:cluster');
        const { Pool } = require('pg');
        const Redis = require('ioredis');
        const shared = new Pool();
        if (cluster.isPrimary) {
          const metrics = new Pool({ max: 1 });
          cluster.fork({ ROLE: 'web' });
          cluster.fork({ ROLE: 'queue' });
        } else if (process.env.ROLE === 'web') {
          const pool = new Pool();
        } else {
          const redis = new Redis();
        }
      `,
      errors: [
        { messageId: 'poolBeforeFork', line: 4, column: 16 },
        { messageId: 'poolInPrimary', line: 6, column: 19 },
      ],
    },
    // outside the workers' branch, the else of one role runs in the primary and in the other role's workers
    {
      code: code`
        const cluster = require('node:cluster');
        const Redis = require('ioredis');
        if (cluster.isPrimary) {
          cluster.fork({ ROLE: 'web' });
          cluster.fork({ ROLE: 'queue' });
        }
        if (process.env.ROLE === 'web') {
          startWeb();
        } else {
          const redis = new Redis();
        }
      `,
      options: [{ allowPrimaryPools: true }],
      errors: [{ messageId: 'poolBeforeFork', line: 10, column: 17 }],
    },
    {
      code: code`
        const { fork } = require('node:child_process');
        const { Pool } = require('pg');
        if (!process.send) {
          fork(__filename, ['--reports']);
          fork(__filename, ['--api']);
        }
        if (process.argv.includes('--reports')) {
          const reports = new Pool({ max: 1 });
        } else {
          const api = new Pool({ max: 5 });
        }
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 10, column: 15 }],
    },
    // a fork that hands no role starts a child that fails every role test
    {
      code: code`
        const cluster = require('node:cluster');
        const Redis = require('ioredis');
        if (cluster.isPrimary) {
          cluster.fork({ ROLE: 'web' });
          cluster.fork();
        }
        if (process.env.ROLE === 'web') startWeb();
        else new Redis();
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 8, column: 6 }],
    },
    // every fork hands the one role: its else is the primary's
    {
      code: code`
        const cluster = require('node:cluster');
        const Redis = require('ioredis');
        if (cluster.isPrimary) cluster.fork({ ROLE: 'web' });
        if (process.env.ROLE === 'web') startWeb();
        else new Redis();
      `,
      errors: [{ messageId: 'poolInPrimary', line: 5, column: 6 }],
    },
    // ---- a command no child is given: the primary's own, in a switch as in an else-if chain ----
    {
      code: code`
        const { fork } = require('node:child_process');
        const { Pool } = require('pg');
        const audit = new Pool({ max: 1 });
        switch (process.argv[2]) {
          case 'start':
            fork(__filename, ['--daemon'], { detached: true, stdio: 'ignore' }).unref();
            break;
          case '--daemon': {
            const pool = new Pool();
            break;
          }
          case 'migrate': {
            const pool = new Pool({ max: 1 });
            break;
          }
        }
      `,
      errors: [
        { messageId: 'poolBeforeFork', line: 3, column: 15 },
        { messageId: 'poolInPrimary', line: 13, column: 18 },
      ],
    },
    {
      code: code`
        const { fork } = require('node:child_process');
        const { Pool } = require('pg');
        const cmd = process.argv[2];
        if (cmd === '--daemon') {
          const pool = new Pool();
        } else if (cmd === 'start') {
          fork(__filename, ['--daemon'], { detached: true, stdio: 'ignore' }).unref();
        } else if (cmd === 'migrate') {
          const pool = new Pool({ max: 1 });
        }
      `,
      errors: [{ messageId: 'poolInPrimary', line: 9, column: 16 }],
    },
    // the case that forks falls through into 'migrate': the parent opens that pool
    {
      code: code`
        const { fork } = require('node:child_process');
        const { Pool } = require('pg');
        switch (process.argv[2]) {
          case '--daemon':
            new Pool();
            break;
          case 'start':
            fork(__filename, ['--daemon']);
          // falls through
          case 'migrate':
            new Pool({ max: 1 });
            break;
          default:
            new Pool({ max: 2 });
        }
      `,
      errors: [
        { messageId: 'poolInPrimary', line: 11, column: 5 },
        { messageId: 'poolInPrimary', line: 14, column: 5 },
      ],
    },
    // a fork that passes on what it was given may start a child with 'migrate'
    {
      code: code`
        const { fork } = require('node:child_process');
        const { Pool } = require('pg');
        switch (process.argv[2]) {
          case 'start':
            fork(__filename, process.argv.slice(3));
            break;
          case 'migrate':
            new Pool({ max: 1 });
            break;
        }
      `,
      options: [{ allowPrimaryPools: true }],
      errors: [{ messageId: 'poolBeforeFork', line: 8, column: 5 }],
    },
    // ---- the command line read as a list or through destructuring: the parent's side, and what is no guard ----
    {
      code: code`
        const { fork } = require('node:child_process');
        const { Pool } = require('pg');
        const args = process.argv.slice(2);
        const pool = new Pool();
        if (!args.includes('--child')) fork(__filename, ['--child']);
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 4, column: 14 }],
    },
    {
      code: code`
        const { fork } = require('node:child_process');
        const { Pool } = require('pg');
        if (process.argv.indexOf('--child') === -1) {
          const pool = new Pool();
          fork(__filename, ['--child']);
        }
      `,
      errors: [{ messageId: 'poolInPrimary', line: 4, column: 16 }],
    },
    {
      code: code`
        const { fork } = require('node:child_process');
        const { Pool } = require('pg');
        const [, , mode] = process.argv;
        if (mode !== 'child') {
          const pool = new Pool();
          fork(__filename, ['child']);
        }
      `,
      errors: [{ messageId: 'poolInPrimary', line: 5, column: 16 }],
    },
    // the child is given '--child', so it too finds mode !== 'child'
    {
      code: code`
        const { fork } = require('node:child_process');
        const { Pool } = require('pg');
        const [, , mode] = process.argv;
        if (mode !== 'child') {
          const pool = new Pool();
          fork(__filename, ['--child']);
        }
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 5, column: 16 }],
    },
    // slice(3) leaves out where the child finds its '--child': the child takes the else too
    {
      code: code`
        const { fork } = require('node:child_process');
        const { Pool } = require('pg');
        if (process.argv.slice(3).includes('--child')) {
          startChild();
        } else {
          fork(__filename, ['--child']);
          const pool = new Pool();
        }
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 7, column: 16 }],
    },
    // the child finds 'child' at index 2, not 3
    {
      code: code`
        const { fork } = require('node:child_process');
        const { Pool } = require('pg');
        const [, , , mode] = process.argv;
        if (mode !== 'child') {
          fork(__filename, ['child']);
          const pool = new Pool();
        }
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 6, column: 16 }],
    },
    // a default, a reassigned list and an index compared with another number are no guards
    {
      code: code`
        const { fork } = require('node:child_process');
        const { Pool } = require('pg');
        const [, , mode = 'child'] = process.argv;
        if (mode === 'child') new Pool();
        else fork(__filename, []);
        let args = process.argv.slice(2);
        if (process.env.DEBUG) args = ['--child'];
        if (args.includes('--child')) new Pool();
        else fork(__filename, ['--child']);
        if (process.argv.indexOf('--child') > 0) new Pool();
      `,
      errors: [
        { messageId: 'poolBeforeFork', line: 4, column: 23 },
        { messageId: 'poolBeforeFork', line: 8, column: 31 },
        { messageId: 'poolBeforeFork', line: 10, column: 42 },
      ],
    },
    // a falsy workerData proves nothing: a worker may be given none
    {
      code: code`
        const { Worker, workerData } = require('worker_threads');
        const Database = require('better-sqlite3');
        if (!workerData) {
          const db = new Database('app.db');
          new Worker(__filename);
        }
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 4, column: 14 }],
    },
    // an async helper returns a promise, which is always truthy
    {
      code: code`
        const cluster = require('cluster');
        const mongoose = require('mongoose');
        async function isPrimaryProcess() {
          return cluster.isPrimary;
        }
        if (isPrimaryProcess()) cluster.fork();
        else mongoose.connect(process.env.MONGO_URL);
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 7, column: 6 }],
    },
    // a guarded call of a local function makes the function the fork logic
    {
      code: code`
        const cluster = require('cluster');
        const { Pool } = require('pg');
        function boot() {
          const pool = new Pool();
          if (cluster.isWorker) listen(pool);
        }
        const listen = function (pool) {};
        if (cluster.isPrimary) cluster.fork();
        boot();
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 4, column: 16 }],
    },
    // other spellings of this file
    {
      code: code`
        const { fork } = require('child_process');
        const path = require('path');
        const { Pool } = require('pg');
        const pool = new Pool();
        if (!process.send) fork(path.resolve(__filename));
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 4, column: 14 }],
    },
    {
      code: code`
        const { fork } = require('child_process');
        const { Pool } = require('pg');
        const pool = new Pool();
        if (!process.send) fork(require.main.filename);
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 3, column: 14 }],
    },
    {
      code: code`
        const { fork } = require('node:child_process');
        const { join, basename } = require('node:path');
        const { Pool } = require('pg');
        const pool = new Pool();
        fork(join(__dirname, basename(__filename)));
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 4, column: 14 }],
    },
    {
      code: code`
        import { Worker } from 'node:worker_threads';
        import * as path from 'node:path';
        import { fileURLToPath } from 'node:url';
        import postgres from 'postgres';
        const sql = postgres();
        new Worker(path.normalize(fileURLToPath(import.meta.url)));
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 5, column: 13 }],
    },
    // a fork that names this very file: its name beside it, resolved, or as a URL beside it
    {
      code: code`
        const { fork } = require('child_process');
        const path = require('path');
        const { Pool } = require('pg');
        const pool = new Pool();
        if (!process.send) fork(path.join(__dirname, 'server.js'));
      `,
      filename: SERVER_JS,
      errors: [{ messageId: 'poolBeforeFork', line: 4, column: 14 }],
    },
    {
      code: code`
        const { fork } = require('child_process');
        const { Pool } = require('pg');
        const pool = new Pool();
        if (!process.send) fork(require.resolve('./server'));
      `,
      filename: SERVER_JS,
      errors: [{ messageId: 'poolBeforeFork', line: 3, column: 14 }],
    },
    {
      code: code`
        const { Worker, isMainThread } = require('worker_threads');
        const path = require('path');
        const { Pool } = require('pg');
        const pool = new Pool();
        if (isMainThread) new Worker(path.resolve(__dirname, 'server.js'));
      `,
      filename: SERVER_JS,
      errors: [{ messageId: 'poolBeforeFork', line: 4, column: 14 }],
    },
    {
      code: code`
        import { Worker, isMainThread } from 'node:worker_threads';
        import pg from 'pg';
        const pool = new pg.Pool();
        if (isMainThread) new Worker(new URL('./server.mjs', import.meta.url));
      `,
      filename: SERVER_MJS,
      errors: [{ messageId: 'poolBeforeFork', line: 3, column: 14 }],
    },
    // its name built from the directory by concatenation or a template
    {
      code: code`
        const { fork } = require('child_process');
        const { Pool } = require('pg');
        const pool = new Pool();
        if (!process.send) fork(__dirname + '/server.js');
      `,
      filename: SERVER_JS,
      errors: [{ messageId: 'poolBeforeFork', line: 3, column: 14 }],
    },
    {
      code: code`
        const { fork } = require('child_process');
        const { Pool } = require('pg');
        const NAME = 'server';
        const pool = new Pool();
        if (!process.send) fork(\`\${__dirname}/\${NAME}.js\`);
      `,
      filename: SERVER_JS,
      errors: [{ messageId: 'poolBeforeFork', line: 4, column: 14 }],
    },
    {
      code: code`
        import { Worker, isMainThread } from 'node:worker_threads';
        import pg from 'pg';
        const pool = new pg.Pool();
        if (isMainThread) new Worker(import.meta.dirname + '/' + 'server.mjs');
      `,
      filename: SERVER_MJS,
      errors: [{ messageId: 'poolBeforeFork', line: 3, column: 14 }],
    },
    // in a constant, and the compiled twin of a TypeScript file
    {
      code: code`
        import { fork } from 'node:child_process';
        import * as path from 'node:path';
        import { Pool } from 'pg';
        const SELF = path.join(__dirname, 'server.js');
        const pool = new Pool();
        fork(SELF);
      `,
      filename: SERVER_TS,
      errors: [{ messageId: 'poolBeforeFork', line: 5, column: 14 }],
    },
  ],
});
