/**
 * cluster.setupPrimary({ exec }): when it surely points the forks at another file,
 * when it names this file or may not run, and forks in helpers called before it.
 */
import { code, RuleTester } from '../../rule-tester';
import rule from '../../../src/rules/no-pool-before-fork';
import { SERVER_JS, SERVER_TS } from './shared';

const ruleTester = new RuleTester();

ruleTester.run('no-pool-before-fork', rule, {
  valid: [
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
  ],
  invalid: [
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
  ],
});
