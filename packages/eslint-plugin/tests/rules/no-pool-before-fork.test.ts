/**
 * RuleTester cases for poolguard/no-pool-before-fork: every fork style
 * (cluster, child_process, worker_threads), every guard style, CommonJS, ESM
 * and TypeScript, cross-file cases against tests/fixtures/fork-graph, and the
 * typed mode against inline `declare module 'pg'` fixtures (and the modules
 * of tests/fixtures/fork-typed that they load).
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';

import { Linter } from 'eslint';
import { describe, it } from 'mocha';

import { code, RuleTester } from '../rule-tester';
import rule from '../../src/rules/no-pool-before-fork';


const GRAPH = path.join(__dirname, '..', 'fixtures', 'fork-graph');
/** The forking file of the cross-file cases; it need not exist, its neighbours do. */
const SERVER_JS = path.join(GRAPH, 'server.js');
const SERVER_MJS = path.join(GRAPH, 'server.mjs');
const SERVER_TS = path.join(GRAPH, 'server.ts');
const SUBPATH_SERVER_JS = path.join(GRAPH, 'subpath', 'src', 'server.js');
const ALIASED_SERVER_JS = path.join(GRAPH, 'aliased', 'src', 'server.js');
const BASE_URL_SERVER_TS = path.join(GRAPH, 'base-url', 'src', 'server.ts');

/** The same body under CommonJS requires and under ES imports of `cluster` and pg's `Pool`. */
function inBothModuleSystems(body: string): string[] {
  return [
    `const cluster = require('node:cluster');\nconst { Pool } = require('pg');\n${body}`,
    `import cluster from 'node:cluster';\nimport { Pool } from 'pg';\n${body}`,
  ];
}

const TYPED_DIR = path.join(__dirname, '..', 'fixtures', 'fork-typed');
const typedLanguageOptions = {
  parserOptions: { projectService: true, tsconfigRootDir: TYPED_DIR },
};
const TYPED_FILE = path.join(TYPED_DIR, 'file.ts');
/** Typed cases under compiler options that keep imports (tests/fixtures/fork-options). */
const OPTIONS_DIR = path.join(__dirname, '..', 'fixtures', 'fork-options');
const optionsCase = (dir: 'metadata' | 'verbatim') => ({
  filename: path.join(OPTIONS_DIR, dir, 'file.ts'),
  languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: path.join(OPTIONS_DIR, dir) } },
});

/** Inline library types for the typed cases: a script file, so `declare module` is ambient. */
const PG_MODULE = code`
  declare module 'pg' {
    export interface PoolConfig { max?: number }
    export class Pool { constructor(config?: PoolConfig); query(sql: string): Promise<unknown>; end(): Promise<void>
      on(event: 'error', listener: (err: Error) => void): this; connect(): Promise<Client> }
    export class Client { query(sql: string): Promise<unknown> }
  }
`;
/** Line numbers in typed cases count from the end of the prelude. */
const P = PG_MODULE.split('\n').length;

/** CommonJS lets a module `return` at top level. */
const commonjs = { parserOptions: { sourceType: 'script', ecmaFeatures: { globalReturn: true } } } as const;

const ruleTester = new RuleTester();

