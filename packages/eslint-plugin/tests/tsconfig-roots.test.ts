/**
 * no-pool-before-fork in a monorepo whose packages each have a config that
 * reads `tseslint.configs.*` (tests/fixtures/tsconfig-roots). Loading two of
 * them in one process leaves typescript-eslint with several candidate
 * tsconfig roots, and any parse that names no `tsconfigRootDir` throws. The
 * rule's own reading of imported local modules must not depend on that
 * state: the pool a module opens at load, an imported fork guard and an
 * imported factory are all seen as in a single-package project.
 */
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

import { clearCaches } from '@typescript-eslint/parser';
import { after, before, describe } from 'mocha';

import { code, RuleTester } from './rule-tester';
import rule from '../src/rules/no-pool-before-fork';

const ROOTS = path.join(__dirname, 'fixtures', 'tsconfig-roots');
const PACKAGE_B = path.join(ROOTS, 'b');
/** The forking file; it need not exist, its neighbours do. */
const APP = path.join(PACKAGE_B, 'app.mjs');

describe('no-pool-before-fork with several candidate tsconfig roots', () => {
  before(async () => {
    // Each config records its directory as it reads `tseslint.configs.base`.
    for (const pkg of ['a', 'b']) await import(pathToFileURL(path.join(ROOTS, pkg, 'eslint.config.cjs')).href);
  });
  // The candidates are process-wide: later tests parse without a root.
  after(() => clearCaches());

  // The linted file's own parse names its root, as each package's config does.
  const ruleTester = new RuleTester({ languageOptions: { parserOptions: { tsconfigRootDir: PACKAGE_B } } });

  ruleTester.run('no-pool-before-fork', rule, {
    valid: [
      // a fork guard imported from a local module keeps the pool to the worker
      {
        code: code`
          import cluster from 'node:cluster';
          import pg from 'pg';
          import { isPrimary } from './env.mjs';
          if (isPrimary) cluster.fork();
          else new pg.Pool();
        `,
        filename: APP,
      },
    ],
    invalid: [
      // the imported module opens a pool as it loads
      {
        code: code`
          import cluster from 'node:cluster';
          import { pool } from './db.mjs';
          if (cluster.isPrimary) cluster.fork();
          else await pool.query('select 1');
        `,
        filename: APP,
        errors: [{ messageId: 'importCreatesPool', line: 2, column: 1 }],
      },
      // an imported factory called at load opens a pool on the shared path
      {
        code: code`
          import cluster from 'node:cluster';
          import { build } from './factory.mjs';
          const pool = build();
          if (cluster.isPrimary) cluster.fork();
          else await pool.query('select 1');
        `,
        filename: APP,
        errors: [{ messageId: 'poolBeforeFork', line: 3, column: 14 }],
      },
    ],
  });
});
