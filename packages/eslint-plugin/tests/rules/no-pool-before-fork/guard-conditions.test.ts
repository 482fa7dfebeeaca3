/**
 * Guards inside larger conditions: a switch on a guard, a guard and another condition,
 * modes that are no guard, `??`, and a role a guard chooses by a ternary, its values
 * written inline or held in constants, enums and objects of roles.
 */
import { code, RuleTester } from '../../rule-tester';
import rule from '../../../src/rules/no-pool-before-fork';
import { inBothModuleSystems } from './shared';

const ruleTester = new RuleTester();

ruleTester.run('no-pool-before-fork', rule, {
  valid: [
    // ---- a switch on a guard: each case like an if branch ----
    code`
      import cluster from 'node:cluster';
      import { Pool } from 'pg';
      switch (cluster.isPrimary) {
        case true:
          cluster.fork();
          break;
        default: {
          const pool = new Pool();
        }
      }
    `,
    code`
      import cluster from 'node:cluster';
      import { Pool } from 'pg';
      switch (true) {
        case cluster.isPrimary:
          cluster.fork();
          break;
        default:
          new Pool();
      }
    `,
    code`
      const cluster = require('cluster');
      const { Pool } = require('pg');
      switch (cluster.isWorker) {
        case false:
          cluster.fork();
          break;
        case true:
          new Pool();
      }
    `,
    // cases grouped on values a self-fork hands the child
    code`
      const { fork } = require('child_process');
      const { Pool } = require('pg');
      switch (process.argv[2]) {
        case 'reader':
        case 'writer':
          new Pool();
          break;
        default:
          fork(__filename, ['reader']);
          fork(__filename, ['writer']);
      }
    `,
    // ---- a guard and another condition: the other way runs where nothing forks ----
    // optional cluster mode: the else runs in workers, or in a primary that never forks
    code`
      import cluster from 'node:cluster';
      import { Pool } from 'pg';
      if (process.env.CLUSTER === '1' && cluster.isPrimary) {
        for (let i = 0; i < 4; i++) cluster.fork();
      } else {
        const pool = new Pool({ max: 5 });
      }
    `,
    // the same with an early return, in a function called once as the module loads
    code`
      import cluster from 'node:cluster';
      import { Pool } from 'pg';
      async function startSupervisor({ workers = 1 } = {}) {
        if (cluster.isPrimary && workers > 1) {
          for (let i = 0; i < workers; i++) cluster.fork();
          return;
        }
        const pool = new Pool({ max: 5 });
        await pool.query('select 1');
      }
      startSupervisor({ workers: Number(process.env.WORKERS) }).catch(console.error);
    `,
    // a const arrow called once, from a function called once, inside an `if` that runs once
    code`
      const cluster = require('cluster');
      const { Pool } = require('pg');
      const place = clustered => {
        if (clustered && cluster.isPrimary) cluster.fork();
        else new Pool();
      };
      function main() {
        place(process.env.CLUSTER === '1');
      }
      if (require.main === module) main();
    `,
    // an IIFE, and a callback a scheduler runs once
    code`
      const cluster = require('cluster');
      const { Pool } = require('pg');
      (() => {
        if (process.env.CLUSTER === '1' && cluster.isPrimary) cluster.fork();
        else new Pool();
      })();
    `,
    code`
      const cluster = require('cluster');
      const { Pool } = require('pg');
      function main() {
        if (process.env.CLUSTER === '1' && cluster.isPrimary) cluster.fork();
        else new Pool();
      }
      setImmediate(main);
    `,
    // the fork in a function called only from the arm: the other arm still never forks
    code`
      const cluster = require('node:cluster');
      const os = require('node:os');
      const { Pool } = require('pg');
      function startPrimary() {
        for (let i = 0; i < os.availableParallelism(); i++) cluster.fork();
        cluster.on('exit', () => cluster.fork());
      }
      function startServer() {
        const pool = new Pool({ max: 10 });
        return pool;
      }
      if (process.env.CLUSTER === '1' && cluster.isPrimary) {
        startPrimary();
      } else {
        startServer();
      }
    `,
    code`
      const cluster = require('node:cluster');
      const { Pool } = require('pg');
      function serve() { return new Pool({ max: 2 }); }
      function supervise() { for (let i = 0; i < 2; i++) cluster.fork(); }
      process.env.CLUSTER === '1' && cluster.isPrimary ? supervise() : serve();
    `,
    // after the early return, through a function called only there
    code`
      import cluster from 'node:cluster';
      import { Pool } from 'pg';
      const forkAll = (n: number) => { for (let i = 0; i < n; i++) cluster.fork(); };
      function main() {
        const workers = Number(process.env.WORKERS || 1);
        if (workers > 1 && cluster.isPrimary) {
          forkAll(workers);
          return;
        }
        new Pool();
      }
      main();
    `,
    // ---- a mode that is no guard: a process that takes the way without the forks never forks ----
    // single-process mode before the fork guard, in an else-if chain
    ...inBothModuleSystems(code`
      const workers = Number(process.env.WEB_CONCURRENCY || 1);
      if (workers === 1) {
        const pool = new Pool({ max: 10 });
      } else if (cluster.isPrimary) {
        for (let i = 0; i < workers; i++) cluster.fork();
        cluster.on('exit', () => cluster.fork());
      } else {
        const pool = new Pool({ max: 10 });
      }
    `),
    // the same as a nested if
    ...inBothModuleSystems(code`
      const workers = Number(process.env.WEB_CONCURRENCY || 1);
      if (workers > 1) {
        if (cluster.isPrimary) {
          for (let i = 0; i < workers; i++) cluster.fork();
        } else {
          const pool = new Pool({ max: 10 });
        }
      } else {
        const pool = new Pool({ max: 10 });
      }
    `),
    // as a switch (true), each case ending in break
    ...inBothModuleSystems(code`
      const workers = Number(process.env.WEB_CONCURRENCY || 1);
      switch (true) {
        case workers === 1: {
          const pool = new Pool({ max: 10 });
          break;
        }
        case cluster.isPrimary:
          for (let i = 0; i < workers; i++) cluster.fork();
          break;
        default: {
          const pool = new Pool({ max: 10 });
        }
      }
    `),
    // with early returns, in a function called once as the module loads
    code`
      const cluster = require('node:cluster');
      const { Pool } = require('pg');
      const workers = Number(process.env.WEB_CONCURRENCY || 1);
      function main() {
        if (workers === 1) {
          const pool = new Pool({ max: 10 });
          return;
        }
        if (cluster.isPrimary) {
          for (let i = 0; i < workers; i++) cluster.fork();
          return;
        }
        const pool = new Pool({ max: 10 });
      }
      main();
    `,
    code`
      import cluster from 'node:cluster';
      import { Pool } from 'pg';
      const workers = Number(process.env.WEB_CONCURRENCY || 1);
      async function main() {
        if (workers === 1) {
          const pool = new Pool({ max: 10 });
          await pool.query('select 1');
          return;
        }
        if (cluster.isPrimary) {
          for (let i = 0; i < workers; i++) cluster.fork();
          return;
        }
        const pool = new Pool({ max: 10 });
      }
      await main();
    `,
    // a ternary, and the forks in a function called only from the primary's branch
    code`
      const cluster = require('node:cluster');
      const { Pool } = require('pg');
      const workers = Number(process.env.WEB_CONCURRENCY || 1);
      function supervise() { for (let i = 0; i < workers; i++) cluster.fork(); }
      const pool = workers === 1 ? new Pool() : cluster.isPrimary ? supervise() : new Pool();
    `,
    // a switch on a role set from a one-sided guard: its default is apart from the primary's case
    code`
      const cluster = require('node:cluster');
      const { Pool } = require('pg');
      const role = process.env.CLUSTER === '1' && cluster.isPrimary ? 'primary' : 'worker';
      switch (role) {
        case 'primary':
          cluster.fork();
          break;
        default:
          new Pool();
      }
    `,
    // a switch case that throws before the forks after the switch
    code`
      const cluster = require('node:cluster');
      const { Pool } = require('pg');
      function main(mode) {
        switch (mode) {
          case 'check': {
            const pool = new Pool({ max: 1 });
            throw new Error('checked');
          }
        }
        if (cluster.isPrimary) cluster.fork();
      }
      main(process.env.MODE);
    `,
    // ---- `??` reads like `||` ----
    code`
      import cluster from 'node:cluster';
      import { Pool } from 'pg';
      const isPrimary = cluster.isPrimary ?? cluster.isMaster;
      if (isPrimary) {
        cluster.fork();
      } else {
        const pool = new Pool({ max: 5 });
      }
    `,
    code`
      const cluster = require('cluster');
      const { Pool } = require('pg');
      if ((cluster.isPrimary ?? cluster.isMaster) === true) cluster.fork();
      else new Pool();
    `,
    // ---- a role a guard chooses by a ternary: comparing it reads as the guard ----
    code`
      const cluster = require('node:cluster');
      const { Pool } = require('pg');
      const role = cluster.isPrimary ? 'primary' : 'worker';
      if (role === 'primary') { for (let i = 0; i < 2; i++) cluster.fork(); }
      else { const pool = new Pool(); }
    `,
    // a `let` never reassigned, compared the other way round and with `!==`
    code`
      import cluster from 'node:cluster';
      import { Pool } from 'pg';
      let role = cluster.isPrimary ? 'primary' : 'worker';
      if ('worker' !== role) cluster.fork();
      else new Pool();
    `,
    code`
      const cluster = require('cluster');
      const { Pool } = require('pg');
      const role = cluster.isWorker ? ('worker' as const) : ('primary' as const);
      switch (role) {
        case 'primary':
          cluster.fork();
          break;
        default:
          new Pool();
      }
    `,
    code`
      import { Worker, isMainThread } from 'node:worker_threads';
      import Database from 'better-sqlite3';
      const threadIndex = isMainThread ? 0 : 1;
      if (threadIndex === 1) new Database('app.db');
      else new Worker(new URL(import.meta.url));
    `,
    // a guard proving the primary one way only: the forks need its 'primary'
    code`
      const cluster = require('cluster');
      const { Pool } = require('pg');
      const role = process.env.CLUSTER === '1' && cluster.isPrimary ? 'primary' : 'single';
      if (role === 'primary') cluster.fork();
      else new Pool();
    `,
    // ---- the role's values held in constants: read as the literals they hold ----
    code`
      const cluster = require('node:cluster');
      const { Pool } = require('pg');
      const PRIMARY = 'primary';
      const role = cluster.isPrimary ? PRIMARY : 'worker';
      if (role === PRIMARY) { cluster.fork(); } else { const pool = new Pool(); }
    `,
    // a constant naming a constant, on the other side of `!==`, and in a case test
    code`
      import cluster from 'node:cluster';
      import { Pool } from 'pg';
      const WORKER = 'worker';
      const DEFAULT_ROLE = WORKER;
      const role = cluster.isPrimary ? 'primary' : DEFAULT_ROLE;
      if (WORKER !== role) cluster.fork();
      else new Pool();
      switch (role) {
        case DEFAULT_ROLE:
          new Pool();
      }
    `,
    // a string enum, and a numeric one counted from 0 (a const enum too)
    code`
      import cluster from 'node:cluster';
      import { Pool } from 'pg';
      enum Role { Primary = 'primary', Worker = 'worker' }
      const role: Role = cluster.isPrimary ? Role.Primary : Role.Worker;
      if (role === Role.Primary) { cluster.fork(); } else { const pool = new Pool(); }
    `,
    code`
      import cluster from 'node:cluster';
      import { Pool } from 'pg';
      const enum Role { Primary, Worker }
      const role = cluster.isPrimary ? Role.Primary : Role.Worker;
      switch (role) {
        case Role.Primary:
          cluster.fork();
          break;
        case Role.Worker: {
          const pool = new Pool();
          break;
        }
      }
    `,
    // implicit values count on from the member before: Worker is 6, not 1
    code`
      import cluster from 'node:cluster';
      import { Pool } from 'pg';
      enum Role { Primary = 5, Worker, Other = 1 }
      const role = cluster.isPrimary ? Role.Other : Role.Worker;
      if (role === 6) new Pool();
      else cluster.fork();
    `,
    // a frozen object of roles, and a plain one the file only reads
    code`
      const cluster = require('node:cluster');
      const { Pool } = require('pg');
      const ROLES = Object.freeze({ PRIMARY: 'primary', WORKER: 'worker' });
      const role = cluster.isPrimary ? ROLES.PRIMARY : ROLES.WORKER;
      if (role === ROLES.PRIMARY) { cluster.fork(); } else { const pool = new Pool(); }
      console.log(ROLES);
    `,
    code`
      import cluster from 'node:cluster';
      import { Pool } from 'pg';
      const ROLES = { PRIMARY: 'primary', WORKER: 'worker' } as const;
      const role = cluster.isPrimary ? ROLES.PRIMARY : ROLES.WORKER;
      if (role === ROLES['PRIMARY']) cluster.fork();
      else new Pool();
    `,
    // ---- worker_threads' threadId: 0 on the main thread, as isMainThread is true there ----
    code`
      const { Worker, threadId, parentPort } = require('node:worker_threads');
      const { Pool } = require('pg');
      if (threadId !== 0) { const pool = new Pool(); parentPort.on('message', () => {}); } else { new Worker(__filename); }
    `,
    code`
      import * as threads from 'node:worker_threads';
      import { Pool } from 'pg';
      if (threads.threadId === 0) new threads.Worker(new URL(import.meta.url));
      else new Pool();
      if (threads.threadId) new Pool();
    `,
  ],
  invalid: [
    // ---- a switch on a guard: a case entered from both sides is shared ----
    {
      code: code`
        import cluster from 'node:cluster';
        import { Pool } from 'pg';
        switch (cluster.isPrimary) {
          case true:
            cluster.fork();
          // falls through
          default:
            new Pool();
        }
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 8, column: 5 }],
    },
    {
      code: code`
        import cluster from 'node:cluster';
        import { Pool } from 'pg';
        switch (true) {
          case cluster.isPrimary:
            new Pool();
            cluster.fork();
            break;
          default:
            new Pool();
        }
      `,
      errors: [{ messageId: 'poolInPrimary', line: 5, column: 5 }],
    },
    // a value the parent may have been started with, and a guard of another fork kind
    {
      code: code`
        import cluster from 'node:cluster';
        import { isMainThread } from 'node:worker_threads';
        import { Pool } from 'pg';
        switch (process.env.MODE) {
          case 'db':
            new Pool();
        }
        switch (true) {
          case isMainThread:
            cluster.fork();
            break;
          default:
            new Pool();
        }
      `,
      errors: [
        { messageId: 'poolBeforeFork', line: 6, column: 5 },
        { messageId: 'poolBeforeFork', line: 13, column: 5 },
      ],
    },
    // ---- a guard and another condition: only where no process can take both ways ----
    // a second fork outside the branch: the primary without CLUSTER=1 forks there
    {
      code: code`
        const cluster = require('cluster');
        const { Pool } = require('pg');
        if (process.env.CLUSTER === '1' && cluster.isPrimary) cluster.fork();
        else new Pool();
        if (cluster.isPrimary) cluster.fork();
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 4, column: 6 }],
    },
    // in a loop, one primary may fork and then create
    {
      code: code`
        const cluster = require('cluster');
        const { Pool } = require('pg');
        for (const mode of ['1', '0']) {
          if (mode === '1' && cluster.isPrimary) cluster.fork();
          else new Pool();
        }
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 5, column: 8 }],
    },
    // likewise in an array method's callback
    {
      code: code`
        const cluster = require('cluster');
        const { Pool } = require('pg');
        ['1', '0'].forEach(mode => {
          if (mode === '1' && cluster.isPrimary) cluster.fork();
          else new Pool();
        });
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 5, column: 8 }],
    },
    // ---- a mode that is no guard: only where no process that takes the creation's way can fork ----
    // created before the chain: every process opens it
    {
      code: code`
        const cluster = require('node:cluster');
        const { Pool } = require('pg');
        const workers = Number(process.env.WEB_CONCURRENCY || 1);
        const pool = new Pool({ max: 10 });
        if (workers === 1) {
          pool.query('select 1');
        } else if (cluster.isPrimary) {
          for (let i = 0; i < workers; i++) cluster.fork();
        }
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 4, column: 14 }],
    },
    // in the mode's way that holds the fork: before its guard, and in the primary's branch
    {
      code: code`
        import cluster from 'node:cluster';
        import { Pool } from 'pg';
        const workers = Number(process.env.WEB_CONCURRENCY || 1);
        if (workers > 1) {
          const shared = new Pool({ max: 10 });
          if (cluster.isPrimary) {
            const metrics = new Pool({ max: 1 });
            for (let i = 0; i < workers; i++) cluster.fork();
          }
        } else {
          const pool = new Pool({ max: 10 });
        }
      `,
      errors: [
        { messageId: 'poolBeforeFork', line: 5, column: 18 },
        { messageId: 'poolInPrimary', line: 7, column: 21 },
      ],
    },
    {
      code: code`
        const cluster = require('node:cluster');
        const { Pool } = require('pg');
        const workers = Number(process.env.WEB_CONCURRENCY || 1);
        if (workers === 1) {
          const pool = new Pool({ max: 10 });
        } else if (cluster.isPrimary) {
          const metrics = new Pool({ max: 1 });
          for (let i = 0; i < workers; i++) cluster.fork();
        }
      `,
      errors: [{ messageId: 'poolInPrimary', line: 7, column: 19 }],
    },
    // no early exit: the single-process way falls through to the fork
    {
      code: code`
        const cluster = require('node:cluster');
        const { Pool } = require('pg');
        const workers = Number(process.env.WEB_CONCURRENCY || 1);
        if (workers === 1) {
          const pool = new Pool({ max: 10 });
        }
        if (cluster.isPrimary) {
          for (let i = 0; i < workers; i++) cluster.fork();
        }
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 5, column: 16 }],
    },
    {
      code: code`
        import cluster from 'node:cluster';
        import { Pool } from 'pg';
        const workers = Number(process.env.WEB_CONCURRENCY || 1);
        function main() {
          if (workers === 1) {
            const pool = new Pool({ max: 10 });
          }
          if (cluster.isPrimary) {
            for (let i = 0; i < workers; i++) cluster.fork();
            return;
          }
        }
        main();
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 6, column: 18 }],
    },
    // a case that falls through into the fork's case, and one the fork's case falls into
    {
      code: code`
        const cluster = require('node:cluster');
        const { Pool } = require('pg');
        const workers = Number(process.env.WEB_CONCURRENCY || 1);
        switch (true) {
          case workers === 1:
            new Pool({ max: 10 });
          // falls through
          case cluster.isPrimary:
            cluster.fork();
          // falls through
          case workers > 8:
            new Pool({ max: 1 });
            break;
          default:
            new Pool({ max: 10 });
        }
      `,
      errors: [
        { messageId: 'poolBeforeFork', line: 6, column: 5 },
        { messageId: 'poolBeforeFork', line: 12, column: 5 },
      ],
    },
    // a branch that runs more than once per process may take both ways: in a loop, or in a function called twice
    {
      code: code`
        const cluster = require('node:cluster');
        const { Pool } = require('pg');
        for (const workers of [1, 4]) {
          if (workers === 1) new Pool({ max: 10 });
          else if (cluster.isPrimary) cluster.fork();
        }
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 4, column: 22 }],
    },
    {
      code: code`
        import cluster from 'node:cluster';
        import { Pool } from 'pg';
        function start(workers: number) {
          if (workers === 1) {
            new Pool({ max: 10 });
            return;
          }
          if (cluster.isPrimary) cluster.fork();
        }
        start(1);
        start(4);
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 5, column: 5 }],
    },
    // a second fork outside the chain, in a handler
    {
      code: code`
        const cluster = require('node:cluster');
        const { Pool } = require('pg');
        const workers = Number(process.env.WEB_CONCURRENCY || 1);
        if (workers === 1) {
          const pool = new Pool({ max: 10 });
        } else if (cluster.isPrimary) {
          for (let i = 0; i < workers; i++) cluster.fork();
        }
        process.on('SIGHUP', () => cluster.isPrimary && cluster.fork());
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 5, column: 16 }],
    },
    // ---- `??` ----
    {
      code: code`
        import cluster from 'node:cluster';
        import { Pool } from 'pg';
        const isPrimary = cluster.isPrimary ?? cluster.isMaster;
        if (isPrimary) {
          const metrics = new Pool({ max: 1 });
          cluster.fork();
        }
      `,
      errors: [{ messageId: 'poolInPrimary', line: 5, column: 19 }],
    },
    // a left of '' or 0 never asks the right: false proves nothing
    {
      code: code`
        const cluster = require('cluster');
        const { Pool } = require('pg');
        if (process.env.FORCE_PRIMARY ?? cluster.isPrimary) cluster.fork();
        else new Pool();
        if (cluster.isPrimary) cluster.fork();
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 4, column: 6 }],
    },
    // ---- a role a guard chooses by a ternary ----
    // a pool at module scope beside it runs everywhere
    {
      code: code`
        const cluster = require('node:cluster');
        const { Pool } = require('pg');
        const role = cluster.isPrimary ? 'primary' : 'worker';
        const shared = new Pool();
        if (role === 'primary') cluster.fork();
        else new Pool();
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 4, column: 16 }],
    },
    {
      code: code`
        const cluster = require('node:cluster');
        const { Pool } = require('pg');
        const role = cluster.isPrimary ? 'primary' : 'worker';
        if (role === 'primary') {
          const metrics = new Pool({ max: 1 });
          cluster.fork();
        }
        switch (role) {
          case 'worker':
            break;
          default:
            new Pool();
        }
      `,
      errors: [
        { messageId: 'poolInPrimary', line: 5, column: 19 },
        { messageId: 'poolInPrimary', line: 12, column: 5 },
      ],
    },
    // reassigned, an arm that is no literal, an arm `==` may match either way, a value neither arm holds: no guard
    {
      code: code`
        import cluster from 'node:cluster';
        import { Pool } from 'pg';
        let role = cluster.isPrimary ? 'primary' : 'worker';
        if (process.env.FORCE) role = 'primary';
        if (role === 'primary') cluster.fork();
        else new Pool();
        const mode = cluster.isPrimary ? 'primary' : process.env.MODE;
        if (mode !== 'primary') new Pool();
        const index = cluster.isPrimary ? 0 : '0';
        if (index == 0) new Pool();
        const side = cluster.isPrimary ? 'primary' : 'worker';
        if (side === 'main') {} else new Pool();
      `,
      errors: [
        { messageId: 'poolBeforeFork', line: 6, column: 6 },
        { messageId: 'poolBeforeFork', line: 8, column: 25 },
        { messageId: 'poolBeforeFork', line: 10, column: 17 },
        { messageId: 'poolBeforeFork', line: 12, column: 30 },
      ],
    },
    // the primary's case falls through into the workers': shared
    {
      code: code`
        const cluster = require('cluster');
        const { Pool } = require('pg');
        const role = cluster.isPrimary ? 'primary' : 'worker';
        switch (role) {
          case 'primary':
            cluster.fork();
          case 'worker':
            new Pool();
        }
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 8, column: 5 }],
    },
    // ---- the role's values held in constants ----
    // read the right way round: a pool in the primary's branch, and one on the shared path
    {
      code: code`
        const cluster = require('node:cluster');
        const { Pool } = require('pg');
        const PRIMARY = 'primary';
        const role = cluster.isPrimary ? PRIMARY : 'worker';
        const shared = new Pool();
        if (role === PRIMARY) { new Pool(); cluster.fork(); }
      `,
      errors: [
        { messageId: 'poolBeforeFork', line: 5, column: 16 },
        { messageId: 'poolInPrimary', line: 6, column: 25 },
      ],
    },
    {
      code: code`
        import cluster from 'node:cluster';
        import { Pool } from 'pg';
        enum Role { Primary, Worker }
        const role = cluster.isPrimary ? Role.Primary : Role.Worker;
        switch (role) {
          case Role.Primary:
            new Pool();
            cluster.fork();
            break;
          case Role.Worker:
            break;
        }
        if (role !== Role.Worker) new Pool();
      `,
      errors: [
        { messageId: 'poolInPrimary', line: 7, column: 5 },
        { messageId: 'poolInPrimary', line: 13, column: 27 },
      ],
    },
    {
      code: code`
        const cluster = require('node:cluster');
        const { Pool } = require('pg');
        const ROLES = Object.freeze({ PRIMARY: 'primary', WORKER: 'worker' });
        const role = cluster.isPrimary ? ROLES.PRIMARY : ROLES.WORKER;
        if (role === ROLES.WORKER) cluster.fork();
        else new Pool();
      `,
      errors: [{ messageId: 'poolInPrimary', line: 6, column: 6 }],
    },
    // threadId read the right way round; another id than 0 tells no side apart
    {
      code: code`
        import { Worker, threadId } from 'node:worker_threads';
        import { Pool } from 'pg';
        if (threadId === 0) { new Pool(); new Worker(new URL(import.meta.url)); }
        if (threadId !== 1) new Pool();
      `,
      errors: [
        { messageId: 'poolInPrimary', line: 3, column: 23 },
        { messageId: 'poolBeforeFork', line: 4, column: 21 },
      ],
    },
    // values that may change are no guard: a reassigned constant, an object written to or handed on,
    // a member a spread may override, an enum member computed from another
    {
      code: code`
        import cluster from 'node:cluster';
        import { Pool } from 'pg';
        let PRIMARY = 'primary';
        if (process.env.SWAP) PRIMARY = 'worker';
        const role = cluster.isPrimary ? PRIMARY : 'worker';
        if (role === PRIMARY) cluster.fork();
        else new Pool();
        const ROLES = { PRIMARY: 'primary', WORKER: 'worker' };
        ROLES.PRIMARY = 'worker';
        const side = cluster.isPrimary ? ROLES.PRIMARY : ROLES.WORKER;
        if (side === ROLES.PRIMARY) {} else new Pool();
        const MODES = { PRIMARY: 'primary', WORKER: 'worker' };
        configure(MODES);
        const mode = cluster.isPrimary ? MODES.PRIMARY : MODES.WORKER;
        if (mode === MODES.PRIMARY) {} else new Pool();
        const KINDS = Object.freeze({ PRIMARY: 'primary', WORKER: 'worker', ...overrides });
        const kind = cluster.isPrimary ? KINDS.PRIMARY : KINDS.WORKER;
        if (kind === KINDS.PRIMARY) {} else new Pool();
        enum Place { Primary = 'primary'.length, Worker }
        const place = cluster.isPrimary ? Place.Primary : Place.Worker;
        if (place === Place.Primary) {} else new Pool();
      `,
      errors: [
        { messageId: 'poolBeforeFork', line: 7, column: 6 },
        { messageId: 'poolBeforeFork', line: 11, column: 37 },
        { messageId: 'poolBeforeFork', line: 15, column: 37 },
        { messageId: 'poolBeforeFork', line: 18, column: 37 },
        { messageId: 'poolBeforeFork', line: 21, column: 38 },
      ],
    },
  ],
});
