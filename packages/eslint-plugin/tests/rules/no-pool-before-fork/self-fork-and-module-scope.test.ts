/**
 * Which fork targets are this very file (and which are not), and pools created at
 * module scope of a file that forks itself, in CommonJS and ESM, by every known creator.
 */
import { code, RuleTester } from '../../rule-tester';
import rule from '../../../src/rules/no-pool-before-fork';
import { SERVER_JS, SERVER_MJS } from './shared';

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
    // ---- createRequire: a `require` made elsewhere, or reassigned, is not followed; the worker's own load is its own ----
    code`
      import cluster from 'node:cluster';
      import { createRequire } from './loader.js';
      const load = createRequire(import.meta.url);
      const { Pool } = load('pg');
      const pool = new Pool();
      if (cluster.isPrimary) cluster.fork();
    `,
    code`
      import cluster from 'node:cluster';
      import { createRequire } from 'node:module';
      let load = createRequire(import.meta.url);
      load = (id) => ({ Pool: class {} });
      const { Pool } = load('pg');
      const pool = new Pool();
      if (cluster.isPrimary) cluster.fork();
    `,
    code`
      import cluster from 'node:cluster';
      import { createRequire } from 'node:module';
      const require = createRequire(import.meta.url);
      const { Pool } = require('pg');
      if (cluster.isPrimary) cluster.fork();
      else new Pool();
    `,
    // `module.filename` of a `module` the file declares or imports is not CommonJS's own
    code`
      import { fork } from 'node:child_process';
      import module from 'node:module';
      import { Pool } from 'pg';
      const pool = new Pool();
      fork(module.filename);
    `,
    code`
      const { fork } = require('child_process');
      const { Pool } = require('pg');
      const module = { filename: './worker.js' };
      const pool = new Pool();
      fork(module.filename);
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
    // CommonJS's `module.filename` is `__filename`, also with Node globals declared
    {
      code: code`
        const { fork } = require('child_process');
        const { Pool } = require('pg');
        const pool = new Pool({ max: 20 });
        if (!process.send) fork(module.filename);
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 3, column: 14 }],
    },
    {
      code: code`
        const { Worker } = require('worker_threads');
        const { Pool } = require('pg');
        const pool = new Pool();
        const self = module.filename;
        new Worker(self);
      `,
      languageOptions: { globals: { require: 'readonly', module: 'writable' } },
      errors: [{ messageId: 'poolBeforeFork', line: 3, column: 14 }],
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
    // ---- an ES module's own `require`, made by createRequire of node:module, loads as CommonJS does ----
    {
      code: code`
        import cluster from 'node:cluster';
        import { createRequire } from 'node:module';
        const require = createRequire(import.meta.url);
        const { Pool } = require('pg');
        const pool = new Pool({ max: 20 });
        if (cluster.isPrimary) cluster.fork();
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 5, column: 14 }],
    },
    // ... under any name, renamed, from 'module', and through the module's default or namespace
    {
      code: code`
        import { createRequire as makeRequire } from 'module';
        import * as nodeModule from 'node:module';
        import mod from 'module';
        const load = makeRequire(import.meta.url);
        const req = nodeModule.createRequire(import.meta.url);
        const cjs = mod.createRequire(import.meta.url);
        const { fork } = load('node:cluster');
        const pg = req('pg');
        const a = new pg.Pool();
        const b = cjs('mysql2').createPool({});
        fork();
      `,
      errors: [
        { messageId: 'poolBeforeFork', line: 9, column: 11 },
        { messageId: 'poolBeforeFork', line: 10, column: 11 },
      ],
    },
    // ... and in CommonJS, `createRequire` required from 'module'
    {
      code: code`
        const cluster = require('node:cluster');
        const { createRequire } = require('node:module');
        const load = createRequire(__filename);
        const { Pool } = load('pg');
        const pool = new Pool();
        cluster.fork();
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 5, column: 14 }],
    },
    // ... and called at once, with no name
    {
      code: code`
        import cluster from 'node:cluster';
        import { createRequire } from 'node:module';
        const { Pool } = createRequire(import.meta.url)('pg');
        const pool = new Pool();
        cluster.fork();
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 4, column: 14 }],
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
  ],
});
