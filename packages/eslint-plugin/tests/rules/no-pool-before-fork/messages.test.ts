/**
 * The messages: a creation quoted on one line, and the fix each message names fitting
 * the fork at hand (also checked through the Linter, outside RuleTester).
 */
import * as assert from 'node:assert/strict';

import { Linter } from 'eslint';
import { describe, it } from 'mocha';

import { code, RuleTester } from '../../rule-tester';
import rule from '../../../src/rules/no-pool-before-fork';

const ruleTester = new RuleTester();

ruleTester.run('no-pool-before-fork', rule, {
  valid: [],
  invalid: [
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