ruleTester.run('no-pool-before-fork', rule, {
  valid: [
    // ---- no self-fork: the rule stays silent ----
    code`
      const { Pool } = require('pg');
      const pool = new Pool();
      module.exports = pool;
    `,
    code`
      import { Pool } from 'pg';
      export const pool = new Pool();
    `,
    // commented-out fork code does not fork
    code`
      const cluster = require('cluster');
      const { Pool } = require('pg');
      const pool = new Pool();
      // if (cluster.isPrimary) cluster.fork();
      /* new Worker(__filename) */
    `,
    // forking another file is not a self-fork
    code`
      const { fork } = require('child_process');
      const { Pool } = require('pg');
      const pool = new Pool();
      fork('./worker.js');
    `,
    code`
      import { Worker } from 'node:worker_threads';
      import { Pool } from 'pg';
      const pool = new Pool();
      new Worker(new URL('./worker.js', import.meta.url));
    `,
    // the directory, not this file
    code`
      import { Worker } from 'node:worker_threads';
      import postgres from 'postgres';
      const sql = postgres();
      new Worker(new URL('.', import.meta.url));
    `,
    // a neighbour named beside this file (another name, extension or directory) is no self-fork
    {
      code: code`
        const { fork } = require('child_process');
        const path = require('path');
        const { Pool } = require('pg');
        const pool = new Pool();
        fork(path.join(__dirname, 'server-child.js'));
        fork(require.resolve('./server.json'));
        fork(path.join(__dirname, 'lib', 'server.js'));
      `,
      filename: SERVER_JS,
    },
    // built by concatenation: another name, no separator after the directory, or text the file does not show
    {
      code: code`
        const { fork } = require('child_process');
        const { Pool } = require('pg');
        const pool = new Pool();
        fork(__dirname + '/server-child.js');
        fork(__dirname + 'server.js');
        fork(\`\${__dirname}/lib/server.js\`);
        fork(\`\${__dirname}/\${process.env.NAME}\`);
        fork(\`/srv/\${__dirname}/server.js\`);
      `,
      filename: SERVER_JS,
    },
    {
      code: code`
        import { Worker } from 'node:worker_threads';
        import pg from 'pg';
        const pool = new pg.Pool();
        new Worker(new URL('./server.js', import.meta.url));
      `,
      filename: SERVER_MJS,
    },
    // unknown targets and odd arguments never crash, never report
    code`
      const { Worker } = require('worker_threads');
      const { Pool } = require('pg');
      const pool = new Pool();
      new Worker(someVar);
      new Worker(...args);
      new Worker();
    `,
    // a fork() that is not child_process's
    code`
      const { Pool } = require('pg');
      const pool = new Pool();
      const fork = () => {};
      fork(__filename);
      repo.fork(__filename);
    `,
    // setupPrimary({ exec }) to another file: the primary's pools are its own business
    code`
      const cluster = require('cluster');
      const { Pool } = require('pg');
      cluster.setupPrimary({ exec: './worker.js' });
      const pool = new Pool();
      for (let i = 0; i < 4; i++) cluster.fork();
    `,
    code`
      import cluster from 'node:cluster';
      import path from 'node:path';
      import { Pool } from 'pg';
      cluster.setupMaster({ exec: path.join(__dirname, 'worker.js') });
      const audit = new Pool();
      cluster.fork();
    `,

    // the settings in a constant
    code`
      const cluster = require('cluster');
      const { Pool } = require('pg');
      const settings = { exec: './worker.js' };
      cluster.setupPrimary(settings);
      const audit = new Pool();
      cluster.fork();
    `,
    code`
      import cluster from 'node:cluster';
      import path from 'node:path';
      import { Pool } from 'pg';
      const settings = { exec: path.join(import.meta.dirname, 'worker.js'), silent: true } as const;
      cluster.setupMaster(settings);
      const audit = new Pool();
      cluster.fork();
    `,
    // ---- cluster guards ----
    // `Boolean(guard)` is the guard, as `!!guard` is
    code`
      const cluster = require('cluster');
      const { Pool } = require('pg');
      if (Boolean(cluster.isWorker)) {
        new Pool();
      } else {
        cluster.fork();
      }
    `,
    code`
      const cluster = require('cluster');
      const { Pool } = require('pg');
      if (!Boolean(cluster.isPrimary)) new Pool();
      else cluster.fork();
    `,
    code`
      const cluster = require('cluster');
      const { Pool } = require('pg');
      if (cluster.isPrimary) {
        for (let i = 0; i < 4; i++) cluster.fork();
      } else {
        const pool = new Pool();
      }
    `,
    code`
      const cluster = require('node:cluster');
      const pg = require('pg');
      if (cluster.isMaster) {
        cluster.fork();
      } else {
        const pool = new pg.Pool();
      }
    `,
    code`
      import cluster from 'node:cluster';
      import { Pool } from 'pg';
      if (cluster.isWorker) {
        const pool = new Pool();
      } else {
        cluster.fork();
      }
    `,
    code`
      import cluster from 'cluster';
      import mysql from 'mysql2/promise';
      if (!cluster.isPrimary) {
        const pool = mysql.createPool({});
      } else {
        cluster.fork();
      }
    `,
    // destructured aliases of the guard and of fork
    code`
      const { isPrimary, fork } = require('cluster');
      const { Pool } = require('pg');
      if (isPrimary) fork();
      else new Pool();
    `,
    code`
      import cluster from 'node:cluster';
      import { Pool } from 'pg';
      const { isPrimary: primary } = cluster;
      if (primary) cluster.fork();
      else new Pool();
    `,
    code`
      const cluster = require('cluster');
      const { Pool } = require('pg');
      const isMain = cluster.isPrimary;
      const isChild = !isMain;
      if (isChild) new Pool();
      else cluster.fork();
    `,
    code`
      import { isPrimary, fork } from 'node:cluster';
      import knex from 'knex';
      if (isPrimary === false) knex({});
      else fork();
    `,
    // ternaries and short-circuits
    code`
      const cluster = require('cluster');
      const { Pool } = require('pg');
      if (cluster.isPrimary) cluster.fork();
      const pool = cluster.isPrimary ? null : new Pool();
    `,
    code`
      const cluster = require('cluster');
      const { Pool } = require('pg');
      if (cluster.isPrimary) cluster.fork();
      const pool = cluster.isWorker && new Pool();
      const other = cluster.isPrimary || new Pool();
    `,
    // else-if chains stay on the worker side
    code`
      const cluster = require('cluster');
      const { Pool } = require('pg');
      if (cluster.isPrimary) {
        cluster.fork();
      } else if (process.env.ROLE === 'api') {
        new Pool();
      }
    `,
    // early return at module level: valid in CommonJS
    {
      code: code`
        const cluster = require('cluster');
        const { Pool } = require('pg');
        if (cluster.isPrimary) {
          cluster.fork();
          return;
        }
        const pool = new Pool();
      `,
      languageOptions: commonjs,
    },
    // early return inside main()
    code`
      import cluster from 'node:cluster';
      import { Pool } from 'pg';
      async function main() {
        if (cluster.isPrimary) {
          for (let i = 0; i < 4; i++) cluster.fork();
          return;
        }
        const pool = new Pool();
        await pool.query('select 1');
      }
      void main();
    `,
    // early exit with an else that throws
    code`
      const cluster = require('cluster');
      const { Pool } = require('pg');
      function start() {
        if (cluster.isWorker) {
        } else {
          cluster.fork();
          throw new Error('primary stops here');
        }
        return new Pool();
      }
      start();
    `,
    // allowPrimaryPools
    {
      code: code`
        const cluster = require('cluster');
        const { Pool } = require('pg');
        if (cluster.isPrimary) {
          const metrics = new Pool();
          cluster.fork();
        }
      `,
      options: [{ allowPrimaryPools: true }],
    },

    // ---- worker_threads guards ----
    code`
      const { Worker, isMainThread } = require('worker_threads');
      const { Pool } = require('pg');
      if (isMainThread) {
        new Worker(__filename);
      } else {
        const pool = new Pool();
      }
    `,
    code`
      import { Worker, isMainThread } from 'node:worker_threads';
      import { Pool } from 'pg';
      if (!isMainThread) {
        const pool = new Pool();
      } else {
        new Worker(new URL(import.meta.url));
      }
    `,
    code`
      import * as wt from 'node:worker_threads';
      import { fileURLToPath } from 'node:url';
      import Redis from 'ioredis';
      if (wt.isMainThread) new wt.Worker(fileURLToPath(import.meta.url));
      else new Redis();
    `,

    // parentPort is null on the main thread and set in a worker
    code`
      import { Worker, parentPort } from 'node:worker_threads';
      import { Pool } from 'pg';
      if (parentPort) {
        const pool = new Pool();
        parentPort.on('message', async sql => parentPort!.postMessage((await pool.query(sql)).rows));
      } else {
        new Worker(new URL(import.meta.url));
      }
    `,
    code`
      const { Worker, parentPort } = require('worker_threads');
      const { Pool } = require('pg');
      if (parentPort === null) new Worker(__filename);
      else new Pool();
    `,
    {
      code: code`
        const wt = require('node:worker_threads');
        const { Pool } = require('pg');
        if (!wt.parentPort) {
          new wt.Worker(__filename);
          return;
        }
        const pool = new Pool();
      `,
      languageOptions: commonjs,
    },

    // ---- child_process guards ----
    code`
      const { fork } = require('child_process');
      const { Pool } = require('pg');
      if (process.send) {
        const pool = new Pool();
      } else {
        fork(__filename);
      }
    `,
    code`
      import { fork } from 'node:child_process';
      import { Pool } from 'pg';
      if (typeof process.send === 'function') {
        const pool = new Pool();
      } else {
        fork(process.argv[1]);
      }
    `,
    code`
      const cp = require('node:child_process');
      const { Pool } = require('pg');
      if (typeof process.send !== 'function') cp.fork(__filename);
      else new Pool();
    `,
    code`
      const cluster = require('cluster');
      const { Pool } = require('pg');
      if (process.env.NODE_UNIQUE_ID) {
        new Pool();
      } else {
        cluster.fork();
      }
    `,
    code`
      const cluster = require('cluster');
      const { Pool } = require('pg');
      if (!('NODE_UNIQUE_ID' in process.env)) cluster.fork();
      else new Pool();
    `,

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

    // ---- functions that are not the fork logic are factories ----
    code`
      const cluster = require('cluster');
      const { Pool } = require('pg');
      function makePool() {
        return new Pool();
      }
      if (cluster.isPrimary) cluster.fork();
      else makePool();
    `,
    code`
      const cluster = require('cluster');
      const { Pool } = require('pg');
      if (!cluster.isPrimary) {
        process.on('message', () => new Pool());
      } else {
        cluster.fork();
      }
    `,
    // a guard read as a value (a name, a size, a handler) does not make a factory the fork logic
    code`
      const cluster = require('cluster');
      const { Pool } = require('pg');
      function createPool() {
        return new Pool({ application_name: \`worker-\${cluster.worker.id}\` });
      }
      if (cluster.isPrimary) cluster.fork();
      else createPool();
    `,
    code`
      const cluster = require('cluster');
      const { Pool } = require('pg');
      function createPool() {
        return new Pool({ max: cluster.isWorker ? 5 : 1 });
      }
      if (cluster.isPrimary) cluster.fork();
      else createPool();
    `,
    code`
      const cluster = require('cluster');
      const express = require('express');
      const { Pool } = require('pg');
      function createApp() {
        const pool = new Pool();
        const app = express();
        app.use((req, res, next) => {
          if (cluster.worker) res.set('x-worker', String(cluster.worker?.id));
          next();
        });
        app.get('/', async (req, res) => res.json((await pool.query('select 1')).rows));
        return app;
      }
      if (cluster.isPrimary) cluster.fork();
      else createApp().listen(3000);
    `,
    // an instance field initializer runs on `new`, like a constructor: a factory
    code`
      const cluster = require('cluster');
      const { Pool } = require('pg');
      class Repo {
        pool = new Pool();
        #replica = new Pool({ max: 2 });
      }
      if (cluster.isPrimary) cluster.fork();
      else new Repo();
    `,
    {
      code: code`
        import cluster from 'node:cluster';
        import { Pool } from 'pg';
        function Injectable(): ClassDecorator {
          return () => {};
        }
        @Injectable()
        export class DbService {
          private readonly pool = new Pool({ max: 10 });
          accessor replica = new Pool({ max: 2 });
          query(sql: string) {
            return this.pool.query(sql);
          }
        }
        if (cluster.isPrimary) {
          cluster.fork();
        } else {
          new DbService();
        }
      `,
      filename: 'server.ts',
    },
    // a constructor runs on `new`: only in a handler, or never, is no pool at load
    code`
      const cluster = require('cluster');
      const { Pool } = require('pg');
      class Repo {
        constructor() {
          this.pool = new Pool();
        }
      }
      if (cluster.isPrimary) cluster.fork();
      else process.on('message', () => new Repo());
    `,
    code`
      import cluster from 'node:cluster';
      import { Pool } from 'pg';
      export class Repo {
        pool = new Pool();
      }
      if (cluster.isPrimary) cluster.fork();
    `,
    // a class that is reassigned may not be the one constructed
    code`
      const cluster = require('cluster');
      const { Pool } = require('pg');
      let Repo = class {
        pool = new Pool();
      };
      Repo = class {};
      new Repo();
      cluster.fork();
    `,
    // `import type` loads nothing
    code`
      import cluster from 'node:cluster';
      import type { Pool } from 'pg';
      declare const Pool: { new (): Pool };
      const pool = new Pool();
      cluster.fork();
    `,
    code`
      import cluster from 'node:cluster';
      import { type Pool } from 'pg';
      let pool: Pool | undefined;
      if (cluster.isPrimary) cluster.fork();
    `,
    // computed members that cannot be resolved are not creators
    code`
      const cluster = require('cluster');
      const pg = require('pg');
      const pool = new pg[name]();
      cluster.fork();
    `,
    // a creator the option adds, in the worker branch
    {
      code: code`
        import cluster from 'node:cluster';
        import { connect } from '@acme/db';
        if (cluster.isPrimary) cluster.fork();
        else connect();
      `,
      options: [{ creators: [{ package: '@acme/db', factories: ['connect'] }] }],
    },

    // CommonJS early return from the worker side at module level
    {
      code: code`
        const { Worker, isMainThread } = require('worker_threads');
        const { Pool } = require('pg');
        if (!isMainThread) {
          const pool = new Pool();
          return;
        }
        new Worker(__filename);
      `,
      languageOptions: commonjs,
    },
    // TypeScript's import-equals in the worker branch
    {
      code: code`
        import cluster = require('node:cluster');
        import pg = require('pg');
        if (cluster.isPrimary) cluster.fork();
        else new pg.Client();
      `,
      filename: 'server.ts',
    },
    // an unrelated `fork` text, no fork call
    code`
      const { Pool } = require('pg');
      const forked = 'fork';
      const pool = new Pool();
    `,
    // a guarded statement that only tweaks the factory's own work leaves it a factory
    code`
      const cluster = require('cluster');
      const { Pool } = require('pg');
      function createPool() {
        const opts = { max: 10 };
        if (cluster.isWorker) opts.application_name = 'worker-' + cluster.worker.id;
        return new Pool(opts);
      }
      if (cluster.isPrimary) {
        for (let i = 0; i < 4; i++) cluster.fork();
      } else {
        createPool().query('select 1');
      }
    `,
    code`
      const { fork } = require('child_process');
      const { Pool } = require('pg');
      function connect() {
        const pool = new Pool();
        process.send && process.send({ type: 'connected' });
        return pool;
      }
      if (process.send) {
        connect().query('select 1');
      } else {
        fork(__filename);
      }
    `,
    // a path built from the directory and another name is not this file
    code`
      const { fork } = require('child_process');
      const path = require('path');
      const { Pool } = require('pg');
      const pool = new Pool();
      fork(path.resolve(__dirname, 'worker.js'));
      fork(path.join(__dirname, path.basename('worker.js')));
    `,
    // ---- cross-file: the module graph ----
    // a db module that only exports a factory
    {
      code: code`
        const cluster = require('cluster');
        const { makePool } = require('./db-factory');
        if (cluster.isPrimary) cluster.fork();
        else makePool();
      `,
      filename: SERVER_JS,
    },
    {
      code: code`
        import cluster from 'node:cluster';
        import { getPool } from './db-lazy.mjs';
        if (cluster.isPrimary) cluster.fork();
        else await getPool().query('select 1');
      `,
      filename: SERVER_MJS,
    },
    // over several lines, a module that creates nothing at load is as silent
    {
      code: code`
        import cluster from 'node:cluster';
        export {
          getPool,
        } from './db-lazy.mjs';
        if (cluster.isPrimary) cluster.fork();
      `,
      filename: SERVER_MJS,
    },
    // a module that only declares a class whose instances open the pool
    {
      code: code`
        const cluster = require('cluster');
        const { Db } = require('./db-class');
        if (cluster.isPrimary) cluster.fork();
        else new Db();
      `,
      filename: SERVER_JS,
    },
    // an imported class constructed only in the child, or one whose pool opens in a method, not on `new`
    {
      code: code`
        import cluster from 'node:cluster';
        import { DatabaseService, LazyService } from './ts/db-service';
        import Repo from './class-constructor.mjs';
        const lazy = new LazyService();
        if (cluster.isPrimary) {
          cluster.fork();
        } else {
          const db = new DatabaseService();
          new Repo();
        }
      `,
      filename: SERVER_TS,
    },
    // the primary's own pool, allowed
    {
      code: code`
        import cluster from 'node:cluster';
        import { DatabaseService } from './ts/db-service';
        if (cluster.isPrimary) {
          const db = new DatabaseService();
          cluster.fork();
        }
      `,
      filename: SERVER_TS,
      options: [{ allowPrimaryPools: true }],
    },
    // `import type x = require()` loads nothing
    {
      code: code`
        import cluster = require('node:cluster');
        import type db = require('./ts/db');
        if (cluster.isPrimary) cluster.fork();
      `,
      filename: SERVER_TS,
    },
    // a module that guards its own creation
    {
      code: code`
        const cluster = require('cluster');
        const { pool } = require('./db-guarded');
        if (cluster.isPrimary) cluster.fork();
      `,
      filename: SERVER_JS,
    },
    // lazy require() / import() inside the worker branch
    {
      code: code`
        const cluster = require('cluster');
        if (cluster.isPrimary) {
          cluster.fork();
        } else {
          const pool = require('./db-creates');
        }
      `,
      filename: SERVER_JS,
    },
    {
      code: code`
        import { Worker, isMainThread } from 'node:worker_threads';
        if (isMainThread) {
          new Worker(new URL(import.meta.url));
        } else {
          const { pool } = await import('./ts/db.js');
        }
      `,
      filename: SERVER_MJS,
    },
    // a lazy load in the primary's branch, where the primary's pools are allowed
    {
      code: code`
        const cluster = require('cluster');
        if (cluster.isPrimary) {
          const pool = require('./db-creates');
          cluster.fork();
        }
      `,
      filename: SERVER_JS,
      options: [{ allowPrimaryPools: true }],
    },
    // a lazy load in the primary's branch of a module that only exports a factory
    {
      code: code`
        const cluster = require('cluster');
        if (cluster.isPrimary) {
          const { makePool } = require('./db-factory');
          cluster.fork();
        }
      `,
      filename: SERVER_JS,
    },
    // an imported factory called only in a handler, or one whose call opens no pool
    {
      code: code`
        import cluster from 'node:cluster';
        import { getPool } from './db-lazy.mjs';
        import { build, later, ping, label } from './factory-deferred.mjs';
        process.on('message', () => getPool());
        build();
        later();
        ping();
        label();
        if (cluster.isPrimary) cluster.fork();
      `,
      filename: SERVER_MJS,
    },
    // ---- cross-file: a guard imported from a local module ----
    {
      code: code`
        const cluster = require('node:cluster');
        const { Pool } = require('pg');
        const { isPrimary } = require('./guard-cjs');
        if (isPrimary) { cluster.fork(); } else { const pool = new Pool(); }
      `,
      filename: SERVER_JS,
    },
    {
      code: code`
        const cluster = require('node:cluster');
        const { Pool } = require('pg');
        const env = require('./guard-cjs');
        if (!env.isPrimary) new Pool();
        else cluster.fork();
      `,
      filename: SERVER_JS,
    },
    // a function it exports whose body returns a guard
    {
      code: code`
        const cluster = require('node:cluster');
        const { Pool } = require('pg');
        const { isPrimaryProcess } = require('./guard-cjs');
        if (isPrimaryProcess()) cluster.fork();
        else new Pool();
      `,
      filename: SERVER_JS,
    },
    {
      code: code`
        import cluster from 'node:cluster';
        import { Pool } from 'pg';
        import { isPrimary, isWorker, worker } from './guard-esm.mjs';
        if (isPrimary) cluster.fork();
        else new Pool();
        if (isWorker) new Pool();
        if (worker) new Pool();
      `,
      filename: SERVER_MJS,
    },
    // a default-exported object read as `env.primary`
    {
      code: code`
        import cluster from 'node:cluster';
        import { Pool } from 'pg';
        import env from './guard-esm.mjs';
        if (env.primary) cluster.fork();
        else new Pool();
      `,
      filename: SERVER_MJS,
    },
    // `isMainThread` re-exported, by ESM and by CommonJS
    {
      code: code`
        import { Worker } from 'node:worker_threads';
        import { Pool } from 'pg';
        import { isMainThread } from './guard-threads.mjs';
        if (isMainThread) new Worker(new URL(import.meta.url));
        else new Pool();
      `,
      filename: SERVER_MJS,
    },
    {
      code: code`
        const { Worker } = require('node:worker_threads');
        const { Pool } = require('pg');
        const { isMainThread } = require('./guard-threads');
        if (isMainThread) new Worker(__filename);
        else new Pool();
      `,
      filename: SERVER_JS,
    },
    // an imported factory called in the primary, where the primary's pools are allowed
    {
      code: code`
        const cluster = require('cluster');
        const db = require('./db-factory');
        if (cluster.isPrimary) {
          db.makePool();
          cluster.fork();
        }
      `,
      filename: SERVER_JS,
      options: [{ allowPrimaryPools: true }],
    },
    // without a file on disk, no module is read
    code`
      import cluster from 'node:cluster';
      import { getPool } from './db-lazy.mjs';
      getPool();
      cluster.fork();
    `,
    // import type / type-only specifiers load nothing
    {
      code: code`
        import cluster from 'node:cluster';
        import type { pool } from './ts/db.js';
        import { type Db } from './types-only.js';
        import './ts/config.js';
        cluster.fork();
      `,
      filename: SERVER_TS,
    },
    // missing, unparsable and cyclic modules are not pools
    {
      code: code`
        const cluster = require('cluster');
        require('./missing');
        require('./broken');
        require('./cycle-a');
        cluster.fork();
      `,
      filename: SERVER_JS,
    },
    // packages are not followed, only local files
    {
      code: code`
        const cluster = require('cluster');
        require('some-db-package');
        cluster.fork();
      `,
      filename: SERVER_JS,
    },

    // a module whose factory is only called from an exported function
    {
      code: code`
        import cluster from 'node:cluster';
        import { getPool } from './db-factory-called-lazily.mjs';
        if (cluster.isPrimary) cluster.fork();
        else await getPool().query('select 1');
      `,
      filename: SERVER_MJS,
    },
    // a require() inside a function called only in the worker branch
    {
      code: code`
        const cluster = require('cluster');
        function loadDb() {
          return require('./db-calls-factory');
        }
        if (cluster.isPrimary) cluster.fork();
        else loadDb();
      `,
      filename: SERVER_JS,
    },

    // ---- typed mode ----
    // without typeChecked, a pool from a local factory is not seen
    {
      code: `${PG_MODULE}\n${code`
        const cluster = require('cluster');
        declare function makePool(): import('pg').Pool;
        const pool = makePool();
        cluster.fork();
      `}`,
      filename: TYPED_FILE,
      languageOptions: typedLanguageOptions,
    },
    // plain data from the same package is not a pool
    {
      code: `${PG_MODULE}\n${code`
        const cluster = require('cluster');
        declare function loadConfig(): import('pg').PoolConfig;
        const config = loadConfig();
        cluster.fork();
      `}`,
      filename: TYPED_FILE,
      languageOptions: typedLanguageOptions,
      options: [{ typeChecked: true }],
    },
    // a method on a pool that exists already returns that pool, or one of its clients
    {
      code: `${PG_MODULE}\n${code`
        const cluster = require('cluster');
        const { pool } = require('./db') as { pool: import('pg').Pool };
        pool.on('error', console.error);
        if (cluster.isPrimary) cluster.fork();
      `}`,
      filename: TYPED_FILE,
      languageOptions: typedLanguageOptions,
      options: [{ typeChecked: true }],
    },
    // an instance field typed as a pool is a factory too
    {
      code: `${PG_MODULE}\n${code`
        const cluster = require('cluster');
        declare function makePool(): import('pg').Pool;
        class Repo {
          pool = makePool();
        }
        if (cluster.isPrimary) cluster.fork();
        else new Repo();
      `}`,
      filename: TYPED_FILE,
      languageOptions: typedLanguageOptions,
      options: [{ typeChecked: true }],
    },
    // typed, but in the worker branch
    {
      code: `${PG_MODULE}\n${code`
        const cluster = require('cluster');
        declare function makePool(): import('pg').Pool;
        if (cluster.isPrimary) cluster.fork();
        else makePool();
      `}`,
      filename: TYPED_FILE,
      languageOptions: typedLanguageOptions,
      options: [{ typeChecked: true }],
    },

    // ---- typed, under TypeScript's defaults: a barrel that re-exports only a type of a module that opens a pool ----
    {
      code: code`
        import cluster from 'node:cluster';
        import { createDb, type DbConfig } from '../fork-graph/type-barrel/index-type-names.js';
        const config: DbConfig = { max: 1 };
        if (cluster.isPrimary) cluster.fork();
        else createDb(config.max);
      `,
      filename: TYPED_FILE,
      languageOptions: typedLanguageOptions,
      options: [{ typeChecked: true }],
    },
    // ---- typed mode: a method of this file that opens or returns a pool, called only in the worker ----
    {
      code: `${PG_MODULE}\n${code`
        const cluster = require('cluster');
        const { Pool } = require('pg') as typeof import('pg');
        class Db {
          static #pool?: import('pg').Pool;
          static get(): import('pg').Pool {
            return (Db.#pool ??= new Pool({ max: 1 }));
          }
        }
        class Repo {
          pool = new Pool();
          getPool() { return this.pool; }
        }
        if (cluster.isPrimary) {
          cluster.fork();
        } else {
          Db.get();
          new Repo().getPool();
        }
      `}`,
      filename: TYPED_FILE,
      languageOptions: typedLanguageOptions,
      options: [{ typeChecked: true }],
    },

    // ---- typed mode: a read of a pool that exists opens none ----
    // an element of a container of pools; the pools are created where they are put in (here the worker)
    {
      code: `${PG_MODULE}\n${code`
        const cluster = require('cluster');
        const { Pool } = require('pg') as typeof import('pg');
        const pools = new Map<string, import('pg').Pool>();
        declare const replicas: import('pg').Pool[];
        const main = pools.get('main');
        const first = replicas.at(0) ?? replicas.find(Boolean) ?? replicas.pop();
        if (cluster.isPrimary) cluster.fork();
        else pools.set('main', new Pool());
      `}`,
      filename: TYPED_FILE,
      languageOptions: typedLanguageOptions,
      options: [{ typeChecked: true }],
    },
    // a local accessor: it returns a container's element (black-box t63), or a binding, and runs nothing else
    {
      code: `${PG_MODULE}\n${code`
        const cluster = require('cluster');
        const { Pool } = require('pg') as typeof import('pg');
        const pools = new Map<string, import('pg').Pool>();
        let current: import('pg').Pool | undefined;
        function pool(name: string): import('pg').Pool | undefined {
          return pools.get(name);
        }
        function poolNamed(name: string): import('pg').Pool {
          const found = pools.get(name);
          if (!found) throw new Error('no pool named ' + name);
          return found;
        }
        const getCurrent = async () => current ?? pool('main');
        const existing = pool('main');
        const named = poolNamed('main');
        const later = await getCurrent();
        if (cluster.isPrimary) {
          cluster.fork();
        } else {
          pools.set('main', new Pool());
          current = new Pool();
        }
      `}`,
      filename: TYPED_FILE,
      languageOptions: typedLanguageOptions,
      options: [{ typeChecked: true }],
    },
    // an imported accessor of a registry that only the worker fills
    {
      code: `${PG_MODULE}\n${code`
        const cluster = require('cluster');
        const db = require('./db-registry') as typeof import('./db-registry');
        const main = db.poolNamed('main');
        const replica = db.anyReplica();
        if (cluster.isPrimary) cluster.fork();
        else db.register('main');
      `}`,
      filename: TYPED_FILE,
      languageOptions: typedLanguageOptions,
      options: [{ typeChecked: true }],
    },

    // ---- functions run where they are called at load ----
    // called only in the worker branch, also through another function
    code`
      const cluster = require('cluster');
      const { Pool } = require('pg');
      function makePool() {
        return new Pool();
      }
      function start() {
        return makePool();
      }
      if (cluster.isPrimary) cluster.fork();
      else start();
    `,
    // called only from a handler, or from a factory nobody calls at load
    code`
      import cluster from 'node:cluster';
      import { Pool } from 'pg';
      const createDb = () => new Pool();
      function route() {
        return createDb();
      }
      process.on('message', () => createDb());
      if (cluster.isPrimary) cluster.fork();
    `,
    // recursion and call cycles that nothing starts at load end, and stay silent
    code`
      const cluster = require('cluster');
      const { Pool } = require('pg');
      function connect(retries) {
        return retries > 0 ? connect(retries - 1) : new Pool();
      }
      function ping() {
        return pong();
      }
      function pong() {
        new Pool();
        return ping();
      }
      if (cluster.isPrimary) cluster.fork();
      else connect(3);
    `,
    // a function called only in the primary branch, with allowPrimaryPools
    {
      code: code`
        import cluster from 'node:cluster';
        import { Pool } from 'pg';
        function startPrimary() {
          const metrics = new Pool();
          for (let i = 0; i < 4; i++) cluster.fork();
        }
        if (cluster.isPrimary) startPrimary();
      `,
      options: [{ allowPrimaryPools: true }],
    },
    // a fork-logic function called only in the worker branch of another guard
    code`
      import cluster from 'node:cluster';
      import { Worker, isMainThread } from 'node:worker_threads';
      import { Pool } from 'pg';
      function startThreads() {
        if (isMainThread) {
          new Worker(new URL(import.meta.url));
          return;
        }
        const pool = new Pool();
      }
      if (cluster.isPrimary) cluster.fork();
      else startThreads();
    `,

    // ---- aliases of process.send and NODE_UNIQUE_ID ----
    code`
      const cluster = require('cluster');
      const { Pool } = require('pg');
      const { NODE_UNIQUE_ID } = process.env;
      if (NODE_UNIQUE_ID) {
        const pool = new Pool();
      } else {
        cluster.fork();
      }
    `,
    code`
      import cluster from 'node:cluster';
      import { Pool } from 'pg';
      const { NODE_UNIQUE_ID } = process.env;
      function main() {
        if (!NODE_UNIQUE_ID) {
          cluster.fork();
          return;
        }
        const pool = new Pool();
      }
      main();
    `,
    code`
      const cluster = require('cluster');
      const { Pool } = require('pg');
      const { NODE_UNIQUE_ID: uid } = process.env;
      if (!uid) cluster.fork();
      else new Pool();
    `,
    code`
      const cluster = require('cluster');
      const { Pool } = require('pg');
      const env = process.env;
      const { env: { NODE_UNIQUE_ID: id } } = process;
      if (env.NODE_UNIQUE_ID) new Pool();
      else cluster.fork();
      if (id === undefined) cluster.fork();
      else new Pool();
    `,
    code`
      const { fork } = require('child_process');
      const { Pool } = require('pg');
      const { send } = process;
      if (send) {
        const pool = new Pool();
      } else {
        fork(__filename);
      }
    `,
    code`
      const { fork } = require('child_process');
      const { Pool } = require('pg');
      const { argv } = process;
      if (argv[2] === 'worker') new Pool();
      else fork(__filename, ['worker']);
    `,

    // ---- a guard counts for the forks whose parent and child it tells apart ----
    // a cluster worker has an IPC channel too
    code`
      const cluster = require('cluster');
      const { Pool } = require('pg');
      if (process.send) new Pool();
      else cluster.fork();
    `,
    // each fork behind its own guard
    code`
      import cluster from 'node:cluster';
      import { Worker, isMainThread } from 'node:worker_threads';
      import { Pool } from 'pg';
      if (cluster.isPrimary) {
        cluster.fork();
      } else if (isMainThread) {
        new Worker(new URL(import.meta.url));
      } else {
        const pool = new Pool();
      }
    `,

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
    // ---- a function declaration is hoisted: where it is called counts, not where it stands ----
    // declared after the early return, called only after it: the worker's
    code`
      const cluster = require('cluster');
      const { Pool } = require('pg');
      function main() {
        if (cluster.isPrimary) {
          cluster.fork();
          return;
        }
        const pool = createPool();
        pool.query('select 1');
        function createPool() {
          return new Pool({ max: 20 });
        }
      }
      main();
    `,
    // declared after it and never called at load
    {
      code: code`
        const cluster = require('cluster');
        const { Pool } = require('pg');
        if (cluster.isPrimary) {
          cluster.fork();
          return;
        }
        function createPool() {
          return new Pool();
        }
        process.on('message', () => createPool());
      `,
      languageOptions: commonjs,
    },
    // optional worker threads
    code`
      import { Worker, isMainThread, parentPort } from 'node:worker_threads';
      import { Pool } from 'pg';
      if (process.env.THREADS === '1' && isMainThread) {
        new Worker(new URL(import.meta.url));
      } else {
        const pool = new Pool({ max: 2 });
        parentPort?.on('message', sql => pool.query(sql));
      }
    `,
    // a ternary
    code`
      const cluster = require('cluster');
      const { Pool } = require('pg');
      const pool = process.env.CLUSTER && cluster.isPrimary ? cluster.fork() : new Pool();
    `,
    // the other way round: true in a worker or in a process that serves alone
    code`
      import cluster from 'node:cluster';
      import { Pool } from 'pg';
      const workers = Number(process.env.WORKERS || 1);
      if (!cluster.isPrimary || workers === 1) {
        const pool = new Pool({ max: 5 });
      } else {
        for (let i = 0; i < workers; i++) cluster.fork();
      }
    `,
    // `A || cluster.isPrimary` false: a worker
    code`
      const cluster = require('cluster');
      const { Pool } = require('pg');
      if (process.env.SINGLE || cluster.isPrimary) cluster.fork();
      else new Pool();
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
    // ---- a field of cluster.worker, which the primary does not have ----
    code`
      import cluster from 'node:cluster';
      import { Pool } from 'pg';
      if (cluster.isPrimary) {
        cluster.fork();
        cluster.fork();
      }
      if (cluster.worker?.id === 1) {
        const cronPool = new Pool({ max: 1 });
      }
    `,
    code`
      const cluster = require('cluster');
      const { Pool } = require('pg');
      const { worker } = cluster;
      if (cluster.isPrimary) cluster.fork();
      if (worker && worker.id === 1) new Pool();
      if (cluster.worker.id === 2) new Pool();
    `,
    // compared as a number, or with null or undefined: the primary reads undefined
    code`
      const cluster = require('cluster');
      const { Pool } = require('pg');
      if (cluster.isPrimary) cluster.fork();
      if (cluster.worker?.id > 1) new Pool();
      if (1 <= cluster.worker?.id) new Pool();
      if (cluster.worker?.id != null) new Pool();
      if (cluster.worker?.id !== undefined) new Pool();
      if (cluster.worker?.id == undefined) cluster.fork();
      else new Pool();
    `,
    code`
      import { Worker, workerData } from 'node:worker_threads';
      import { Pool } from 'pg';
      if (workerData?.shard >= 0) new Pool();
      else new Worker(new URL(import.meta.url), { workerData: { shard: 0 } });
    `,
    // ---- callbacks: event handlers and callbacks in the worker branch are not at load ----
    code`
      const cluster = require('cluster');
      const { Pool } = require('pg');
      const app = require('express')();
      process.on('message', () => new Pool());
      app.get('/', () => new Pool());
      cluster.on('fork', () => new Pool());
      if (cluster.isPrimary) cluster.fork();
      else ['a', 'b'].map(url => new Pool({ connectionString: url }));
    `,
    // a local function named like a scheduler is not the global one
    code`
      const cluster = require('cluster');
      const { Pool } = require('pg');
      function setImmediate(fn) {
        process.on('message', fn);
      }
      setImmediate(() => new Pool());
      if (cluster.isPrimary) cluster.fork();
    `,
    // a scheduler inside a handler runs only if the handler does
    code`
      const cluster = require('cluster');
      const { Pool } = require('pg');
      process.on('message', () => setTimeout(() => new Pool(), 10));
      if (cluster.isPrimary) cluster.fork();
    `,
    // ---- methods: called only in the worker branch, or never ----
    code`
      import cluster from 'node:cluster';
      import { Pool } from 'pg';
      class Db {
        static getInstance() {
          return new Pool();
        }
      }
      const db = { init() { return new Pool(); } };
      if (cluster.isPrimary) cluster.fork();
      else {
        Db.getInstance();
        db.init();
      }
    `,

    // ---- typed: a name imported from a package is a pool only when its type is one, and it is used as a value ----
    {
      code: code`
        import cluster from 'node:cluster';
        import { config, makePool, type DbHandle } from '@acme/db';
        import type { pool as typed } from '@acme/db';
        import { Pool } from 'pg';
        export let handle: DbHandle | undefined;
        export let current: typeof typed | undefined;
        if (cluster.isPrimary) cluster.fork();
        else handle = { pool: makePool() ?? new Pool(config) };
      `,
      filename: TYPED_FILE,
      languageOptions: typedLanguageOptions,
      options: [{ typeChecked: true }],
    },
    // ---- a creator or a fork module loaded with `await import()` ----
    code`
      const cluster = await import('node:cluster');
      const { Pool } = await import('pg');
      if (cluster.isPrimary) cluster.fork();
      else new Pool();
    `,
    code`
      import cluster from 'node:cluster';
      if (cluster.isPrimary) {
        cluster.fork();
      } else {
        const pg = await import('pg');
        new pg.default.Pool();
      }
    `,
    // ---- a named import used only as a type is elided by TypeScript: it loads nothing ----
    {
      code: code`
        import cluster from 'node:cluster';
        import { Db, DbOptions } from './ts/db-typed.js';
        export let current: Db | undefined;
        export function configure(options: DbOptions): void {}
        if (cluster.isPrimary) cluster.fork();
      `,
      filename: SERVER_TS,
    },
    // ---- without type information, decorator metadata writes an imported interface or type alias as `Object`: the import is still elided ----
    {
      code: code`
        import cluster from 'node:cluster';
        import { Db, DbOptions } from './ts/db-typed.js';
        function Injectable(): ClassDecorator {
          return () => {};
        }
        function Inject(_token: string): ParameterDecorator {
          return () => {};
        }
        function Column(): PropertyDecorator {
          return () => {};
        }
        @Injectable()
        export class UsersService {
          @Column() current?: Db;
          constructor(private readonly db: Db | undefined, @Inject('OPTIONS') options: DbOptions) {}
        }
        if (cluster.isPrimary) cluster.fork();
      `,
      filename: SERVER_TS,
    },
    // ---- setupPrimary({ exec }) that surely runs before the fork ----
    code`
      const cluster = require('cluster');
      const { Pool } = require('pg');
      if (cluster.isPrimary) {
        cluster.setupPrimary({ exec: './worker.js' });
        const audit = new Pool();
        for (let i = 0; i < 4; i++) cluster.fork();
      }
    `,
    // ---- subpath imports of a module that only exports a factory, of a package, and of no entry ----
    {
      code: code`
        const cluster = require('cluster');
        const { makePool } = require('#lib/factory');
        const pg = require('#external');
        const none = require('#missing');
        if (cluster.isPrimary) cluster.fork();
      `,
      filename: SUBPATH_SERVER_JS,
    },
    // ---- tsconfig path aliases: a factory only imported; a bare name no pattern maps stays a package ----
    {
      code: code`
        const cluster = require('cluster');
        const { build } = require('~db-factory');
        const pool = require('db');
        if (cluster.isPrimary) cluster.fork();
        else build();
      `,
      filename: ALIASED_SERVER_JS,
    },
    // ---- tsconfig baseUrl without paths: a factory only imported; a package no file under baseUrl shadows ----
    {
      code: code`
        import cluster from 'node:cluster';
        import { Pool } from 'pg';
        import { build } from 'services/factory';
        if (cluster.isPrimary) cluster.fork();
        else build();
        export const lazy = (): Pool => new Pool();
      `,
      filename: BASE_URL_SERVER_TS,
    },
    // ---- a directory import whose package.json names a module that only exports a factory ----
    {
      code: code`
        const cluster = require('cluster');
        const { makePool } = require('./db-package-factory');
        const db = require(path.join(__dirname, 'db-factory'));
        if (cluster.isPrimary) cluster.fork();
      `,
      filename: SERVER_JS,
    },
    // ---- the primary migrates, ends its pool, then forks ----
    code`
      import cluster from 'node:cluster';
      import { Pool } from 'pg';
      if (cluster.isPrimary) {
        const pool = new Pool({ max: 1 });
        await migrate(pool);
        await pool.end();
        for (let i = 0; i < 4; i++) cluster.fork();
      }
    `,
    code`
      import cluster from 'node:cluster';
      import knex from 'knex';
      import Redis from 'ioredis';
      if (cluster.isPrimary) {
        const db = knex({ client: 'pg' });
        try {
          await db.migrate.latest();
        } finally {
          await db.destroy();
        }
        const redis = new Redis();
        await redis.flushall();
        redis.quit();
        cluster.fork();
      }
    `,
    // ---- a bare truthy `cluster.worker` or `cluster.worker?.id` is a worker guard ----
    code`
      const cluster = require('cluster');
      const { Pool } = require('pg');
      if (cluster.worker?.id) new Pool();
      else cluster.fork();
      if (cluster.worker) new Pool();
    `,
    // ---- setupPrimary({ exec }) before a fork in a helper: the helper runs where it is called ----
    code`
      const cluster = require('node:cluster');
      const path = require('node:path');
      const { Pool } = require('pg');
      function spawnWorker() {
        const worker = cluster.fork();
        worker.on('online', () => console.log('worker', worker.id));
      }
      cluster.setupPrimary({ exec: path.join(__dirname, 'worker.js') });
      const audit = new Pool({ max: 1 });
      for (let i = 0; i < 4; i++) spawnWorker();
      cluster.on('exit', spawnWorker);
    `,
    code`
      const cluster = require('node:cluster');
      const path = require('node:path');
      const { Pool } = require('pg');
      const spawn = () => cluster.fork();
      if (cluster.isPrimary) {
        cluster.setupPrimary({ exec: path.join(__dirname, 'worker.js') });
        const audit = new Pool({ max: 1 });
        for (let i = 0; i < 4; i++) spawnWorker();
        cluster.on('exit', spawn);
      }
      function spawnWorker() { spawn(); }
    `,
    // ---- a helper that creates and ends its pool, called (and awaited) before every fork ----
    code`
      import cluster from 'node:cluster';
      import pg from 'pg';
      if (cluster.isPrimary) {
        await runMigrations();
        for (let i = 0; i < 4; i++) cluster.fork();
      } else {
        startServer();
      }
      async function runMigrations() {
        const pool = new pg.Pool({ max: 1 });
        try {
          await pool.query('create table if not exists jobs (id serial primary key)');
        } finally {
          await pool.end();
        }
      }
    `,
    // ---- the same helper awaited through .catch(), to fail fast on a migration error ----
    code`
      import cluster from 'node:cluster';
      import pg from 'pg';
      if (cluster.isPrimary) {
        await runMigrations().catch((err) => { console.error(err); process.exit(1); });
        for (let i = 0; i < 4; i++) cluster.fork();
      }
      async function runMigrations() {
        const pool = new pg.Pool({ max: 1 });
        try {
          await pool.query('select 1');
        } finally {
          await pool.end();
        }
      }
    `,
    // ---- ends written as Promise.all([...]), .catch(), and mongoose's own connect/disconnect ----
    code`
      import cluster from 'node:cluster';
      import pg from 'pg';
      import Redis from 'ioredis';
      import mongoose from 'mongoose';
      if (cluster.isPrimary) {
        const pool = new pg.Pool({ max: 1 });
        const redis = new Redis();
        const audit = new pg.Pool({ max: 1 });
        try {
          await pool.query('select 1');
        } finally {
          await Promise.all([pool.end(), redis.quit()]);
        }
        await audit.end().catch(console.error);
        await mongoose.connect(process.env.MONGO_URL);
        await mongoose.syncIndexes();
        await mongoose.disconnect();
        for (let i = 0; i < 4; i++) cluster.fork();
      }
    `,
    // ---- typed: a local module that constructs only a Map at load, and a pool subclass in a factory ----
    {
      code: `${PG_MODULE}\n${code`
        const cluster = require('cluster');
        const { pools, open } = require('./db-subclass-lazy') as typeof import('./db-subclass-lazy');
        if (cluster.isPrimary) cluster.fork();
        else pools.set('main', open());
      `}`,
      filename: TYPED_FILE,
      languageOptions: typedLanguageOptions,
      options: [{ typeChecked: true }],
    },
    // ---- typed: a local module is read by syntax, whose verdict stands; a package's `Pool | undefined` may be unset ----
    {
      code: `${PG_MODULE}\n${code`
        import cluster from 'node:cluster';
        import { pool, initDb } from './db-holder.js';
        import { lazyPool } from '@acme/db';
        if (cluster.isPrimary) {
          for (let i = 0; i < 4; i++) cluster.fork();
        } else {
          initDb();
          void pool?.query('select 1');
          void lazyPool?.query('select 1');
        }
      `}`,
      filename: TYPED_FILE,
      languageOptions: typedLanguageOptions,
      options: [{ typeChecked: true }],
    },
    // ---- an import used only in `typeof` in a type is elided by TypeScript ----
    {
      code: code`
        import cluster from 'node:cluster';
        import { pool } from './ts/db-typed.js';
        export type Db = typeof pool;
        export let current: typeof pool.options | undefined;
        if (cluster.isPrimary) cluster.fork();
      `,
      filename: SERVER_TS,
    },
    // ---- typed, without emitDecoratorMetadata: a decorated constructor's parameter type is elided ----
    {
      code: `${PG_MODULE}\n${code`
        import cluster from 'node:cluster';
        import { Repo } from '../fork-options/metadata/repo.js';
        function Injectable(): ClassDecorator {
          return () => {};
        }
        @Injectable()
        export class UsersService {
          constructor(private readonly repo: Repo) {}
        }
        if (cluster.isPrimary) cluster.fork();
      `}`,
      filename: TYPED_FILE,
      languageOptions: typedLanguageOptions,
      options: [{ typeChecked: true }],
    },
    // ---- typed, with emitDecoratorMetadata: an interface, a type alias or a const enum is written as `Object`, `String`, `Number`; the import is elided ----
    {
      code: `${PG_MODULE}\n${code`
        import cluster from 'node:cluster';
        import { Level, RepoConfig, Role } from './repo.js';
        function Inject(_token: string): ParameterDecorator {
          return () => {};
        }
        function Column(): PropertyDecorator {
          return () => {};
        }
        export class UsersService {
          @Column() role!: Role;
          @Column() level!: Level;
          constructor(@Inject('CONFIG') private readonly config: RepoConfig) {}
        }
        if (cluster.isPrimary) cluster.fork();
      `}`,
      ...optionsCase('metadata'),
      options: [{ typeChecked: true }],
    },
    // the checker tells an interface behind `export *`, in the forking file and in a module it loads (service.ts)
    {
      code: `${PG_MODULE}\n${code`
        import cluster from 'node:cluster';
        import { RepoConfig } from './barrel.js';
        import { UsersService } from './service.js';
        function Inject(_token: string): ParameterDecorator {
          return () => {};
        }
        export class AdminService {
          constructor(@Inject('CONFIG') private readonly config: RepoConfig) {}
        }
        if (cluster.isPrimary) cluster.fork();
        else new UsersService({ url: '' });
      `}`,
      ...optionsCase('metadata'),
      options: [{ typeChecked: true }],
    },
    // ---- setupPrimary({ exec }) to a neighbour, named beside this file ----
    {
      code: code`
        const cluster = require('node:cluster');
        const path = require('node:path');
        const { Pool } = require('pg');
        cluster.setupPrimary({ exec: path.join(__dirname, 'worker.js') });
        cluster.setupPrimary({ exec: require.resolve('./worker') });
        const audit = new Pool({ max: 1 });
        cluster.fork();
      `,
      filename: SERVER_JS,
    },

    // ---- a local subclass of a creator, constructed only in the worker, or extending no creator ----
    code`
      const cluster = require('cluster');
      const { Pool } = require('pg');
      class AppPool extends Pool {}
      if (cluster.isPrimary) cluster.fork();
      else new AppPool();
    `,
    code`
      import cluster from 'node:cluster';
      import { EventEmitter } from 'node:events';
      import { Pool } from 'pg';
      class Bus extends EventEmitter {}
      const bus = new Bus();
      const Base = Pool;
      if (cluster.isPrimary) cluster.fork();
      else new Base();
    `,
    // ---- an event handler set up in the primary's branch is not followed, as at module scope ----
    code`
      const cluster = require('node:cluster');
      const { Pool } = require('pg');
      let pool;
      function getPool() {
        if (!pool) pool = new Pool({ max: 1 });
        return pool;
      }
      if (cluster.isPrimary) {
        for (let i = 0; i < 2; i++) cluster.fork();
        cluster.on('exit', worker => getPool().query('insert into crashes(pid) values ($1)', [worker.process.pid]));
      } else {
        require('./server');
      }
    `,
    code`
      const cluster = require('node:cluster');
      const http = require('node:http');
      const { Pool } = require('pg');
      if (cluster.isPrimary) {
        process.on('SIGUSR2', () => new Pool().query('select 1'));
        cluster.on('online', () => new Pool());
        http.createServer().on('request', () => new Pool());
        cluster.fork();
      }
    `,
    code`
      const cluster = require('cluster');
      const { Pool } = require('pg');
      if (!process.env.NODE_UNIQUE_ID) {
        cluster.on('exit', () => new Pool());
        cluster.fork();
      }
    `,
    // a handler named, not written inline: handed on, not called
    code`
      const cluster = require('node:cluster');
      const { Pool } = require('pg');
      if (cluster.isPrimary) {
        const onExit = () => new Pool().query('select 1');
        cluster.on('exit', onExit);
        cluster.fork();
      }
    `,
    // a singleton opened from a primary's handler and in the worker: the worker's alone at load
    code`
      const cluster = require('node:cluster');
      const http = require('node:http');
      const { Pool } = require('pg');
      let pool;
      function getPool() {
        if (!pool) pool = new Pool();
        return pool;
      }
      if (cluster.isPrimary) {
        for (let i = 0; i < 2; i++) cluster.fork();
        cluster.on('exit', () => getPool().query('insert into crashes default values'));
      } else {
        const db = getPool();
        http.createServer(async (req, res) => res.end(String((await db.query('select 1')).rowCount))).listen(3000);
      }
    `,
    // ---- the `process` module, imported or required, reads as the global `process` in a guard ----
    code`
      import { fork } from 'node:child_process';
      import { argv } from 'node:process';
      import pg from 'pg';
      if (argv[2] === 'child') {
        const pool = new pg.Pool();
      } else {
        fork(process.argv[1], ['child']);
      }
    `,
    code`
      import { fork } from 'node:child_process';
      import proc from 'node:process';
      import pg from 'pg';
      if (proc.argv[2] === 'worker') {
        const pool = new pg.Pool();
      } else {
        fork(import.meta.filename, ['worker']);
      }
    `,
    code`
      import { fork } from 'node:child_process';
      import { env as environment } from 'process';
      import * as proc from 'node:process';
      import pg from 'pg';
      if (environment.ROLE === 'child') new pg.Pool();
      else if (proc.env.ROLE === 'child') new pg.Pool();
      else fork(__filename, [], { env: { ROLE: 'child' } });
    `,
    code`
      const { fork } = require('node:child_process');
      const { send } = require('node:process');
      const proc = require('process');
      const { Pool } = require('pg');
      if (send) new Pool();
      if (proc.argv.includes('worker')) new Pool();
      if (!send && !proc.argv.includes('worker')) fork(__filename, ['worker']);
    `,
    // ... but not another module's `argv`, nor an element other than the script's path
    code`
      import { fork } from 'node:child_process';
      import { argv } from 'yargs';
      import pg from 'pg';
      const pool = new pg.Pool();
      fork(argv[1], ['child']);
    `,
    code`
      import { fork } from 'node:child_process';
      import { argv } from 'node:process';
      import pg from 'pg';
      const [, , target] = argv;
      const pool = new pg.Pool();
      fork(argv[2], ['child']);
      fork(target, ['child']);
    `,
    // ---- generic-pool's own shutdown, clear() (after drain() when the pool keeps a min), ends its pool ----
    code`
      const cluster = require('node:cluster');
      const genericPool = require('generic-pool');
      const { Client } = require('pg');
      async function warmup() {
        const pool = genericPool.createPool({ create: async () => new Client(), destroy: c => c.end() }, { max: 1 });
        const c = await pool.acquire();
        await c.query('select 1');
        await pool.release(c);
        await pool.drain();
        await pool.clear();
      }
      (async () => {
        if (cluster.isPrimary) {
          await warmup();
          for (let i = 0; i < 2; i++) cluster.fork();
        }
      })();
    `,
    code`
      import cluster from 'node:cluster';
      import genericPool from 'generic-pool';
      if (cluster.isPrimary) {
        const pool = genericPool.createPool(factory, { max: 2, min: 0 });
        await warmUp(pool);
        await pool.clear();
        cluster.fork();
      }
    `,
    code`
      import cluster from 'node:cluster';
      import { createPool } from 'generic-pool';
      const options = { max: 4, min: 2 };
      if (cluster.isPrimary) {
        const pool = createPool(factory, options);
        try {
          await warmUp(pool);
        } finally {
          await pool.drain();
          await pool.clear();
        }
        cluster.fork();
      }
    `,
    // ---- worker-pool libraries: a pool of another file, or guarded creations, stay silent ----
    // Piscina of this file, the pool created only in the worker branch
    code`
      const { isMainThread } = require('worker_threads');
      const Piscina = require('piscina');
      const { Pool } = require('pg');
      if (isMainThread) {
        const piscina = new Piscina({ filename: __filename });
      } else {
        const pool = new Pool();
      }
    `,
    // Piscina.isWorkerThread tells its threads apart: true only in them
    code`
      import Piscina from 'piscina';
      import { fileURLToPath } from 'node:url';
      import { Pool } from 'pg';
      if (Piscina.isWorkerThread) {
        const pool = new Pool();
      } else {
        new Piscina({ filename: fileURLToPath(import.meta.url) });
      }
    `,
    // piscina's named `isWorkerThread`, with an early return in main()
    code`
      const { Piscina, isWorkerThread } = require('piscina');
      const { Pool } = require('pg');
      function main() {
        if (!isWorkerThread) {
          serve(new Piscina({ filename: __filename }));
          return;
        }
        const pool = new Pool();
      }
      main();
    `,
    // a Piscina of another file: this one does not run again
    code`
      const path = require('node:path');
      const Piscina = require('piscina');
      const { Pool } = require('pg');
      const pool = new Pool();
      const piscina = new Piscina({ filename: path.resolve(__dirname, 'worker.js') });
    `,
    // Piscina without a filename, and the worker file itself: no self-fork
    code`
      const Piscina = require('piscina');
      const { Pool } = require('pg');
      const pool = new Pool();
      const piscina = new Piscina({ maxThreads: 4 });
      module.exports = async sql => (await pool.query(sql)).rows;
    `,
    // the worker gets an environment entry from the pool's `env`, and reads it back
    code`
      const Piscina = require('piscina');
      const { Pool } = require('pg');
      if (process.env.ROLE === 'worker') {
        const pool = new Pool();
      } else {
        new Piscina({ filename: __filename, env: { ROLE: 'worker' } });
      }
    `,
    // Tinypool of this file behind isMainThread, and Tinypool.isWorkerThread
    code`
      import { isMainThread } from 'node:worker_threads';
      import Tinypool from 'tinypool';
      import { Pool } from 'pg';
      if (isMainThread) {
        new Tinypool({ filename: new URL(import.meta.url) });
      } else {
        const pool = new Pool();
      }
    `,
    code`
      import { Tinypool } from 'tinypool';
      import { Pool } from 'pg';
      if (!Tinypool.isWorkerThread) new Tinypool({ filename: import.meta.filename });
      else new Pool();
    `,
    // a Tinypool of another file
    code`
      import Tinypool from 'tinypool';
      import { Pool } from 'pg';
      const pool = new Pool();
      const tinypool = new Tinypool({ filename: new URL('./worker.mjs', import.meta.url).href });
    `,
    // workerpool of this file behind workerpool.isMainThread
    code`
      const workerpool = require('workerpool');
      const { Pool } = require('pg');
      if (workerpool.isMainThread) {
        const workers = workerpool.pool(__filename);
      } else {
        const pool = new Pool();
        workerpool.worker({ query: sql => pool.query(sql) });
      }
    `,
    // workerpool of another file, and the worker file itself
    code`
      const path = require('node:path');
      const { Pool } = require('pg');
      const pool = new Pool();
      const workers = require('workerpool').pool(path.join(__dirname, 'worker.js'));
    `,
    code`
      const workerpool = require('workerpool');
      const { Pool } = require('pg');
      const pool = new Pool();
      workerpool.worker({ query: sql => pool.query(sql) });
    `,
    // throng runs `worker` only in the cluster workers
    code`
      const throng = require('throng');
      const { Pool } = require('pg');
      function start(id) {
        const pool = new Pool();
      }
      throng({ worker: start, count: 4 });
    `,
    code`
      import throng from 'throng';
      import { Pool } from 'pg';
      throng(() => {
        const pool = new Pool();
      });
    `,
    // throng forks through cluster: the cluster guards tell its workers apart
    code`
      import cluster from 'node:cluster';
      import throng from 'throng';
      import { Pool } from 'pg';
      if (cluster.isWorker) {
        const pool = new Pool();
      }
      throng({ worker: serve, count: 2 });
    `,
    // throng's workers run another file after setupPrimary({ exec }): the primary's pool is its own
    code`
      const cluster = require('node:cluster');
      const throng = require('throng');
      const { Pool } = require('pg');
      cluster.setupPrimary({ exec: './worker.js' });
      const audit = new Pool({ max: 1 });
      throng({ count: 4 });
    `,
  ],

  invalid: [
    // an empty reference against this file's URL is this file
    {
      code: code`
        import { Worker } from 'node:worker_threads';
        import { Pool } from 'pg';
        const pool = new Pool();
        new Worker(new URL('', import.meta.url));
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 3, column: 14 }],
    },
    // ---- generic-pool: drain() alone keeps the idle resources; clear() alone refills up to min; destroy(r) is one resource ----
    {
      code: code`
        import cluster from 'node:cluster';
        import genericPool from 'generic-pool';
        if (cluster.isPrimary) {
          const pool = genericPool.createPool(factory, { max: 2 });
          await warmUp(pool);
          await pool.drain();
          cluster.fork();
        }
      `,
      errors: [{ messageId: 'poolInPrimary', line: 4, column: 16 }],
    },
    {
      code: code`
        import cluster from 'node:cluster';
        import genericPool from 'generic-pool';
        if (cluster.isPrimary) {
          const pool = genericPool.createPool(factory, { max: 4, min: 2 });
          await warmUp(pool);
          await pool.clear();
          cluster.fork();
        }
      `,
      errors: [{ messageId: 'poolInPrimary', line: 4, column: 16 }],
    },
    {
      code: code`
        import cluster from 'node:cluster';
        import genericPool from 'generic-pool';
        if (cluster.isPrimary) {
          const pool = genericPool.createPool(factory, settings);
          await pool.clear();
          await pool.drain();
          cluster.fork();
        }
      `,
      errors: [{ messageId: 'poolInPrimary', line: 4, column: 16 }],
    },
    {
      code: code`
        import cluster from 'node:cluster';
        import genericPool from 'generic-pool';
        if (cluster.isPrimary) {
          const pool = genericPool.createPool(factory);
          const resource = await pool.acquire();
          await pool.destroy(resource);
          cluster.fork();
        }
      `,
      errors: [{ messageId: 'poolInPrimary', line: 4, column: 16 }],
    },
    // clear() is generic-pool's: another pool's clear() ends nothing
    {
      code: code`
        import cluster from 'node:cluster';
        import { Pool } from 'pg';
        if (cluster.isPrimary) {
          const pool = new Pool();
          await pool.clear();
          cluster.fork();
        }
      `,
      errors: [{ messageId: 'poolInPrimary', line: 4, column: 16 }],
    },
    // ---- a fork target read from `process` through an alias, a destructuring or the module is this file ----
    {
      code: code`
        const { fork } = require('node:child_process');
        const { argv } = process;
        const pg = require('pg');
        const pool = new pg.Pool();
        if (process.argv[2] !== 'child') fork(argv[1], ['child']);
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 4, column: 14 }],
    },
    {
      code: code`
        const { fork } = require('node:child_process');
        const pg = require('pg');
        const [, self] = process.argv;
        const pool = new pg.Pool();
        if (process.argv[2] !== 'child') fork(self, ['child']);
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 4, column: 14 }],
    },
    {
      code: code`
        import { fork } from 'node:child_process';
        import proc from 'node:process';
        import pg from 'pg';
        const pool = new pg.Pool();
        if (proc.argv[2] !== 'child') fork(proc.argv[1], ['child']);
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 4, column: 14 }],
    },
    {
      code: code`
        import { fork } from 'node:child_process';
        import * as proc from 'process';
        import { argv } from 'node:process';
        import pg from 'pg';
        const pool = new pg.Pool();
        if (proc.argv[2] === 'a') fork(argv[1], ['b']);
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 5, column: 14 }],
    },
    {
      code: code`
        const { fork } = require('node:child_process');
        const { argv } = require('node:process');
        const { Pool } = require('pg');
        const pool = new Pool();
        fork(argv[1]);
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 4, column: 14 }],
    },
    // ---- in the primary's branch, what runs at load still opens the primary's pool, beside a handler ----
    {
      code: code`
        const cluster = require('node:cluster');
        const { Pool } = require('pg');
        let pool;
        function getPool() {
          if (!pool) pool = new Pool({ max: 1 });
          return pool;
        }
        if (cluster.isPrimary) {
          getPool().query('select 1');
          cluster.on('exit', () => getPool().query('select 1'));
          cluster.fork();
        }
      `,
      errors: [{ messageId: 'poolInPrimary', line: 5, column: 21 }],
    },
    {
      code: code`
        const cluster = require('node:cluster');
        const { Pool } = require('pg');
        if (cluster.isPrimary) {
          setImmediate(() => new Pool());
          [1, 2].forEach(() => new Pool());
          cluster.on('exit', () => new Pool());
          cluster.fork();
        }
      `,
      errors: [
        { messageId: 'poolInPrimary', line: 4, column: 22 },
        { messageId: 'poolInPrimary', line: 5, column: 24 },
      ],
    },
    // a respawn handler holds fork logic: its pool is the primary's whenever a worker dies
    {
      code: code`
        const cluster = require('node:cluster');
        const { Pool } = require('pg');
        if (cluster.isPrimary) {
          cluster.fork();
          cluster.on('exit', () => {
            new Pool().query('select 1');
            cluster.fork();
          });
        }
      `,
      errors: [{ messageId: 'poolInPrimary', line: 6, column: 5 }],
    },
    // ---- a fork in a helper called before setupPrimary({ exec }) re-runs this file ----
    {
      code: code`
        const cluster = require('node:cluster');
        const { Pool } = require('pg');
        function spawnWorker() { cluster.fork(); }
        spawnWorker();
        cluster.setupPrimary({ exec: './worker.js' });
        const pool = new Pool();
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 6, column: 14 }],
    },
    // ... and so does one in an exported helper, which other modules may call first
    {
      code: code`
        const cluster = require('node:cluster');
        const { Pool } = require('pg');
        export function spawnWorker() { cluster.fork(); }
        cluster.setupPrimary({ exec: './worker.js' });
        const pool = new Pool();
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 5, column: 14 }],
    },
    // ---- a helper that ends its pool, called only after the forks, on a timer, or not awaited ----
    {
      code: code`
        import cluster from 'node:cluster';
        import pg from 'pg';
        async function runMigrations() {
          const pool = new pg.Pool({ max: 1 });
          try {
            await pool.query('select 1');
          } finally {
            await pool.end();
          }
        }
        async function vacuum() {
          const pool = new pg.Pool({ max: 1 });
          await pool.query('vacuum');
          await pool.end();
        }
        function seed() {
          const pool = new pg.Pool({ max: 1 });
          pool.end();
        }
        if (cluster.isPrimary) {
          vacuum();
          for (let i = 0; i < 4; i++) cluster.fork();
          setInterval(runMigrations, 60_000);
          await runMigrations();
          seed();
        }
      `,
      errors: [
        { messageId: 'poolInPrimary', line: 4, column: 16 },
        { messageId: 'poolInPrimary', line: 12, column: 16 },
        { messageId: 'poolInPrimary', line: 17, column: 16 },
      ],
    },
    // ---- the helper's .catch() chain not awaited: the forks do not wait for it ----
    {
      code: code`
        import cluster from 'node:cluster';
        import pg from 'pg';
        if (cluster.isPrimary) {
          runMigrations().catch((err) => console.error(err));
          cluster.fork();
        }
        async function runMigrations() {
          const pool = new pg.Pool({ max: 1 });
          try {
            await pool.query('select 1');
          } finally {
            await pool.end();
          }
        }
      `,
      errors: [{ messageId: 'poolInPrimary', line: 8, column: 16 }],
    },
    // ---- mongoose disconnected only after the fork ----
    {
      code: code`
        import cluster from 'node:cluster';
        import mongoose from 'mongoose';
        if (cluster.isPrimary) {
          await mongoose.connect(process.env.MONGO_URL);
          cluster.fork();
          await mongoose.disconnect();
        }
      `,
      errors: [{ messageId: 'poolInPrimary', line: 4, column: 9 }],
    },
    // ---- setupPrimary({ exec }) that names this very file ----
    {
      code: code`
        const cluster = require('node:cluster');
        const path = require('node:path');
        const { Pool } = require('pg');
        cluster.setupPrimary({ exec: path.join(__dirname, 'server.js') });
        const pool = new Pool();
        cluster.fork();
      `,
      filename: SERVER_JS,
      errors: [{ messageId: 'poolBeforeFork', line: 5, column: 14 }],
    },
    {
      code: code`
        const cluster = require('node:cluster');
        const { Pool } = require('pg');
        const exec = require.resolve('./server');
        cluster.setupPrimary({ exec });
        const pool = new Pool();
        cluster.fork();
      `,
      filename: SERVER_JS,
      errors: [{ messageId: 'poolBeforeFork', line: 5, column: 14 }],
    },
    // ... or its compiled twin
    {
      code: code`
        import cluster from 'node:cluster';
        import { fileURLToPath } from 'node:url';
        import { Pool } from 'pg';
        cluster.setupPrimary({ exec: fileURLToPath(new URL('./server.js', import.meta.url)) });
        const pool = new Pool();
        cluster.fork();
      `,
      filename: SERVER_TS,
      errors: [{ messageId: 'poolBeforeFork', line: 5, column: 14 }],
    },
    // ---- typed: a namespace import, `import db = require()` and re-exports load the package too ----
    {
      code: `${PG_MODULE}\n${code`
        import cluster from 'node:cluster';
        import * as db from '@acme/db';
        import acme = require('@acme/db');
        export { pool } from '@acme/db';
        export * from '@acme/db';
        if (cluster.isPrimary) cluster.fork();
        else void Promise.all([db.pool.query('select 1'), acme.pool.query('select 1')]);
      `}`,
      filename: TYPED_FILE,
      languageOptions: typedLanguageOptions,
      options: [{ typeChecked: true }],
      errors: [
        { messageId: 'importCreatesPool', line: P + 2, column: 1, data: { source: '@acme/db', origin: '`db.pool` is a `Pool`', forkLine: String(P + 6), parent: 'primary process', children: 'worker processes' } },
        { messageId: 'importCreatesPool', line: P + 3, column: 1, data: { source: '@acme/db', origin: '`acme.pool` is a `Pool`', forkLine: String(P + 6), parent: 'primary process', children: 'worker processes' } },
        { messageId: 'importCreatesPool', line: P + 4, column: 1, data: { source: '@acme/db', origin: '`pool` is a `Pool`', forkLine: String(P + 6), parent: 'primary process', children: 'worker processes' } },
        { messageId: 'importCreatesPool', line: P + 5, column: 1, data: { source: '@acme/db', origin: '`pool` is a `Pool`', forkLine: String(P + 6), parent: 'primary process', children: 'worker processes' } },
      ],
    },
    // ---- without type information, a decorated constructor's parameter type counts as kept (emitDecoratorMetadata) when it is a class ----
    {
      code: code`
        import cluster from 'node:cluster';
        import { DbClient } from './ts/db-typed.js';
        function Injectable(): ClassDecorator {
          return () => {};
        }
        @Injectable()
        export class UsersService {
          constructor(private readonly db: DbClient | undefined) {}
        }
        if (cluster.isPrimary) cluster.fork();
      `,
      filename: SERVER_TS,
      errors: [{ messageId: 'importCreatesPool', line: 2, column: 1 }],
    },
    // an enum (written as `String`, its import kept), and a namespace import, whose root is the module itself
    {
      code: code`
        import cluster from 'node:cluster';
        import { DbMode } from './ts/db-typed.js';
        import * as db from './ts/db-typed.js';
        function Column(): PropertyDecorator {
          return () => {};
        }
        export class User {
          @Column() mode!: DbMode;
          @Column() options!: db.DbOptions;
        }
        if (cluster.isPrimary) cluster.fork();
      `,
      filename: SERVER_TS,
      errors: [
        { messageId: 'importCreatesPool', line: 2, column: 1 },
        { messageId: 'importCreatesPool', line: 3, column: 1 },
      ],
    },
    // ---- typed, with emitDecoratorMetadata ----
    {
      code: `${PG_MODULE}\n${code`
        import cluster from 'node:cluster';
        import { Repo } from './repo.js';
        function Injectable(): ClassDecorator {
          return () => {};
        }
        @Injectable()
        export class UsersService {
          constructor(private readonly repo: Repo) {}
        }
        if (cluster.isPrimary) cluster.fork();
      `}`,
      ...optionsCase('metadata'),
      options: [{ typeChecked: true }],
      errors: [{ messageId: 'importCreatesPool', line: P + 2, column: 1 }],
    },
    // a string enum is written as `String`, but tsc keeps its import
    {
      code: `${PG_MODULE}\n${code`
        import cluster from 'node:cluster';
        import { Status } from './repo.js';
        function Column(): PropertyDecorator {
          return () => {};
        }
        export class User {
          @Column() status!: Status;
        }
        if (cluster.isPrimary) cluster.fork();
      `}`,
      ...optionsCase('metadata'),
      options: [{ typeChecked: true }],
      errors: [{ messageId: 'importCreatesPool', line: P + 2, column: 1 }],
    },
    // ---- verbatimModuleSyntax keeps an import of a class used only as a type ----
    {
      code: `${PG_MODULE}\n${code`
        import cluster from 'node:cluster';
        import { Repo } from './repo.js';
        export let repo: Repo | undefined;
        if (cluster.isPrimary) cluster.fork();
      `}`,
      ...optionsCase('verbatim'),
      options: [{ typeChecked: true }],
      errors: [{ messageId: 'importCreatesPool', line: P + 2, column: 1 }],
    },
    // ---- verbatimModuleSyntax keeps a type-only re-export as `export {} from`, which loads its module ----
    {
      code: `${PG_MODULE}\n${code`
        import cluster from 'node:cluster';
        import { version } from './type-barrel.js';
        if (cluster.isPrimary) cluster.fork();
        else console.log(version);
      `}`,
      ...optionsCase('verbatim'),
      options: [{ typeChecked: true }],
      errors: [{ messageId: 'importCreatesPool', line: P + 2, column: 1 }],
    },
    // ---- module scope, CommonJS ----
    {
      code: code`
        const cluster = require('cluster');
        const { Pool } = require('pg');
        const pool = new Pool({ max: 20 });
        if (cluster.isPrimary) {
          for (let i = 0; i < 4; i++) cluster.fork();
        }
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 3, column: 14 }],
    },
    {
      code: code`
        const cluster = require('node:cluster');
        const pool = new (require('pg').Pool)();
        cluster.fork();
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 2, column: 14 }],
    },
    // a creation after the fork call still runs in every child
    {
      code: code`
        const { fork } = require('cluster');
        fork();
        const { Client } = require('pg');
        const client = new Client();
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 4, column: 16 }],
    },
    {
      code: code`
        const cluster = require('cluster');
        const mysql = require('mysql');
        const pool = mysql.createPool({ connectionLimit: 10 });
        if (cluster.isMaster) cluster.fork();
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 3, column: 14 }],
    },
    {
      code: code`
        const cp = require('child_process');
        const knex = require('knex')({ client: 'pg' });
        if (!process.send) cp.fork(process.argv[1]);
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 2, column: 14 }],
    },

    // ---- module scope, ESM ----
    {
      code: code`
        import cluster from 'node:cluster';
        import pg from 'pg';
        const pool = new pg.Pool();
        if (cluster.isPrimary) cluster.fork();
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 3, column: 14 }],
    },
    {
      code: code`
        import * as pg from 'pg';
        import { fork } from 'node:cluster';
        export const client = new pg.Client();
        fork();
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 3, column: 23 }],
    },
    {
      code: code`
        import { Pool as PgPool } from 'pg';
        import cluster from 'cluster';
        const pool = new PgPool();
        cluster.fork();
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 3, column: 14 }],
    },
    {
      code: code`
        import { Worker, isMainThread } from 'node:worker_threads';
        import { createPool } from 'mysql2/promise';
        const pool = createPool({ uri: process.env.DB });
        if (isMainThread) new Worker(new URL(import.meta.url));
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 3, column: 14 }],
    },
    {
      code: code`
        import { Worker } from 'node:worker_threads';
        import { fileURLToPath } from 'node:url';
        import postgres from 'postgres';
        const sql = postgres(process.env.DATABASE_URL);
        new Worker(fileURLToPath(import.meta.url));
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 4, column: 13 }],
    },
    {
      code: code`
        import { Worker } from 'worker_threads';
        import { PrismaClient } from '@prisma/client';
        const prisma = new PrismaClient();
        new Worker(import.meta.filename);
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 3, column: 16 }],
    },
    {
      code: code`
        import { Worker } from 'node:worker_threads';
        import Redis from 'ioredis';
        const redis = new Redis();
        new Worker(import.meta.url);
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 3, column: 15 }],
    },
    // a constant holding this file's path
    {
      code: code`
        import { fork } from 'node:child_process';
        import url from 'node:url';
        import { createClient } from 'redis';
        const self = url.fileURLToPath(import.meta.url);
        const redis = createClient();
        fork(self, ['--child']);
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 5, column: 15 }],
    },
    {
      code: code`
        import { Worker } from 'node:worker_threads';
        import { fileURLToPath } from 'node:url';
        import Database from 'better-sqlite3';
        const __filename = fileURLToPath(import.meta.url);
        const db = new Database('app.db');
        new Worker(__filename);
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 5, column: 12 }],
    },
    // every known family
    {
      code: code`
        import cluster from 'node:cluster';
        import mongoose from 'mongoose';
        import { MongoClient } from 'mongodb';
        import { Sequelize } from 'sequelize';
        import { DataSource } from 'typeorm';
        import sql from 'mssql';
        import oracledb from 'oracledb';
        import genericPool from 'generic-pool';
        import { Pool as TarnPool } from 'tarn';
        import mariadb from 'mariadb';
        await mongoose.connect(process.env.MONGO);
        const mongo = await MongoClient.connect(process.env.MONGO);
        const client = new MongoClient(process.env.MONGO);
        const sequelize = new Sequelize('postgres://');
        const source = new DataSource({ type: 'postgres' });
        const mssql = await sql.connect('mssql://');
        const mssqlPool = new sql.ConnectionPool('mssql://');
        const ora = await oracledb.createPool({});
        const gp = genericPool.createPool({}, {});
        const tarn = new TarnPool({});
        const maria = mariadb.createPool({});
        cluster.fork();
      `,
      errors: [
        { messageId: 'poolBeforeFork', line: 11, column: 7 },
        { messageId: 'poolBeforeFork', line: 12, column: 21 },
        { messageId: 'poolBeforeFork', line: 13, column: 16 },
        { messageId: 'poolBeforeFork', line: 14, column: 19 },
        { messageId: 'poolBeforeFork', line: 15, column: 16 },
        { messageId: 'poolBeforeFork', line: 16, column: 21 },
        { messageId: 'poolBeforeFork', line: 17, column: 19 },
        { messageId: 'poolBeforeFork', line: 18, column: 19 },
        { messageId: 'poolBeforeFork', line: 19, column: 12 },
        { messageId: 'poolBeforeFork', line: 20, column: 14 },
        { messageId: 'poolBeforeFork', line: 21, column: 15 },
      ],
    },
    {
      code: code`
        const cluster = require('cluster');
        const Sequelize = require('sequelize');
        const { default: PgPool } = require('pg-pool');
        const db = new Sequelize('postgres://');
        const pool = new PgPool();
        cluster.fork();
      `,
      errors: [
        { messageId: 'poolBeforeFork', line: 4, column: 12 },
        { messageId: 'poolBeforeFork', line: 5, column: 14 },
      ],
    },
    // the `creators` option
    {
      code: code`
        import cluster from 'node:cluster';
        import { Db } from '@acme/db';
        const db = new Db.Pool();
        const conn = Db.connect();
        cluster.fork();
      `,
      options: [{ creators: [{ package: '@acme/db', constructors: ['Db.Pool'], factories: ['Db.connect'] }] }],
      errors: [
        { messageId: 'poolBeforeFork', line: 3, column: 12 },
        { messageId: 'poolBeforeFork', line: 4, column: 14 },
      ],
    },
    // TypeScript syntax
    {
      code: code`
        import cluster = require('cluster');
        import pg = require('pg');
        const pool: pg.Pool = new pg.Pool({ max: 10 }) as pg.Pool;
        if (cluster.isPrimary) cluster.fork();
      `,
      filename: 'server.ts',
      errors: [{ messageId: 'poolBeforeFork', line: 3, column: 23 }],
    },
    {
      code: code`
        import cluster from 'node:cluster';
        import { Pool, type PoolConfig } from 'pg';
        const config: PoolConfig = { max: 10 };
        export const pool = new Pool(config)!;
        cluster.fork?.();
      `,
      filename: 'server.ts',
      errors: [{ messageId: 'poolBeforeFork', line: 4, column: 21 }],
    },
    // a condition that is not a fork guard does not protect
    {
      code: code`
        const cluster = require('cluster');
        const { Pool } = require('pg');
        if (process.env.DB_ENABLED) {
          const pool = new Pool();
        }
        if (cluster.isPrimary) cluster.fork();
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 4, column: 16 }],
    },
    // an IIFE runs where it stands
    {
      code: code`
        const cluster = require('cluster');
        const { Pool } = require('pg');
        (async () => {
          const pool = new Pool();
        })();
        cluster.fork();
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 4, column: 16 }],
    },
    // shared path inside main(), before the guard
    {
      code: code`
        import cluster from 'node:cluster';
        import { Pool } from 'pg';
        async function main() {
          const pool = new Pool();
          if (cluster.isPrimary) {
            for (let i = 0; i < 4; i++) cluster.fork();
            return;
          }
          await pool.query('select 1');
        }
        void main();
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 4, column: 16 }],
    },
    {
      code: code`
        const { Worker, isMainThread } = require('worker_threads');
        const { Pool } = require('pg');
        function boot() {
          const pool = new Pool();
          if (isMainThread) new Worker(__filename);
        }
        boot();
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 4, column: 16 }],
    },
    // setupPrimary exec pointing at this same file is still a self-fork
    {
      code: code`
        const cluster = require('cluster');
        const { Pool } = require('pg');
        cluster.setupPrimary({ exec: __filename });
        const pool = new Pool();
        cluster.fork();
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 4, column: 14 }],
    },
    {
      code: code`
        const cluster = require('cluster');
        const { Pool } = require('pg');
        cluster.setupMaster({ exec: process.argv[1], args: ['--worker'] });
        const pool = new Pool();
        cluster.fork();
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 4, column: 14 }],
    },
    // a guard that ends nowhere: code after `if (isPrimary) fork()` is shared
    {
      code: code`
        const cluster = require('cluster');
        const { Pool } = require('pg');
        if (cluster.isPrimary) {
          cluster.fork();
        }
        const pool = new Pool();
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 6, column: 14 }],
    },
    // computed member with a constant key
    {
      code: code`
        const cluster = require('cluster');
        const pg = require('pg');
        const pool = new pg['Pool']();
        cluster['fork']();
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 3, column: 14 }],
    },
    // a static field or static block runs as the class is defined, i.e. at load
    {
      code: code`
        const cluster = require('cluster');
        const { Pool } = require('pg');
        class Repo {
          static pool = new Pool();
          static {
            Repo.replica = new Pool({ max: 2 });
          }
        }
        cluster.fork();
      `,
      errors: [
        { messageId: 'poolBeforeFork', line: 4, column: 17 },
        { messageId: 'poolBeforeFork', line: 6, column: 20 },
      ],
    },
    // a computed field key is evaluated as the class is defined, not on `new`
    {
      code: code`
        const cluster = require('cluster');
        const { Pool } = require('pg');
        const pools = {};
        class Repo {
          [(pools.main = new Pool(), 'pool')] = 1;
        }
        cluster.fork();
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 5, column: 18 }],
    },
    // a function that branches on a guard as a statement is the fork logic, even without the fork call
    {
      code: code`
        const cluster = require('cluster');
        const { Pool } = require('pg');
        function start() {
          const pool = new Pool();
          if (!cluster.isWorker) return;
          serve(pool);
        }
        if (cluster.isPrimary) cluster.fork();
        start();
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 4, column: 16 }],
    },
    {
      code: code`
        import { Worker, isMainThread } from 'node:worker_threads';
        import { Pool } from 'pg';
        const start = () => {
          const pool = new Pool();
          isMainThread || serve(pool);
        };
        if (isMainThread) new Worker(new URL(import.meta.url));
        start();
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 4, column: 16 }],
    },
    // settings in a constant that points at this same file, or a variable reassigned later
    {
      code: code`
        const cluster = require('cluster');
        const { Pool } = require('pg');
        const settings = { exec: __filename };
        cluster.setupPrimary(settings);
        const pool = new Pool();
        cluster.fork();
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 5, column: 14 }],
    },
    {
      code: code`
        const cluster = require('cluster');
        const { Pool } = require('pg');
        let settings = { exec: './worker.js' };
        settings = { exec: __filename };
        cluster.setupPrimary(settings);
        const pool = new Pool();
        cluster.fork();
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 6, column: 14 }],
    },

    // a literal that no self-fork passes to the child proves no child; where
    // the forks show what they pass there, no child has it: the parent's own
    {
      code: code`
        const { fork } = require('child_process');
        const { Pool } = require('pg');
        if (process.argv[2] === 'serve') {
          const pool = new Pool();
        } else {
          fork(__filename, ['worker']);
        }
      `,
      errors: [{ messageId: 'poolInPrimary', line: 4, column: 16 }],
    },
    {
      code: code`
        import { fork } from 'node:child_process';
        import knex from 'knex';
        if (process.env.ROLE === 'web' || process.argv.includes('--web')) knex({ client: 'pg' });
        else fork(import.meta.filename, ['--child'], { env: { ROLE: 'child' } });
      `,
      errors: [{ messageId: 'poolInPrimary', line: 3, column: 67 }],
    },
    // forks that do not show what they pass there prove nothing either way
    {
      code: code`
        const { fork } = require('child_process');
        const { Pool } = require('pg');
        if (process.argv[2] === 'serve') {
          const pool = new Pool();
        } else {
          fork(__filename, [process.env.CHILD_MODE]);
        }
      `,
      options: [{ allowPrimaryPools: true }],
      errors: [{ messageId: 'poolBeforeFork', line: 4, column: 16 }],
    },
    {
      code: code`
        import { fork } from 'node:child_process';
        import knex from 'knex';
        if (process.env.ROLE === 'web' || process.argv.includes('--web')) knex({ client: 'pg' });
        else fork(import.meta.filename, ['--child', ...process.argv.slice(3)], { env: { ROLE: 'child', ...process.env } });
      `,
      options: [{ allowPrimaryPools: true }],
      errors: [{ messageId: 'poolBeforeFork', line: 3, column: 67 }],
    },

    // an entry tested for truth: the parent where every child has it, and an empty value is falsy
    {
      code: code`
        const { fork } = require('child_process');
        const { Pool } = require('pg');
        if (!process.env.IS_CHILD) {
          const pool = new Pool();
          fork(__filename, [], { env: { ...process.env, IS_CHILD: '1' } });
        }
      `,
      errors: [{ messageId: 'poolInPrimary', line: 4, column: 16 }],
    },
    {
      code: code`
        const { fork } = require('child_process');
        const { Pool } = require('pg');
        if (process.env.IS_CHILD) new Pool();
        else fork(__filename, [], { env: { IS_CHILD: '' } });
      `,
      errors: [{ messageId: 'poolInPrimary', line: 3, column: 27 }],
    },
    // a child the call starts without it, or an entry no fork sets, proves no side
    {
      code: code`
        const { fork } = require('child_process');
        const { Pool } = require('pg');
        if (!process.env.IS_CHILD) {
          const pool = new Pool();
          fork(__filename, [], { env: { IS_CHILD: '1' } });
          fork(__filename);
        }
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 4, column: 16 }],
    },
    {
      code: code`
        const { fork } = require('child_process');
        const { Pool } = require('pg');
        if (process.env.DATABASE_URL) new Pool();
        else fork(__filename, [], { env: { IS_CHILD: '1' } });
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 3, column: 31 }],
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

    // ---- a local subclass of a creator constructed at load: a creation of the creator's kind ----
    {
      code: code`
        const cluster = require('cluster');
        const { Pool } = require('pg');
        class AppPool extends Pool {
          constructor() {
            super({ max: 5 });
          }
        }
        const pool = new AppPool();
        if (cluster.isPrimary) cluster.fork();
        else pool.query('select 1');
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 8, column: 14 }],
    },
    {
      code: code`
        import cluster from 'node:cluster';
        import pg from 'pg';
        class AppPool extends pg.Pool {}
        const Db = AppPool;
        const pool = new Db();
        if (cluster.isPrimary) cluster.fork();
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 5, column: 14 }],
    },
    {
      code: code`
        import cluster from 'node:cluster';
        import { Pool as PgPool } from 'pg';
        import Redis from 'ioredis';
        const AppPool = class extends PgPool {};
        class Cache extends Redis {}
        const pool = new AppPool();
        const cache = new Cache();
        if (cluster.isPrimary) cluster.fork();
      `,
      errors: [
        { messageId: 'poolBeforeFork', line: 6, column: 14 },
        { messageId: 'poolBeforeFork', line: 7, column: 15 },
      ],
    },

    // ---- created in the primary branch ----
    {
      code: code`
        const cluster = require('cluster');
        const { Pool } = require('pg');
        if (Boolean(cluster.isPrimary)) {
          const pool = new Pool();
          cluster.fork();
        }
      `,
      errors: [{ messageId: 'poolInPrimary', line: 4, column: 16 }],
    },
    // a `Boolean` of the file's own may be anything: no guard
    {
      code: code`
        import cluster from 'node:cluster';
        import { Pool } from 'pg';
        import { Boolean } from './checks.js';
        if (Boolean(cluster.isWorker)) new Pool();
        else cluster.fork();
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 4, column: 32 }],
    },
    {
      code: code`
        const cluster = require('cluster');
        const { Pool } = require('pg');
        if (cluster.isPrimary) {
          const pool = new Pool();
          for (let i = 0; i < 4; i++) cluster.fork();
        } else {
          require('./worker');
        }
      `,
      errors: [{ messageId: 'poolInPrimary', line: 4, column: 16 }],
    },
    {
      code: code`
        import cluster from 'node:cluster';
        import { Pool } from 'pg';
        if (cluster.isWorker) {
          await import('./worker.js');
        } else {
          const pool = new Pool();
          cluster.fork();
        }
      `,
      errors: [{ messageId: 'poolInPrimary', line: 6, column: 16 }],
    },
    {
      code: code`
        const { Worker, isMainThread } = require('node:worker_threads');
        const { Pool } = require('pg');
        if (!isMainThread) {
          require('./job');
        } else {
          const pool = new Pool();
          new Worker(__filename);
        }
      `,
      errors: [{ messageId: 'poolInPrimary', line: 6, column: 16 }],
    },
    {
      code: code`
        const cluster = require('cluster');
        const { Pool } = require('pg');
        if (cluster.isPrimary) cluster.fork();
        const pool = cluster.isPrimary ? new Pool() : null;
      `,
      errors: [{ messageId: 'poolInPrimary', line: 4, column: 34 }],
    },
    {
      code: code`
        const cluster = require('cluster');
        const { Pool } = require('pg');
        if (cluster.isPrimary) cluster.fork();
        const a = cluster.isPrimary && new Pool();
        const b = cluster.isWorker || new Pool();
      `,
      errors: [
        { messageId: 'poolInPrimary', line: 4, column: 32 },
        { messageId: 'poolInPrimary', line: 5, column: 31 },
      ],
    },
    // early return from the child side leaves the primary
    {
      code: code`
        const cluster = require('cluster');
        const { Pool } = require('pg');
        if (cluster.isWorker) {
          require('./worker');
          return;
        }
        const pool = new Pool();
        cluster.fork();
      `,
      languageOptions: commonjs,
      errors: [{ messageId: 'poolInPrimary', line: 7, column: 14 }],
    },
    {
      code: code`
        const { fork } = require('child_process');
        const { Pool } = require('pg');
        if (typeof process.send === 'undefined') {
          const pool = new Pool();
          fork(__filename);
        }
      `,
      errors: [{ messageId: 'poolInPrimary', line: 4, column: 16 }],
    },
    {
      code: code`
        const cluster = require('cluster');
        const { Pool } = require('pg');
        const { isPrimary } = cluster;
        if (isPrimary) {
          new Pool();
          cluster.fork();
        }
      `,
      errors: [{ messageId: 'poolInPrimary', line: 5, column: 3 }],
    },
    {
      code: code`
        const cluster = require('cluster');
        const { Pool } = require('pg');
        if (!process.env.NODE_UNIQUE_ID) {
          const pool = new Pool();
          cluster.fork();
        }
      `,
      errors: [{ messageId: 'poolInPrimary', line: 4, column: 16 }],
    },
    // both at once
    {
      code: code`
        const cluster = require('cluster');
        const { Pool } = require('pg');
        const shared = new Pool();
        if (cluster.isPrimary) {
          const primary = new Pool();
          cluster.fork();
        } else {
          const worker = new Pool();
        }
      `,
      errors: [
        { messageId: 'poolBeforeFork', line: 3, column: 16 },
        { messageId: 'poolInPrimary', line: 5, column: 19 },
      ],
    },

    // the worker side exits early, so what follows runs in the parent only
    {
      code: code`
        const { Worker, isMainThread } = require('worker_threads');
        const { Pool } = require('pg');
        if (!isMainThread) {
          const pool = new Pool();
          return;
        }
        const metrics = new Pool();
        new Worker(__filename);
      `,
      languageOptions: commonjs,
      errors: [{ messageId: 'poolInPrimary', line: 7, column: 17 }],
    },
    {
      code: code`
        import { Worker, isMainThread } from 'node:worker_threads';
        import { Pool } from 'pg';
        function main() {
          if (!isMainThread) {
            work();
            process.exit(0);
          }
          const pool = new Pool();
          new Worker(import.meta.filename);
        }
        main();
      `,
      errors: [{ messageId: 'poolInPrimary', line: 8, column: 16 }],
    },
    // typed mode is off by default, but known creators still count in a .ts file
    {
      code: code`
        import cluster from 'node:cluster';
        import { Pool } from 'pg';
        const pool: Pool = new Pool();
        const other = new Pool().on('error', () => {});
        cluster.fork();
      `,
      filename: 'server.ts',
      errors: [
        { messageId: 'poolBeforeFork', line: 3, column: 20 },
        { messageId: 'poolBeforeFork', line: 4, column: 15 },
      ],
    },

    // parentPort is null on the main thread: that branch is the parent
    {
      code: code`
        const { Worker, parentPort } = require('worker_threads');
        const { Pool } = require('pg');
        if (parentPort === null) {
          const audit = new Pool();
          new Worker(__filename);
        }
      `,
      errors: [{ messageId: 'poolInPrimary', line: 4, column: 17 }],
    },
    {
      code: code`
        import { Worker, parentPort } from 'node:worker_threads';
        import { Pool } from 'pg';
        if (!parentPort) {
          const audit = new Pool();
          new Worker(new URL(import.meta.url));
        }
        const pool = new Pool();
      `,
      errors: [
        { messageId: 'poolInPrimary', line: 4, column: 17 },
        { messageId: 'poolBeforeFork', line: 7, column: 14 },
      ],
    },

    // the parent side of an argv guard, and of a helper guard
    {
      code: code`
        const { fork } = require('child_process');
        const { Pool } = require('pg');
        if (!process.argv.includes('--child')) {
          const pool = new Pool();
          fork(__filename, ['--child']);
        }
      `,
      errors: [{ messageId: 'poolInPrimary', line: 4, column: 16 }],
    },
    {
      code: code`
        const cluster = require('cluster');
        const { Pool } = require('pg');
        const isPrimary = () => cluster.isPrimary;
        if (isPrimary()) {
          const metrics = new Pool();
          cluster.fork();
        }
      `,
      errors: [{ messageId: 'poolInPrimary', line: 5, column: 19 }],
    },

    // ---- cross-file: a guard imported from a local module ----
    // the guard keeps the `else` to the workers, not a pool at module scope or in the primary
    {
      code: code`
        const cluster = require('node:cluster');
        const { Pool } = require('pg');
        const { isPrimary } = require('./guard-cjs');
        const shared = new Pool();
        if (isPrimary) { const primary = new Pool(); cluster.fork(); } else { const pool = new Pool(); }
      `,
      filename: SERVER_JS,
      errors: [
        { messageId: 'poolBeforeFork', line: 4, column: 16 },
        { messageId: 'poolInPrimary', line: 5, column: 34 },
      ],
    },
    // imported names that are no guard: a literal, a reassigned `let`, an export written twice
    {
      code: code`
        const cluster = require('node:cluster');
        const { Pool } = require('pg');
        const { isPrimary } = require('./guard-not');
        if (isPrimary) { cluster.fork(); } else { const pool = new Pool(); }
      `,
      filename: SERVER_JS,
      errors: [{ messageId: 'poolBeforeFork', line: 4, column: 56 }],
    },
    {
      code: code`
        import cluster from 'node:cluster';
        import { Pool } from 'pg';
        import { isPrimary } from './guard-mutable.mjs';
        if (isPrimary) cluster.fork();
        else new Pool();
      `,
      filename: SERVER_MJS,
      errors: [{ messageId: 'poolBeforeFork', line: 5, column: 6 }],
    },
    {
      code: code`
        const cluster = require('node:cluster');
        const { Pool } = require('pg');
        const { isPrimary } = require('./guard-twice');
        if (isPrimary) cluster.fork();
        else new Pool();
      `,
      filename: SERVER_JS,
      errors: [{ messageId: 'poolBeforeFork', line: 5, column: 6 }],
    },
    // `isMainThread` tells nothing of a cluster fork
    {
      code: code`
        const cluster = require('node:cluster');
        const { Pool } = require('pg');
        const { isMainThread } = require('./guard-threads');
        if (isMainThread) cluster.fork();
        else new Pool();
      `,
      filename: SERVER_JS,
      errors: [{ messageId: 'poolBeforeFork', line: 5, column: 6 }],
    },

    // ---- cross-file: a local module that creates a pool at load ----
    {
      code: code`
        const cluster = require('cluster');
        const pool = require('./db-creates');
        if (cluster.isPrimary) cluster.fork();
      `,
      filename: SERVER_JS,
      errors: [{ messageId: 'importCreatesPool', line: 2, column: 14 }],
    },
    {
      code: code`
        import cluster from 'node:cluster';
        import pool from './db-creates.js';
        if (cluster.isPrimary) cluster.fork();
      `,
      filename: SERVER_MJS,
      errors: [{ messageId: 'importCreatesPool', line: 2, column: 1 }],
    },
    // with Node globals configured, `require` is a declared global, not an unresolved name
    {
      code: code`
        const cluster = require('cluster');
        const { Pool } = require('pg');
        const db = require('./db-creates');
        const pool = new Pool();
        cluster.fork();
      `,
      filename: SERVER_JS,
      languageOptions: { globals: { require: 'readonly', module: 'writable', __filename: 'readonly' } },
      errors: [
        { messageId: 'importCreatesPool', line: 3, column: 12 },
        { messageId: 'poolBeforeFork', line: 4, column: 14 },
      ],
    },
    // TypeScript's `.js` specifier for a `.ts` file
    {
      code: code`
        import cluster from 'node:cluster';
        import { pool } from './ts/db.js';
        if (cluster.isPrimary) cluster.fork();
      `,
      filename: SERVER_TS,
      errors: [{ messageId: 'importCreatesPool', line: 2, column: 1 }],
    },
    // a directory's index that re-exports the creating module
    {
      code: code`
        import { Worker, isMainThread } from 'node:worker_threads';
        import './ts';
        if (isMainThread) new Worker(new URL(import.meta.url));
      `,
      filename: SERVER_TS,
      errors: [{ messageId: 'importCreatesPool', line: 2, column: 1 }],
    },
    // transitively
    {
      code: code`
        const { fork } = require('node:child_process');
        require('./chain-a');
        fork(__filename);
      `,
      filename: SERVER_JS,
      errors: [{ messageId: 'importCreatesPool', line: 2, column: 1 }],
    },
    // through a cycle, which still terminates
    {
      code: code`
        import cluster from 'node:cluster';
        import { name } from './cycle-pool-a.mjs';
        cluster.fork();
      `,
      filename: SERVER_MJS,
      errors: [{ messageId: 'importCreatesPool', line: 2, column: 1 }],
    },
    // a re-export loads the module too
    {
      code: code`
        import cluster from 'node:cluster';
        export * from './db-creates.js';
        cluster.fork();
      `,
      filename: SERVER_MJS,
      errors: [{ messageId: 'importCreatesPool', line: 2, column: 1 }],
    },
    // TypeScript's import-equals of a local module
    {
      code: code`
        import cluster = require('node:cluster');
        import db = require('./ts/db');
        if (cluster.isPrimary) cluster.fork();
        else db.pool.query('select 1');
      `,
      filename: SERVER_TS,
      errors: [{ messageId: 'importCreatesPool', line: 2, column: 1 }],
    },
    {
      code: code`
        import cluster = require('node:cluster');
        export import pool = require('./db-creates.js');
        cluster.fork();
      `,
      filename: SERVER_TS,
      errors: [{ messageId: 'importCreatesPool', line: 2, column: 1 }],
    },
    // a declaration over several lines is reported from its first line to the module's name, so that a disable comment above it applies
    {
      code: code`
        import cluster from 'node:cluster';
        import {
          pool,
          pool as replica,
        } from './db-calls-factory.mjs';
        export {
          pool as shared,
        } from './ts/db.js';
        export * from
          './db-creates.js';
        cluster.fork();
      `,
      filename: SERVER_MJS,
      errors: [
        { messageId: 'importCreatesPool', line: 2, column: 1, endLine: 5, endColumn: 32 },
        { messageId: 'importCreatesPool', line: 6, column: 1, endLine: 8, endColumn: 20 },
        { messageId: 'importCreatesPool', line: 9, column: 1, endLine: 10, endColumn: 20 },
      ],
    },
    {
      code: code`
        import cluster = require('node:cluster');
        import db = require(
          './ts/db'
        );
        const pool = require(
          './db-creates'
        );
        cluster.fork();
      `,
      filename: SERVER_TS,
      errors: [
        { messageId: 'importCreatesPool', line: 2, column: 1, endLine: 3 },
        { messageId: 'importCreatesPool', line: 5, column: 14, endLine: 6 },
      ],
    },
    // a static field opens its pool as the module loads
    {
      code: code`
        const cluster = require('cluster');
        const { Db } = require('./db-static-class');
        cluster.fork();
      `,
      filename: SERVER_JS,
      errors: [{ messageId: 'importCreatesPool', line: 2, column: 16 }],
    },
    // a top-level await import() on the shared path
    {
      code: code`
        import cluster from 'node:cluster';
        const { pool } = await import('./ts/db.js');
        cluster.fork();
      `,
      filename: SERVER_MJS,
      errors: [{ messageId: 'importCreatesPool', line: 2, column: 24 }],
    },

    // a creation over several lines is quoted as its callee, as in poolBeforeFork
    {
      code: code`
        const cluster = require('cluster');
        const pool = require('./db-multiline');
        if (cluster.isPrimary) cluster.fork();
      `,
      filename: SERVER_JS,
      errors: [
        {
          messageId: 'importCreatesPool',
          line: 2,
          column: 14,
          data: {
            source: './db-multiline',
            origin: '`new Pool(...)` in db-multiline.js:3',
            forkLine: '3',
            parent: 'primary process',
            children: 'worker processes',
          },
        },
      ],
    },
    // ---- typed: a live pool imported from a package opened at load ----
    {
      code: code`
        import cluster from 'node:cluster';
        import { pool } from '@acme/db';
        if (cluster.isPrimary) {
          for (let i = 0; i < 4; i++) cluster.fork();
        } else {
          void pool.query('select 1');
        }
      `,
      filename: TYPED_FILE,
      languageOptions: typedLanguageOptions,
      options: [{ typeChecked: true }],
      errors: [
        {
          messageId: 'importCreatesPool',
          line: 2,
          column: 1,
          data: {
            source: '@acme/db',
            origin: '`pool` is a `Pool`',
            forkLine: '4',
            parent: 'primary process',
            children: 'worker processes',
          },
        },
      ],
    },
    // ---- a creator or a fork module loaded with `await import()` ----
    {
      code: code`
        import cluster from 'node:cluster';
        const { Pool } = await import('pg');
        const pool = new Pool({ max: 20 });
        const other = new (await import('pg')).default.Pool();
        if (cluster.isPrimary) cluster.fork();
      `,
      errors: [
        { messageId: 'poolBeforeFork', line: 3, column: 14 },
        { messageId: 'poolBeforeFork', line: 4, column: 15 },
      ],
    },
    {
      code: code`
        const cluster = await import('node:cluster');
        const pg = await import('pg');
        const pool = new pg.Pool();
        if (cluster.isPrimary) cluster.fork();
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 3, column: 14 }],
    },
    {
      code: code`
        const { fork } = await import('node:child_process');
        import { Pool } from 'pg';
        const pool = new Pool();
        if (!process.send) fork(import.meta.filename);
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 3, column: 14 }],
    },
    // ---- an import that any name uses as a value, one with no names, and one in JavaScript load the module ----
    {
      code: code`
        import cluster from 'node:cluster';
        import { Db, pool } from './ts/db-typed.js';
        export const current: Db = pool;
        if (cluster.isPrimary) cluster.fork();
      `,
      filename: SERVER_TS,
      errors: [{ messageId: 'importCreatesPool', line: 2, column: 1 }],
    },
    {
      code: code`
        import cluster from 'node:cluster';
        import './ts/db-typed.js';
        import { DbOptions } from './ts/db-typed.js';
        if (cluster.isPrimary) cluster.fork();
      `,
      filename: SERVER_TS,
      errors: [
        { messageId: 'importCreatesPool', line: 2, column: 1 },
        { messageId: 'importCreatesPool', line: 3, column: 1 },
      ],
    },
    {
      code: code`
        import cluster from 'node:cluster';
        import { Db } from './ts/db-typed.js';
        if (cluster.isPrimary) cluster.fork();
      `,
      filename: SERVER_MJS,
      errors: [{ messageId: 'importCreatesPool', line: 2, column: 1 }],
    },
    // ---- setupPrimary({ exec }) that may run this file, or may not run at all ----
    {
      code: code`
        const cluster = require('cluster');
        const { Pool } = require('pg');
        cluster.setupPrimary({ exec: process.env.WORKER_FILE ?? __filename });
        const pool = new Pool();
        if (cluster.isPrimary) cluster.fork();
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 4, column: 14 }],
    },
    {
      code: code`
        const cluster = require('cluster');
        const { Pool } = require('pg');
        if (process.env.WORKER_FILE) cluster.setupPrimary({ exec: process.env.WORKER_FILE });
        const pool = new Pool();
        if (cluster.isPrimary) cluster.fork();
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 4, column: 14 }],
    },
    {
      code: code`
        const cluster = require('cluster');
        const { Pool } = require('pg');
        const pool = new Pool();
        cluster.fork();
        cluster.setupPrimary({ exec: './worker.js' });
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 3, column: 14 }],
    },
    // ---- more creators: mariadb's callback API, sequelize-typescript ----
    {
      code: code`
        const cluster = require('cluster');
        const mariadb = require('mariadb/callback');
        const { Sequelize } = require('sequelize-typescript');
        const pool = mariadb.createPool({});
        const sequelize = new Sequelize({ dialect: 'postgres' });
        if (cluster.isPrimary) cluster.fork();
      `,
      errors: [
        { messageId: 'poolBeforeFork', line: 4, column: 14 },
        { messageId: 'poolBeforeFork', line: 5, column: 19 },
      ],
    },
    // ---- tsconfig path aliases (from the config it extends): a pattern whose second target exists, an exact key ----
    {
      code: code`
        import cluster from 'node:cluster';
        import { getPool } from '@/lib/db';
        import { build } from '~db-factory';
        const pool = build();
        if (cluster.isPrimary) cluster.fork();
        else console.log(getPool());
      `,
      filename: ALIASED_SERVER_JS,
      errors: [
        { messageId: 'importCreatesPool', line: 2, column: 1 },
        { messageId: 'poolBeforeFork', line: 4, column: 14 },
      ],
    },
    // ---- tsconfig baseUrl without paths: a bare specifier that names a file under it is a local module ----
    {
      code: code`
        import cluster from 'node:cluster';
        import { pool } from 'services/db';
        import { Pool } from 'pg';
        const other = new Pool();
        if (cluster.isPrimary) cluster.fork();
        else void pool.query('SELECT 1');
      `,
      filename: BASE_URL_SERVER_TS,
      errors: [
        { messageId: 'importCreatesPool', line: 2, column: 1 },
        { messageId: 'poolBeforeFork', line: 4, column: 15 },
      ],
    },
    // ---- subpath imports through the package's package.json "imports": exact, a pattern, a condition ----
    {
      code: code`
        const cluster = require('cluster');
        const pool = require('#db');
        const { pool: other } = require('#lib/pool');
        const third = require('#conditional');
        if (cluster.isPrimary) cluster.fork();
      `,
      filename: SUBPATH_SERVER_JS,
      errors: [
        { messageId: 'importCreatesPool', line: 2, column: 14 },
        { messageId: 'importCreatesPool', line: 3, column: 25 },
        { messageId: 'importCreatesPool', line: 4, column: 15 },
      ],
    },
    // ---- a directory import through its package.json, and a path built beside this file ----
    {
      code: code`
        const cluster = require('cluster');
        const path = require('path');
        const pool = require('./db-package');
        const { pool: other } = require('./db-exports');
        const third = require(path.join(__dirname, 'db-creates'));
        const fourth = require(path.resolve(__dirname, './db-creates.js'));
        if (cluster.isPrimary) cluster.fork();
      `,
      filename: SERVER_JS,
      errors: [
        { messageId: 'importCreatesPool', line: 3, column: 14 },
        { messageId: 'importCreatesPool', line: 4, column: 25 },
        { messageId: 'importCreatesPool', line: 5, column: 15 },
        { messageId: 'importCreatesPool', line: 6, column: 16 },
      ],
    },
    // ---- a primary pool ended only on some paths, after the fork, or in a callback stays the primary's ----
    {
      code: code`
        import cluster from 'node:cluster';
        import { Pool } from 'pg';
        if (cluster.isPrimary) {
          const a = new Pool();
          if (process.env.MIGRATE_ONLY) await a.end();
          const b = new Pool();
          cluster.fork();
          await b.end();
          const c = new Pool();
          setTimeout(() => c.end(), 1000);
          cluster.fork();
        }
      `,
      errors: [
        { messageId: 'poolInPrimary', line: 4, column: 13 },
        { messageId: 'poolInPrimary', line: 6, column: 13 },
        { messageId: 'poolInPrimary', line: 9, column: 13 },
      ],
    },
    {
      code: code`
        import cluster from 'node:cluster';
        import { Pool } from 'pg';
        function startWorkers() {
          for (let i = 0; i < 4; i++) cluster.fork();
        }
        if (cluster.isPrimary) {
          let pool = new Pool();
          startWorkers();
          await pool.end();
          const other = new Pool();
          try {
            await migrate(other);
          } catch (err) {
            console.error(err);
          }
          await other.end();
        }
      `,
      errors: [
        { messageId: 'poolInPrimary', line: 7, column: 14 },
        { messageId: 'poolInPrimary', line: 10, column: 17 },
      ],
    },
    // ---- ending a module-scope pool does not help: each child creates its own again ----
    {
      code: code`
        import cluster from 'node:cluster';
        import { Pool } from 'pg';
        const pool = new Pool();
        await pool.end();
        if (cluster.isPrimary) cluster.fork();
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 3, column: 14 }],
    },
    // ---- typed mode ----
    {
      code: `${PG_MODULE}\n${code`
        const cluster = require('cluster');
        declare function makePool(): import('pg').Pool;
        const pool = makePool();
        cluster.fork();
      `}`,
      filename: TYPED_FILE,
      languageOptions: typedLanguageOptions,
      options: [{ typeChecked: true }],
      errors: [{ messageId: 'poolBeforeFork', line: P + 3, column: 14 }],
    },
    // `Pool | undefined`, through a Promise, and a subclass
    {
      code: `${PG_MODULE}\n${code`
        const cluster = require('cluster');
        declare function maybePool(): import('pg').Pool | undefined;
        declare function connect(): Promise<import('pg').Client>;
        const { Pool } = require('pg') as typeof import('pg');
        class AppPool extends Pool {}
        declare function appPool(): AppPool;
        const a = maybePool();
        const b = await connect();
        const c = appPool();
        if (cluster.isPrimary) cluster.fork();
      `}`,
      filename: TYPED_FILE,
      languageOptions: typedLanguageOptions,
      options: [{ typeChecked: true }],
      errors: [
        { messageId: 'poolBeforeFork', line: P + 7, column: 11 },
        { messageId: 'poolBeforeFork', line: P + 8, column: 17 },
        { messageId: 'poolBeforeFork', line: P + 9, column: 11 },
      ],
    },
    // a chained call on a pool is the same pool: reported once, on the innermost call
    {
      code: `${PG_MODULE}\n${code`
        const cluster = require('cluster');
        declare function makePool(): import('pg').Pool & { on(event: string, cb: () => void): import('pg').Pool };
        const pool = makePool().on('error', () => {});
        cluster.fork();
      `}`,
      filename: TYPED_FILE,
      languageOptions: typedLanguageOptions,
      options: [{ typeChecked: true }],
      errors: [{ messageId: 'poolBeforeFork', line: P + 3, column: 14 }],
    },
    // a method on an existing pool is no new pool: `on()` returns it, `connect()` leases from it
    {
      code: `${PG_MODULE}\n${code`
        const cluster = require('cluster');
        const { Pool } = require('pg') as typeof import('pg');
        const pool = new Pool();
        pool.on('error', console.error);
        const client = await pool.connect();
        if (cluster.isPrimary) cluster.fork();
      `}`,
      filename: TYPED_FILE,
      languageOptions: typedLanguageOptions,
      options: [{ typeChecked: true }],
      errors: [{ messageId: 'poolBeforeFork', line: P + 3, column: 14 }],
    },
    {
      code: `${PG_MODULE}\n${code`
        const cluster = require('cluster');
        declare function makePool(): import('pg').Pool;
        if (cluster.isPrimary) {
          const audit = makePool();
          audit.on('error', console.error);
          cluster.fork();
        }
      `}`,
      filename: TYPED_FILE,
      languageOptions: typedLanguageOptions,
      options: [{ typeChecked: true }],
      errors: [{ messageId: 'poolInPrimary', line: P + 4, column: 17 }],
    },
    // a method on something that is not a pool still creates one
    {
      code: `${PG_MODULE}\n${code`
        const cluster = require('cluster');
        declare const pools: { create(): import('pg').Pool };
        const pool = pools.create();
        cluster.fork();
      `}`,
      filename: TYPED_FILE,
      languageOptions: typedLanguageOptions,
      options: [{ typeChecked: true }],
      errors: [{ messageId: 'poolBeforeFork', line: P + 3, column: 14 }],
    },
    // a local factory called at load: one pool, reported once, on its creation
    {
      code: `${PG_MODULE}\n${code`
        const cluster = require('cluster');
        const { Pool } = require('pg') as typeof import('pg');
        function make(): import('pg').Pool {
          return new Pool();
        }
        const pool = make();
        cluster.fork();
      `}`,
      filename: TYPED_FILE,
      languageOptions: typedLanguageOptions,
      options: [{ typeChecked: true }],
      errors: [{ messageId: 'poolBeforeFork', line: P + 4, column: 10 }],
    },
    // black-box t12e: a static method, an object literal's method and an instance accessor of this file, called
    // at load: each pool reported once, on its creation, not again on the call that opens or returns it
    {
      code: `${PG_MODULE}\n${code`
        const cluster = require('cluster');
        const { Pool } = require('pg') as typeof import('pg');
        class Db {
          static #pool?: import('pg').Pool;
          static get(): import('pg').Pool {
            return (Db.#pool ??= new Pool({ max: 1 }));
          }
        }
        const db = { create(): import('pg').Pool { return new Pool(); } };
        class Repo {
          pool = new Pool();
          getPool() { return this.pool; }
        }
        class Lazy {
          #pool: import('pg').Pool;
          constructor() { this.#pool = new Pool(); }
          get pool() { return this.#pool; }
          current(): import('pg').Pool { return this.#pool; }
        }
        const repo = new Repo();
        const lazy = new Lazy();
        export const a = Db.get();
        export const b = db.create();
        export const c = repo.getPool();
        export const d = lazy.current();
        if (cluster.isPrimary) cluster.fork();
      `}`,
      filename: TYPED_FILE,
      languageOptions: typedLanguageOptions,
      options: [{ typeChecked: true }],
      errors: [
        { messageId: 'poolBeforeFork', line: P + 6, column: 26 },
        { messageId: 'poolBeforeFork', line: P + 9, column: 51 },
        { messageId: 'poolBeforeFork', line: P + 11, column: 10 },
        { messageId: 'poolBeforeFork', line: P + 16, column: 32 },
      ],
    },
    // a static method whose typed creation (`connect()`) runs at load: reported there, once; a same-named
    // method of another object, declared without a body, is a creation of its own
    {
      code: `${PG_MODULE}\n${code`
        const cluster = require('cluster');
        declare function connect(): import('pg').Pool;
        declare const Other: { get(): import('pg').Pool };
        class Db {
          static #pool?: import('pg').Pool;
          static get(): import('pg').Pool {
            return (Db.#pool ??= connect());
          }
        }
        export const a = Db.get();
        export const b = Other.get();
        if (cluster.isPrimary) cluster.fork();
      `}`,
      filename: TYPED_FILE,
      languageOptions: typedLanguageOptions,
      options: [{ typeChecked: true }],
      errors: [
        { messageId: 'poolBeforeFork', line: P + 7, column: 26 },
        { messageId: 'poolBeforeFork', line: P + 11, column: 18 },
      ],
    },
    // typed: poolguard's guardPool() and adoptLease() hand back the pool or client they are given; one creation
    {
      code: code`
        import cluster from 'node:cluster';
        import { Pool } from 'pg';
        import { adoptLease, guardPool } from '@poolguard/instrumentation';
        const raw = new Pool({ max: 5 });
        export const pool = guardPool(raw, { name: 'main' });
        export const again = guardPool(guardPool(raw));
        export const watched = adoptLease(pool);
        if (cluster.isPrimary) cluster.fork();
      `,
      filename: TYPED_FILE,
      languageOptions: typedLanguageOptions,
      options: [{ typeChecked: true }],
      errors: [{ messageId: 'poolBeforeFork', line: 4, column: 13 }],
    },
    // typed in the primary branch; a known creator is reported once, not twice
    {
      code: `${PG_MODULE}\n${code`
        const cluster = require('cluster');
        const pg = require('pg') as typeof import('pg');
        declare function makePool(): import('pg').Pool;
        const direct = new pg.Pool();
        if (cluster.isPrimary) {
          const primary = makePool();
          cluster.fork();
        }
      `}`,
      filename: TYPED_FILE,
      languageOptions: typedLanguageOptions,
      options: [{ typeChecked: true }],
      errors: [
        { messageId: 'poolBeforeFork', line: P + 4, column: 16 },
        { messageId: 'poolInPrimary', line: P + 6, column: 19 },
      ],
    },

    // ---- typed mode: a read of a pool that exists is not reported; where the pool is created is ----
    // black-box t60: the import creates the pool at load; `getPool()` only hands it out, and is not reported again
    {
      code: `${PG_MODULE}\n${code`
        const cluster = require('cluster');
        const { getPool } = require('./db-accessor') as typeof import('./db-accessor');
        const pool = getPool();
        if (cluster.isPrimary) cluster.fork();
        else pool.query('select 1');
      `}`,
      filename: TYPED_FILE,
      languageOptions: typedLanguageOptions,
      options: [{ typeChecked: true }],
      errors: [{ messageId: 'importCreatesPool', line: P + 2, column: 21 }],
    },
    // a local module that constructs a subclass of `Pool` at load: on the shared path, and lazily in the primary
    {
      code: `${PG_MODULE}\n${code`
        const cluster = require('cluster');
        const { pool } = require('./db-subclass') as typeof import('./db-subclass');
        if (cluster.isPrimary) cluster.fork();
        else pool.query('select 1');
      `}`,
      filename: TYPED_FILE,
      languageOptions: typedLanguageOptions,
      options: [{ typeChecked: true }],
      errors: [{ messageId: 'importCreatesPool', line: P + 2, column: 18 }],
    },
    {
      code: `${PG_MODULE}\n${code`
        const cluster = require('cluster');
        if (cluster.isPrimary) {
          const { pool } = require('./db-subclass') as typeof import('./db-subclass');
          cluster.fork();
        }
      `}`,
      filename: TYPED_FILE,
      languageOptions: typedLanguageOptions,
      options: [{ typeChecked: true }],
      errors: [{ messageId: 'poolInPrimary', line: P + 3, column: 20 }],
    },
    // a local accessor, and a container read, of pools created at load: reported on the creations only
    {
      code: `${PG_MODULE}\n${code`
        const cluster = require('cluster');
        const { Pool } = require('pg') as typeof import('pg');
        const pool = new Pool();
        const pools = new Map<string, import('pg').Pool>();
        pools.set('main', new Pool());
        const getPool = () => pool;
        const poolNamed = (name: string) => pools.get(name);
        const a = getPool();
        const b = poolNamed('main');
        const c = pools.get('main');
        if (cluster.isPrimary) cluster.fork();
      `}`,
      filename: TYPED_FILE,
      languageOptions: typedLanguageOptions,
      options: [{ typeChecked: true }],
      errors: [
        { messageId: 'poolBeforeFork', line: P + 3, column: 14 },
        { messageId: 'poolBeforeFork', line: P + 5, column: 19 },
      ],
    },
    // the creation behind a registry's reader is reported where it runs: `register()` at load
    {
      code: `${PG_MODULE}\n${code`
        const cluster = require('cluster');
        const db = require('./db-registry') as typeof import('./db-registry');
        db.register('main');
        const main = db.poolNamed('main');
        if (cluster.isPrimary) cluster.fork();
      `}`,
      filename: TYPED_FILE,
      languageOptions: typedLanguageOptions,
      options: [{ typeChecked: true }],
      errors: [{ messageId: 'poolBeforeFork', line: P + 3, column: 1 }],
    },
    // functions that create when called stay factories (a lazy singleton, one that calls another function):
    // each pool reported once, on the typed creation inside, as for `new Pool()` in a local factory
    {
      code: `${PG_MODULE}\n${code`
        const cluster = require('cluster');
        declare function connect(): import('pg').Pool;
        let shared: import('pg').Pool | undefined;
        function lazyPool(): import('pg').Pool {
          shared ??= connect();
          return shared;
        }
        const open = (): import('pg').Pool => connect();
        const a = lazyPool();
        const b = open();
        if (cluster.isPrimary) cluster.fork();
      `}`,
      filename: TYPED_FILE,
      languageOptions: typedLanguageOptions,
      options: [{ typeChecked: true }],
      errors: [
        { messageId: 'poolBeforeFork', line: P + 5, column: 14 },
        { messageId: 'poolBeforeFork', line: P + 8, column: 39 },
      ],
    },
    // imported factories whose pool is opened by the call: `new Pool()`, an unknown factory, a lazy singleton, an object's `get`
    {
      code: `${PG_MODULE}\n${code`
        const cluster = require('cluster');
        const db = require('./db-factories') as typeof import('./db-factories');
        const a = db.makePool();
        const b = db.open();
        const c = db.lazyPool();
        const d = db.fromRegistry('main');
        if (cluster.isPrimary) cluster.fork();
      `}`,
      filename: TYPED_FILE,
      languageOptions: typedLanguageOptions,
      options: [{ typeChecked: true }],
      errors: [
        { messageId: 'poolBeforeFork', line: P + 3, column: 11 },
        { messageId: 'poolBeforeFork', line: P + 4, column: 11 },
        { messageId: 'poolBeforeFork', line: P + 5, column: 11 },
        { messageId: 'poolBeforeFork', line: P + 6, column: 11 },
      ],
    },
    // a `get` of the file's own Map subclass may create: it is not the library's, and stays a creation
    {
      code: `${PG_MODULE}\n${code`
        const cluster = require('cluster');
        const { Pool } = require('pg') as typeof import('pg');
        class PoolMap extends Map<string, import('pg').Pool> {
          get(name: string): import('pg').Pool {
            return super.get(name) ?? this.open(name);
          }
          open(name: string): import('pg').Pool {
            const pool = new Pool();
            this.set(name, pool);
            return pool;
          }
        }
        const pools = new PoolMap();
        const main = pools.get('main');
        if (cluster.isPrimary) cluster.fork();
      `}`,
      filename: TYPED_FILE,
      languageOptions: typedLanguageOptions,
      options: [{ typeChecked: true }],
      errors: [{ messageId: 'poolBeforeFork', line: P + 14, column: 14 }],
    },
    // a read in the primary's branch is no pool of the primary's; a creation there is
    {
      code: `${PG_MODULE}\n${code`
        const cluster = require('cluster');
        declare function makePool(): import('pg').Pool;
        declare const pools: Map<string, import('pg').Pool>;
        if (cluster.isPrimary) {
          const audit = pools.get('audit');
          const own = makePool();
          cluster.fork();
        }
      `}`,
      filename: TYPED_FILE,
      languageOptions: typedLanguageOptions,
      options: [{ typeChecked: true }],
      errors: [{ messageId: 'poolInPrimary', line: P + 6, column: 15 }],
    },

    // ---- a function called at load runs its creations at load ----
    {
      code: code`
        const cluster = require('cluster');
        const { Pool } = require('pg');
        function connect() {
          return new Pool();
        }
        connect();
        if (cluster.isPrimary) cluster.fork();
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 4, column: 10 }],
    },
    {
      code: code`
        import cluster from 'node:cluster';
        import { Pool } from 'pg';
        const createDb = () => new Pool();
        export const db = createDb();
        if (cluster.isPrimary) cluster.fork();
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 3, column: 24 }],
    },
    {
      code: code`
        import cluster from 'node:cluster';
        import knex from 'knex';
        let db;
        async function setup() {
          db = knex({ client: 'pg' });
        }
        await setup();
        if (cluster.isPrimary) cluster.fork();
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 5, column: 8 }],
    },
    // through another function, through recursion, and through a call cycle
    {
      code: code`
        const cluster = require('cluster');
        const { Pool } = require('pg');
        function makePool() {
          return new Pool();
        }
        function boot() {
          return makePool();
        }
        function connect(retries) {
          return retries > 0 ? connect(retries - 1) : new Pool();
        }
        function ping() {
          return pong();
        }
        function pong() {
          new Pool();
          return ping();
        }
        boot();
        connect(3);
        ping();
        cluster.fork();
      `,
      errors: [
        { messageId: 'poolBeforeFork', line: 4, column: 10 },
        { messageId: 'poolBeforeFork', line: 10, column: 47 },
        { messageId: 'poolBeforeFork', line: 16, column: 3 },
      ],
    },
    // called in the primary branch and in the worker branch: both open one
    {
      code: code`
        const cluster = require('cluster');
        const { Pool } = require('pg');
        const makePool = () => new Pool();
        if (cluster.isPrimary) {
          makePool();
          cluster.fork();
        } else {
          makePool();
        }
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 3, column: 24 }],
    },
    // called only in the primary branch
    {
      code: code`
        const cluster = require('cluster');
        const { Pool } = require('pg');
        function makePool() {
          return new Pool();
        }
        if (cluster.isPrimary) {
          makePool();
          cluster.fork();
        }
      `,
      errors: [{ messageId: 'poolInPrimary', line: 4, column: 10 }],
    },
    // a function holding the fork runs where it is called: here in the primary only
    {
      code: code`
        import cluster from 'node:cluster';
        import { Pool } from 'pg';
        function startPrimary() {
          const p = new Pool();
          for (let i = 0; i < 4; i++) cluster.fork();
        }
        if (cluster.isPrimary) startPrimary();
      `,
      errors: [{ messageId: 'poolInPrimary', line: 4, column: 13 }],
    },
    // ... and on the shared path when it is exported rather than called
    {
      code: code`
        import cluster from 'node:cluster';
        import { Pool } from 'pg';
        export function startPrimary() {
          const p = new Pool();
          cluster.fork();
        }
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 4, column: 13 }],
    },

    // ---- a class constructed at load runs its constructor and instance fields at load ----
    {
      code: code`
        const cluster = require('cluster');
        const { Pool } = require('pg');
        class C {
          p = new Pool();
        }
        const c = new C();
        if (cluster.isPrimary) cluster.fork();
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 4, column: 7 }],
    },
    {
      code: code`
        const cluster = require('cluster');
        const { Pool } = require('pg');
        class C {
          #p = new Pool();
        }
        export const c = new C();
        cluster.fork();
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 4, column: 8 }],
    },
    {
      code: code`
        import cluster from 'node:cluster';
        import { Pool } from 'pg';
        export class DbService {
          private readonly pool = new Pool({ max: 10 });
          accessor replica = new Pool({ max: 2 });
        }
        const db = new DbService();
        if (cluster.isPrimary) cluster.fork();
      `,
      filename: 'server.ts',
      errors: [
        { messageId: 'poolBeforeFork', line: 4, column: 27 },
        { messageId: 'poolBeforeFork', line: 5, column: 22 },
      ],
    },
    {
      code: code`
        const cluster = require('cluster');
        const { Pool } = require('pg');
        class C {
          constructor() {
            this.p = new Pool();
          }
        }
        new C();
        if (cluster.isPrimary) cluster.fork();
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 5, column: 14 }],
    },
    // a class expression, constructed in a function called at load
    {
      code: code`
        const cluster = require('cluster');
        const { Pool } = require('pg');
        const Repo = class {
          pool = new Pool();
        };
        function start() {
          return new Repo();
        }
        start();
        cluster.fork();
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 4, column: 10 }],
    },
    // constructed only in the primary's branch: the primary's pool
    {
      code: code`
        const cluster = require('cluster');
        const { Pool } = require('pg');
        class Repo {
          pool = new Pool();
        }
        if (cluster.isPrimary) {
          new Repo();
          cluster.fork();
        }
      `,
      errors: [{ messageId: 'poolInPrimary', line: 4, column: 10 }],
    },
    // constructed on both sides: shared
    {
      code: code`
        const cluster = require('cluster');
        const { Pool } = require('pg');
        class Repo {
          constructor() {
            this.pool = new Pool();
          }
        }
        if (cluster.isPrimary) {
          new Repo();
          cluster.fork();
        } else {
          new Repo();
        }
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 5, column: 17 }],
    },
    // a local module that constructs its class at load creates the pool at load
    {
      code: code`
        const cluster = require('cluster');
        const db = require('./db-class-instance');
        if (cluster.isPrimary) cluster.fork();
      `,
      filename: SERVER_JS,
      errors: [{ messageId: 'importCreatesPool', line: 2, column: 12 }],
    },

    // ---- an alias proves the primary side too; a destructured default is no alias ----
    {
      code: code`
        const cluster = require('cluster');
        const { Pool } = require('pg');
        const { NODE_UNIQUE_ID } = process.env;
        if (!NODE_UNIQUE_ID) {
          const metrics = new Pool();
          cluster.fork();
        }
      `,
      errors: [{ messageId: 'poolInPrimary', line: 5, column: 19 }],
    },
    {
      code: code`
        const { fork } = require('child_process');
        const { Pool } = require('pg');
        const { send = () => {} } = process;
        if (send) {
          const pool = new Pool();
        } else {
          fork(__filename);
        }
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 5, column: 16 }],
    },

    // ---- a guard of another fork kind does not tell this fork's parent from its child ----
    // a child_process child is no cluster worker: cluster.isPrimary is true there too
    {
      code: code`
        const cluster = require('cluster');
        const { fork } = require('child_process');
        const { Pool } = require('pg');
        if (cluster.isPrimary) {
          const pool = new Pool();
          fork(__filename);
        }
      `,
      options: [{ allowPrimaryPools: true }],
      errors: [{ messageId: 'poolBeforeFork', line: 5, column: 16 }],
    },
    // a worker thread of the primary is in the primary's process
    {
      code: code`
        import cluster from 'node:cluster';
        import { Worker } from 'node:worker_threads';
        import { Pool } from 'pg';
        if (cluster.isPrimary) {
          const pool = new Pool();
          new Worker(new URL(import.meta.url));
        }
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 5, column: 16 }],
    },
    // a cluster worker's main thread is a main thread
    {
      code: code`
        const cluster = require('cluster');
        const { isMainThread } = require('worker_threads');
        const { Pool } = require('pg');
        if (isMainThread) {
          const pool = new Pool();
          cluster.fork();
        }
      `,
      options: [{ allowPrimaryPools: true }],
      errors: [{ messageId: 'poolBeforeFork', line: 5, column: 16 }],
    },
    // a worker thread has process.send only if its process has
    {
      code: code`
        const { Worker } = require('worker_threads');
        const { Pool } = require('pg');
        if (!process.send) {
          const pool = new Pool();
          new Worker(__filename);
        }
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 4, column: 16 }],
    },
    // NODE_UNIQUE_ID is cluster's: a forked child may lack it too
    {
      code: code`
        const { fork } = require('child_process');
        const { Pool } = require('pg');
        if (!process.env.NODE_UNIQUE_ID) {
          const pool = new Pool();
          fork(__filename);
        }
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 4, column: 16 }],
    },
    // two kinds of fork: the guard of one leaves the other's child sharing the path
    {
      code: code`
        const cluster = require('cluster');
        const { fork } = require('child_process');
        const { Pool } = require('pg');
        if (cluster.isPrimary) {
          const pool = new Pool();
          cluster.fork();
          fork(__filename);
        }
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 5, column: 16 }],
    },

    // ---- chains on a creation, and better-sqlite3 without `new`: one creation each ----
    {
      code: code`
        const cluster = require('cluster');
        const mysql = require('mysql2');
        const { PrismaClient } = require('@prisma/client');
        const Database = require('better-sqlite3');
        const Db = Database;
        const mp = mysql.createPool({}).promise();
        const prisma = new PrismaClient().$extends({});
        const a = Database('a.db');
        const b = Db('b.db');
        cluster.fork();
      `,
      errors: [
        { messageId: 'poolBeforeFork', line: 6, column: 12 },
        { messageId: 'poolBeforeFork', line: 7, column: 16 },
        { messageId: 'poolBeforeFork', line: 8, column: 11 },
        { messageId: 'poolBeforeFork', line: 9, column: 11 },
      ],
    },

    // ---- cross-file: a module that calls its own factory at load ----
    {
      code: code`
        const cluster = require('cluster');
        const { pool } = require('./db-calls-factory');
        if (cluster.isPrimary) cluster.fork();
      `,
      filename: SERVER_JS,
      errors: [{ messageId: 'importCreatesPool', line: 2, column: 18 }],
    },
    {
      code: code`
        import cluster from 'node:cluster';
        import { pool } from './db-calls-factory.mjs';
        if (cluster.isPrimary) cluster.fork();
      `,
      filename: SERVER_MJS,
      errors: [{ messageId: 'importCreatesPool', line: 2, column: 1 }],
    },
    // a require() inside a function the forking file calls at load
    {
      code: code`
        const cluster = require('cluster');
        function loadDb() {
          return require('./db-creates');
        }
        const db = loadDb();
        if (cluster.isPrimary) cluster.fork();
      `,
      filename: SERVER_JS,
      errors: [{ messageId: 'importCreatesPool', line: 3, column: 10 }],
    },

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

    // ---- cross-file: a lazy load in the primary's branch opens the pool in the primary ----
    {
      code: code`
        const cluster = require('cluster');
        if (cluster.isPrimary) {
          const pool = require('./db-creates');
          cluster.fork();
        }
      `,
      filename: SERVER_JS,
      errors: [{ messageId: 'poolInPrimary', line: 3, column: 16 }],
    },
    {
      code: code`
        import { Worker, isMainThread } from 'node:worker_threads';
        if (isMainThread) {
          const { pool } = await import('./ts/db.js');
          new Worker(new URL(import.meta.url));
        }
      `,
      filename: SERVER_MJS,
      errors: [{ messageId: 'poolInPrimary', line: 3, column: 26 }],
    },

    // ---- cross-file: a call at load of an imported function that creates a pool ----
    {
      code: code`
        import cluster from 'node:cluster';
        import { getPool } from './db-factory-called-lazily.mjs';
        import { init } from './factory-init.mjs';
        const pool = getPool();
        init();
        if (cluster.isPrimary) cluster.fork();
      `,
      filename: SERVER_MJS,
      errors: [
        { messageId: 'poolBeforeFork', line: 4, column: 14 },
        { messageId: 'poolBeforeFork', line: 5, column: 1 },
      ],
    },
    {
      code: code`
        const cluster = require('cluster');
        const { makePool } = require('./db-factory');
        const db = require('./db-factory');
        const pool = makePool();
        if (cluster.isPrimary) {
          db.makePool();
          cluster.fork();
        }
      `,
      filename: SERVER_JS,
      errors: [
        { messageId: 'poolBeforeFork', line: 4, column: 14 },
        { messageId: 'poolInPrimary', line: 6, column: 3 },
      ],
    },
    // re-exported, through a namespace, calling another module's factory, from a local function called at load
    {
      code: code`
        import cluster from 'node:cluster';
        import * as db from './factory-reexport.mjs';
        import { connect } from './factory-via-import.mjs';
        db.open();
        db.connect();
        function setup() {
          return connect();
        }
        await setup();
        const { getPool } = await import('./db-lazy.mjs');
        getPool();
        cluster.fork();
      `,
      filename: SERVER_MJS,
      errors: [
        { messageId: 'poolBeforeFork', line: 4, column: 1 },
        { messageId: 'poolBeforeFork', line: 5, column: 1 },
        { messageId: 'poolBeforeFork', line: 7, column: 10 },
        { messageId: 'poolBeforeFork', line: 11, column: 1 },
      ],
    },
    // ---- cross-file: `new` at load of an imported class whose constructor or instance field creates a pool ----
    {
      code: code`
        import cluster from 'node:cluster';
        import { DatabaseService } from './ts/db-service';
        async function bootstrap() {
          const db = new DatabaseService();
          if (cluster.isPrimary) {
            cluster.fork();
            return;
          }
          await db.query('select 1');
        }
        void bootstrap();
      `,
      filename: SERVER_TS,
      errors: [{ messageId: 'poolBeforeFork', line: 4, column: 14 }],
    },
    {
      code: code`
        const cluster = require('cluster');
        const { Db } = require('./db-class');
        const db = new Db();
        if (cluster.isPrimary) cluster.fork();
      `,
      filename: SERVER_JS,
      errors: [{ messageId: 'poolBeforeFork', line: 3, column: 12 }],
    },
    // a constructor in the primary's branch; a factory that constructs its module's class
    {
      code: code`
        import cluster from 'node:cluster';
        import Repo from './class-constructor.mjs';
        import { build } from './factory-class.mjs';
        const repo = build();
        if (cluster.isPrimary) {
          new Repo();
          cluster.fork();
        }
      `,
      filename: SERVER_MJS,
      errors: [
        { messageId: 'poolBeforeFork', line: 4, column: 14 },
        { messageId: 'poolInPrimary', line: 6, column: 3 },
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
    // ---- a branch in a function runs once per process only if the function is called once, at load ----
    // a named function handed to forEach runs for each element: one primary forks, then creates
    {
      code: code`
        const cluster = require('node:cluster');
        const { Pool } = require('pg');
        const shards = [{ remote: true }, { remote: false }];
        const local = [];
        function place(shard) {
          if (shard.remote && cluster.isPrimary) {
            cluster.fork({ SHARD: '1' });
          } else {
            local.push(new Pool({ max: 2 }));
          }
        }
        shards.forEach(place);
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 9, column: 16 }],
    },
    // a const arrow, likewise
    {
      code: code`
        const cluster = require('node:cluster');
        const { Pool } = require('pg');
        const shards = [{ remote: true }, { remote: false }];
        const local = [];
        const place = shard => {
          if (shard.remote && cluster.isPrimary) cluster.fork();
          else local.push(new Pool({ max: 2 }));
        };
        shards.forEach(place);
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 7, column: 19 }],
    },
    // called in a loop
    {
      code: code`
        const cluster = require('node:cluster');
        const { Pool } = require('pg');
        const local = [];
        function place(shard) {
          if (shard.remote && cluster.isPrimary) cluster.fork();
          else local.push(new Pool({ max: 2 }));
        }
        for (const s of [{ remote: true }, { remote: false }]) place(s);
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 6, column: 19 }],
    },
    // called twice, with the early return
    {
      code: code`
        const cluster = require('node:cluster');
        const { Pool } = require('pg');
        function start(clustered) {
          if (clustered && cluster.isPrimary) {
            cluster.fork();
            return null;
          }
          return new Pool({ max: 2 });
        }
        start(true);
        const pool = start(false);
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 8, column: 10 }],
    },
    // an event handler may run any number of times
    {
      code: code`
        const cluster = require('node:cluster');
        const { Pool } = require('pg');
        const pools = [];
        process.on('SIGUSR2', () => {
          if (pools.length > 0 && cluster.isPrimary) cluster.fork();
          else pools.push(new Pool({ max: 2 }));
        });
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 6, column: 19 }],
    },
    // recursion
    {
      code: code`
        const cluster = require('node:cluster');
        const { Pool } = require('pg');
        function spawn(n) {
          if (n > 0 && cluster.isPrimary) {
            cluster.fork();
            return spawn(n - 1);
          }
          return new Pool({ max: 2 });
        }
        spawn(4);
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 8, column: 10 }],
    },
    // exported: its callers, and how often they call it, are not in this file
    {
      code: code`
        import cluster from 'node:cluster';
        import { Pool } from 'pg';
        export async function startSupervisor({ workers = 1 } = {}) {
          if (cluster.isPrimary && workers > 1) {
            for (let i = 0; i < workers; i++) cluster.fork();
            return;
          }
          const pool = new Pool({ max: 5 });
          await pool.query('select 1');
        }
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 8, column: 16 }],
    },
    // the function holding the fork is also called outside the arm
    {
      code: code`
        const cluster = require('node:cluster');
        const { Pool } = require('pg');
        function startPrimary() {
          cluster.fork();
        }
        if (process.env.CLUSTER === '1' && cluster.isPrimary) startPrimary();
        else new Pool();
        if (process.env.RESTART) startPrimary();
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 7, column: 6 }],
    },
    // ... or handed on as a value
    {
      code: code`
        const cluster = require('node:cluster');
        const { Pool } = require('pg');
        const startPrimary = () => cluster.fork();
        if (process.env.CLUSTER === '1' && cluster.isPrimary) startPrimary();
        else new Pool();
        module.exports = { startPrimary };
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 5, column: 6 }],
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
    // ---- a function declaration is hoisted: judged by where it is called ----
    // called before the early return, declared after it
    {
      code: code`
        const cluster = require('node:cluster');
        const { Pool } = require('pg');
        function main() {
          const pool = createPool();
          if (cluster.isPrimary) {
            for (let i = 0; i < 2; i++) cluster.fork();
            return;
          }
          pool.query('select 1');

          function createPool() {
            return new Pool({ max: 20 });
          }
        }
        main();
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 12, column: 12 }],
    },
    // the same behind a one-sided guard
    {
      code: code`
        const cluster = require('node:cluster');
        const { Pool } = require('pg');
        function main() {
          const pool = createPool();
          if (process.env.CLUSTER === '1' && cluster.isPrimary) {
            cluster.fork();
            return;
          }
          pool.query('select 1');
          function createPool() {
            return new Pool({ max: 20 });
          }
        }
        main();
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 11, column: 12 }],
    },
    // at module scope, after a CommonJS top-level return
    {
      code: code`
        const cluster = require('node:cluster');
        const { Pool } = require('pg');
        const pool = createPool();
        if (cluster.isPrimary) {
          cluster.fork();
          return;
        }
        function createPool() {
          return new Pool();
        }
      `,
      languageOptions: commonjs,
      errors: [{ messageId: 'poolBeforeFork', line: 9, column: 10 }],
    },
    // in a `switch`, a case's function is hoisted to the whole switch
    {
      code: code`
        const cluster = require('node:cluster');
        const { Pool } = require('pg');
        switch (cluster.isPrimary) {
          case true:
            cluster.fork();
            open();
            break;
          default:
            function open() { return new Pool(); }
        }
      `,
      errors: [{ messageId: 'poolInPrimary', line: 9, column: 30 }],
    },
    // no early return: the primary that forks goes on to create
    {
      code: code`
        const cluster = require('cluster');
        const { Pool } = require('pg');
        if (process.env.CLUSTER === '1' && cluster.isPrimary) cluster.fork();
        const pool = new Pool();
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 4, column: 14 }],
    },
    // beside the fork, in the branch only the primary takes
    {
      code: code`
        import cluster from 'node:cluster';
        import { Pool } from 'pg';
        if (process.env.CLUSTER === '1' && cluster.isPrimary) {
          const metrics = new Pool({ max: 1 });
          cluster.fork();
        } else {
          const pool = new Pool({ max: 5 });
        }
      `,
      errors: [{ messageId: 'poolInPrimary', line: 4, column: 19 }],
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
    // ---- cluster.worker fields: unequal, or the else, runs in the primary too ----
    {
      code: code`
        const cluster = require('cluster');
        const { Pool } = require('pg');
        if (cluster.worker?.id !== 1) new Pool();
        if (cluster.worker?.id === 1) {} else new Pool();
        if (cluster.isPrimary) cluster.fork();
      `,
      errors: [
        { messageId: 'poolBeforeFork', line: 3, column: 31 },
        { messageId: 'poolBeforeFork', line: 4, column: 39 },
      ],
    },
    // ---- callbacks that run at load, where their call runs ----
    {
      code: code`
        import cluster from 'node:cluster';
        import { Pool } from 'pg';
        const shards = ['postgres://a/app', 'postgres://b/app'].map(connectionString => new Pool({ connectionString }));
        const replicas = Array.from({ length: 2 }, () => new Pool({ max: 2 }));
        const byRole = {};
        ['read', 'write'].forEach(role => { byRole[role] = new Pool({ max: 2 }); });
        let audit;
        setImmediate(() => { audit = new Pool({ max: 1 }); });
        const ready = new Promise(resolve => resolve(new Pool()));
        process.nextTick(() => new Pool());
        queueMicrotask(() => new Pool());
        setTimeout(function () { new Pool(); }, 10);
        const first = ['a'].find(url => new Pool({ connectionString: url }));
        function makePool(url) {
          return new Pool({ connectionString: url });
        }
        const named = ['a'].flatMap(makePool);
        if (cluster.isPrimary) cluster.fork();
      `,
      errors: [
        { messageId: 'poolBeforeFork', line: 3, column: 81 },
        { messageId: 'poolBeforeFork', line: 4, column: 50 },
        { messageId: 'poolBeforeFork', line: 6, column: 52 },
        { messageId: 'poolBeforeFork', line: 8, column: 30 },
        { messageId: 'poolBeforeFork', line: 9, column: 46 },
        { messageId: 'poolBeforeFork', line: 10, column: 24 },
        { messageId: 'poolBeforeFork', line: 11, column: 22 },
        { messageId: 'poolBeforeFork', line: 12, column: 26 },
        { messageId: 'poolBeforeFork', line: 13, column: 33 },
        { messageId: 'poolBeforeFork', line: 15, column: 10 },
      ],
    },
    // in the primary's branch: the primary's pool
    {
      code: code`
        const cluster = require('cluster');
        const { Pool } = require('pg');
        if (cluster.isPrimary) {
          ['a', 'b'].forEach(() => new Pool());
          cluster.fork();
        }
      `,
      errors: [{ messageId: 'poolInPrimary', line: 4, column: 28 }],
    },
    // a local module whose map() callback opens its pools at load
    {
      code: code`
        const cluster = require('cluster');
        const { shards } = require('./db-mapped');
        if (cluster.isPrimary) cluster.fork();
      `,
      filename: SERVER_JS,
      errors: [{ messageId: 'importCreatesPool', line: 2, column: 20 }],
    },
    // ---- a static method and an object literal's method called at load ----
    {
      code: code`
        import cluster from 'node:cluster';
        import { Pool } from 'pg';
        class Db {
          static #instance;
          static getInstance() {
            Db.#instance ??= new Pool({ max: 10 });
            return Db.#instance;
          }
          static open = () => new Pool();
        }
        const db = {
          pool: null,
          init() { this.pool = new Pool({ max: 10 }); },
        };
        const pool = Db.getInstance();
        db.init();
        if (cluster.isPrimary) {
          Db.open();
          cluster.fork();
        }
      `,
      errors: [
        { messageId: 'poolBeforeFork', line: 6, column: 22 },
        { messageId: 'poolInPrimary', line: 9, column: 23 },
        { messageId: 'poolBeforeFork', line: 13, column: 24 },
      ],
    },
    // ---- a message stays on one line: a short creation over several lines, a chain broken before its dot ----
    {
      code: code`
        const cluster = require('cluster');
        const { Pool } = require('pg');
        const mysql = require('mysql2');
        const pool = new Pool({
          max: 5,
        });
        const my = mysql
          .createPool({});
        if (cluster.isPrimary) cluster.fork();
      `,
      errors: [
        { messageId: 'poolBeforeFork', line: 4, column: 14, data: { creator: 'new Pool(...)', forkLine: '9', parent: 'primary process', children: 'worker processes', unit: 'process', childGuard: 'inside `if (!cluster.isPrimary)`', orElse: ', or in the `else` of the fork guard' } },
        { messageId: 'poolBeforeFork', line: 7, column: 12, data: { creator: 'mysql.createPool(...)', forkLine: '9', parent: 'primary process', children: 'worker processes', unit: 'process', childGuard: 'inside `if (!cluster.isPrimary)`', orElse: ', or in the `else` of the fork guard' } },
      ],
    },
    // ---- the fix the message names fits the fork ----
    {
      code: code`
        const { Worker, isMainThread } = require('worker_threads');
        const { Pool } = require('pg');
        const pool = new Pool();
        if (isMainThread) new Worker(__filename);
      `,
      errors: [
        {
          messageId: 'poolBeforeFork',
          line: 3,
          column: 14,
          data: {
            creator: 'new Pool()',
            forkLine: '4',
            parent: 'main thread',
            children: 'worker threads',
            unit: 'thread',
            childGuard: 'inside `if (!isMainThread)`',
            orElse: ', or in the `else` of the fork guard',
          },
        },
      ],
    },
    {
      code: code`
        const { fork } = require('child_process');
        const { Pool } = require('pg');
        const pool = new Pool();
        if (process.argv[2] !== 'child') fork(__filename, ['child']);
      `,
      errors: [
        {
          messageId: 'poolBeforeFork',
          line: 3,
          column: 14,
          data: {
            creator: 'new Pool()',
            forkLine: '4',
            parent: 'parent process',
            children: 'child processes',
            unit: 'process',
            childGuard: "inside `if (process.argv.includes('child'))`",
            orElse: ', or in the `else` of the fork guard',
          },
        },
      ],
    },
    {
      code: code`
        const { fork } = require('child_process');
        const { Pool } = require('pg');
        if (!process.send) {
          const pool = new Pool();
          fork(__filename);
        }
      `,
      errors: [
        {
          messageId: 'poolInPrimary',
          line: 4,
          column: 16,
          data: {
            creator: 'new Pool()',
            forkLine: '5',
            parent: 'parent process',
            children: 'child processes',
            childGuard:
              "behind a role argument the fork passes (`fork(file, ['child'])`, then `if (process.argv.includes('child'))`)",
          },
        },
      ],
    },
    {
      code: code`
        const cluster = require('cluster');
        const { Pool } = require('pg');
        const pool = new Pool();
        cluster.fork();
      `,
      errors: [
        {
          messageId: 'poolBeforeFork',
          line: 3,
          column: 14,
          data: {
            creator: 'new Pool()',
            forkLine: '4',
            parent: 'primary process',
            children: 'worker processes',
            unit: 'process',
            childGuard: 'inside `if (!cluster.isPrimary)`',
            orElse: ', or in the `else` of the fork guard',
          },
        },
      ],
    },
    // A creation in an arm of another kind's guard: that guard's `else` never runs in this fork's child.
    {
      code: code`
        const cluster = require('cluster');
        const { fork } = require('child_process');
        const { Pool } = require('pg');
        if (cluster.isPrimary) {
          const pool = new Pool();
          fork(__filename);
        }
      `,
      errors: [
        {
          messageId: 'poolBeforeFork',
          line: 5,
          column: 16,
          data: {
            creator: 'new Pool()',
            forkLine: '6',
            parent: 'parent process',
            children: 'child processes',
            unit: 'process',
            childGuard:
              "behind a role argument the fork passes (`fork(file, ['child'])`, then `if (process.argv.includes('child'))`)",
            orElse: '',
          },
        },
      ],
    },
    // ---- worker-pool libraries: a pool of this very file is a self-fork ----
    {
      code: code`
        const Piscina = require('piscina');
        const { Pool } = require('pg');
        const pool = new Pool();
        const piscina = new Piscina({ filename: __filename });
      `,
      errors: [
        {
          messageId: 'poolBeforeFork',
          line: 3,
          column: 14,
          data: {
            creator: 'new Pool()',
            forkLine: '4',
            parent: 'main thread',
            children: 'worker threads',
            unit: 'thread',
            childGuard: 'inside `if (!isMainThread)`',
            orElse: ', or in the `else` of the fork guard',
          },
        },
      ],
    },
    {
      code: code`
        import { Piscina } from 'piscina';
        import { fileURLToPath } from 'node:url';
        import { Pool } from 'pg';
        export const pool = new Pool();
        export const piscina = new Piscina({ filename: fileURLToPath(import.meta.url), maxThreads: 4 });
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 4, column: 21 }],
    },
    {
      code: code`
        const path = require('node:path');
        const { Pool } = require('pg');
        const options = { filename: path.resolve(__filename) };
        const piscina = new (require('piscina').Piscina)(options);
        const pool = new Pool();
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 5, column: 14 }],
    },
    {
      code: code`
        const Piscina = require('piscina');
        const { Pool } = require('pg');
        const pool = new Pool();
        new (require('piscina'))({ filename: __filename });
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 3, column: 14 }],
    },
    // the main thread's pool, behind isMainThread or Piscina's own flag
    {
      code: code`
        const { isMainThread } = require('worker_threads');
        const Piscina = require('piscina');
        const { Pool } = require('pg');
        if (isMainThread) {
          const pool = new Pool();
          new Piscina({ filename: __filename });
        }
      `,
      errors: [{ messageId: 'poolInPrimary', line: 5, column: 16 }],
    },
    {
      code: code`
        import Piscina from 'piscina';
        import { Pool } from 'pg';
        if (!Piscina.isWorkerThread) {
          const pool = new Pool();
          new Piscina({ filename: new URL(import.meta.url) });
        }
      `,
      errors: [{ messageId: 'poolInPrimary', line: 4, column: 16 }],
    },
    // Tinypool, default and named
    {
      code: code`
        import Tinypool from 'tinypool';
        import { Pool } from 'pg';
        const pool = new Pool();
        const tinypool = new Tinypool({ filename: new URL(import.meta.url) });
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 3, column: 14 }],
    },
    {
      code: code`
        const { Tinypool } = require('tinypool');
        const { Pool } = require('pg');
        const pool = new Pool();
        const tinypool = new Tinypool({ filename: __filename });
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 3, column: 14 }],
    },
    // workerpool.pool(self), through the module object, require() and a renamed import
    {
      code: code`
        const workerpool = require('workerpool');
        const { Pool } = require('pg');
        const pool = new Pool();
        const workers = workerpool.pool(__filename, { maxWorkers: 4 });
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 3, column: 14 }],
    },
    {
      code: code`
        const { Pool } = require('pg');
        const pool = new Pool();
        const workers = require('workerpool').pool(__filename);
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 2, column: 14 }],
    },
    {
      code: code`
        import { pool as workerPool } from 'workerpool';
        import { fileURLToPath } from 'node:url';
        import { Pool } from 'pg';
        const db = new Pool();
        const workers = workerPool(fileURLToPath(import.meta.url));
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 4, column: 12 }],
    },
    {
      code: code`
        import workerpool from 'workerpool';
        import { Pool } from 'pg';
        if (workerpool.isMainThread) {
          const db = new Pool();
          workerpool.pool(import.meta.filename);
        }
      `,
      errors: [{ messageId: 'poolInPrimary', line: 4, column: 14 }],
    },
    // throng forks the entry through cluster: module scope runs in the master and in every worker
    {
      code: code`
        const throng = require('throng');
        const { Pool } = require('pg');
        const pool = new Pool();
        throng({ worker: start, count: 4 });
      `,
      errors: [
        {
          messageId: 'poolBeforeFork',
          line: 3,
          column: 14,
          data: {
            creator: 'new Pool()',
            forkLine: '4',
            parent: 'primary process',
            children: 'worker processes',
            unit: 'process',
            childGuard: 'inside `if (!cluster.isPrimary)`',
            orElse: ', or in the `else` of the fork guard',
          },
        },
      ],
    },
    {
      code: code`
        import throng from 'throng';
        import { Pool } from 'pg';
        const pool = new Pool();
        await throng(start);
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 3, column: 14 }],
    },
    {
      code: code`
        import cluster from 'node:cluster';
        import throng from 'throng';
        import { Pool } from 'pg';
        if (cluster.isPrimary) {
          const pool = new Pool();
        }
        throng({ master: supervise, worker: serve });
      `,
      errors: [{ messageId: 'poolInPrimary', line: 5, column: 16 }],
    },
  ],
});

/**
 * The fix a message names must work for the fork at hand: `cluster.isPrimary`
 * is true in a forked child and in a worker thread too, and a parent may well
 * query with its pool.
 */
describe('no-pool-before-fork messages', () => {
  const linter = new Linter({ configType: 'flat' });
  const plugin = { rules: { 'no-pool-before-fork': rule } } as unknown as NonNullable<Linter.Config['plugins']>[string];
  const messageOf = (text: string): string => {
    const messages = linter.verify(text, {
      plugins: { poolguard: plugin },
      languageOptions: { sourceType: 'commonjs' },
      rules: { 'poolguard/no-pool-before-fork': 'error' },
    });
    assert.equal(messages.length, 1, JSON.stringify(messages));
    return messages[0].message;
  };

  it('names `!isMainThread` for a worker thread', () => {
    const message = messageOf(code`
      const { Worker, isMainThread } = require('worker_threads');
      const { Pool } = require('pg');
      const pool = new Pool();
      if (isMainThread) new Worker(__filename);
    `);
    assert.match(message, /inside `if \(!isMainThread\)`/);
    assert.doesNotMatch(message, /cluster/);
  });

  it('names the argument a child_process fork hands the child', () => {
    const message = messageOf(code`
      const { fork } = require('child_process');
      const { Pool } = require('pg');
      const pool = new Pool();
      if (process.argv[2] !== 'child') fork(__filename, ['child']);
    `);
    assert.match(message, /inside `if \(process\.argv\.includes\('child'\)\)`/);
    assert.doesNotMatch(message, /cluster/);
  });

  it('names `!cluster.isPrimary` for cluster', () => {
    const message = messageOf(code`
      const cluster = require('cluster');
      const { Pool } = require('pg');
      const pool = new Pool();
      if (cluster.isPrimary) cluster.fork();
    `);
    assert.match(message, /inside `if \(!cluster\.isPrimary\)`/);
  });

  it('says thread, not process, for a worker thread', () => {
    const message = messageOf(code`
      const { Worker, isMainThread } = require('worker_threads');
      const { Pool } = require('pg');
      const pool = new Pool();
      if (isMainThread) new Worker(__filename);
    `);
    assert.match(message, /again in each of the worker threads this file starts \(line 4\), so each thread opens its own pool/);
    assert.doesNotMatch(message, /process|child(?! branch)/);
  });

  it('names no argument of a fork that passes an option with a value', () => {
    const message = messageOf(code`
      const { fork } = require('child_process');
      const { Pool } = require('pg');
      const pool = new Pool();
      if (!process.send) fork(__filename, ['--port', process.env.PORT]);
    `);
    assert.match(message, /behind a role argument the fork passes/);
    assert.doesNotMatch(message, /--port/);
  });

  it('names a lone flag the fork passes', () => {
    const message = messageOf(code`
      const { fork } = require('child_process');
      const { Pool } = require('pg');
      const pool = new Pool();
      if (!process.send) fork(__filename, ['--child']);
    `);
    assert.match(message, /inside `if \(process\.argv\.includes\('--child'\)\)`/);
  });

  it('does not suggest the `else` of the fork guard for a creation already in it', () => {
    const message = messageOf(code`
      const cluster = require('cluster');
      const { Pool } = require('pg');
      const shards = [{ remote: true }, { remote: false }];
      shards.forEach(shard => {
        if (shard.remote && cluster.isPrimary) cluster.fork();
        else new Pool();
      });
    `);
    assert.match(message, /Create it only in the child branch: inside `if \(!cluster\.isPrimary\)`\.$/);
    assert.doesNotMatch(message, /else/);
  });

  it("does not claim that the parent never queries", () => {
    const message = messageOf(code`
      const { Worker, isMainThread } = require('worker_threads');
      const { Pool } = require('pg');
      if (isMainThread) {
        const pool = new Pool();
        new Worker(__filename);
      }
    `);
    assert.match(message, /opens a pool in the main thread, which starts this file again \(line 5\)/);
    assert.match(message, /`allowPrimaryPools: true` if the main thread really queries with it/);
    assert.doesNotMatch(message, /never queries|primary/);
  });
});
