/*
 * pool_before_fork in real processes: a cluster primary, child_process.fork
 * and worker threads, each forking a copy of itself (reported, once, by the
 * forking process only) or another script (silent). Most fixtures register
 * poolguard before the app code runs, as the preload does; fork-early.js takes
 * fork and Worker out of their modules first and uses guardPool() alone.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { pathToFileURL } from 'node:url';
import { targetFile } from '../src/fork-target';
import { FIXTURES, kindsOf, runFixture, type FixtureDump } from './helpers/processes';

const run = promisify(execFile);
const POOL = '127.0.0.1:5432/test';

function byRole(dumps: FixtureDump[], role: string): FixtureDump[] {
  return dumps.filter((d) => d.role === role);
}

describe('pool_before_fork', function () {
  this.timeout(60_000);

  describe('cluster', () => {
    it('a primary with a module-scope pool forks 2 workers: exactly the primary reports, once', async () => {
      const dumps = await runFixture('fork-cluster.js', ['self']);
      const [primary] = byRole(dumps, 'primary');
      const workers = byRole(dumps, 'worker');
      assert.equal(workers.length, 2, 'both workers ran and reported back');
      for (const worker of workers) assert.deepEqual(kindsOf(worker), [], `worker ${worker.pid} stays silent`);
      assert.deepEqual(kindsOf(primary), ['pool_before_fork'], 'one report for two forks');
      const violation = primary!.messages[0]!;
      assert.equal(violation.pool, POOL);
      assert.match(violation.message, /cluster\.fork\(\) started a copy of .*fork-cluster\.js/);
      assert.match(violation.message, /"127\.0\.0\.1:5432\/test" \(1 open connection, created at:/, 'names the pool and its open connections');
      assert.match(violation.message, /fork-cluster\.js:\d+/, 'captureStacks: the creation stack points at the app');
      assert.match(violation.message, /docs\/violations\/pool_before_fork\.md/);
      assert.deepEqual(primary!.violations, [{ kind: 'pool_before_fork', pool: POOL }], 'the log event went out through the SDK');
    });

    it('setupPrimary({ exec: otherFile }) stays silent', async () => {
      const dumps = await runFixture('fork-cluster.js', ['other-exec']);
      const [primary] = byRole(dumps, 'primary');
      assert.ok(primary !== undefined);
      assert.deepEqual(kindsOf(primary), []);
    });
  });

  /**
   * One test per scenario of a fork fixture: the parent reports pool_before_fork
   * once when it forks a copy of itself, and nothing otherwise; the copies fork
   * nothing. `check` looks further at a report's message.
   */
  it('throw mode refuses every self-fork while the pool lives, not only the first', async () => {
    const { stdout } = await run(process.execPath, [path.join(FIXTURES, 'fork-throw.js')], { timeout: 30_000 });
    const attempts = JSON.parse(stdout.trim().split('\n').pop()!) as { fork: string[]; cluster: string[] };
    const refused = Array(3).fill('POOLGUARD_POOL_BEFORE_FORK');
    assert.deepEqual(attempts, { fork: refused, cluster: refused });
  });

  function forkScenarios(fixture: string, cases: [scenario: string, reported: boolean][], check: (scenario: string, message: string) => void): void {
    for (const [scenario, reported] of cases) {
      it(`${scenario}: ${reported ? 'reports once' : 'silent'}`, async () => {
        const dumps = await runFixture(fixture, [scenario]);
        const [parent] = byRole(dumps, 'parent');
        assert.ok(parent !== undefined, `the parent printed its report: ${JSON.stringify(dumps)}`);
        // A copy re-creates every live pool: db.js's, and async-db.js's own.
        assert.deepEqual(kindsOf(parent), !reported ? [] : scenario === 'fork-async-db' ? ['pool_before_fork', 'pool_before_fork'] : ['pool_before_fork']);
        for (const child of byRole(dumps, 'child')) assert.deepEqual(kindsOf(child), [], 'the copy itself forks nothing');
        if (reported) check(scenario, parent.messages[0]!.message);
      });
    }
  }

  describe('child_process.fork and worker threads', () => {
    forkScenarios('fork-self.js', [
      ['fork-self', true],
      ['fork-twice', true],
      ['fork-other', false],
      ['fork-relative-cwd', true],
      ['fork-relative-other-cwd', false],
      ['fork-no-args-other-cwd', false],
      ['fork-no-args-cwd', true],
      ['worker-refused-path', false],
      ['worker-path', true],
      ['worker-url', true],
      ['worker-other', false],
      ['worker-eval', false],
    ], (_scenario, message) => {
      assert.match(message, /fork-self\.js while this pool exists: "127\.0\.0\.1:5432\/test" \(0 open connections\)/);
    });
  });

  describe('an ES module that is not the entry forks itself (no require.cache to find it in)', () => {
    forkScenarios('fork-esm.mjs', [
      ['worker-self', true],
      ['fork-self', true],
      ['worker-other', false],
    ], (scenario, message) => {
      assert.match(message, scenario === 'worker-self' ? /new Worker\(\)/ : /child_process\.fork\(\)/);
      assert.match(message, /started a copy of .*fork-esm-module\.mjs while this pool exists/);
    });
  });

  describe('a module the process loaded: a copy only when its requires reach code that created a pool', () => {
    for (const [scenario, reported] of [['fork-helper', false], ['fork-pg-helper', false], ['worker-self-helper', false], ['worker-lazy-jobs', false], ['worker-lazy-jobs-later', false], ['fork-db-user', true], ['fork-async-db', true]] as const) {
      it(`${scenario}: ${reported ? 'reports once' : 'silent'}`, async () => {
        const [parent] = byRole(await runFixture('fork-loaded.js', [scenario]), 'parent');
        assert.ok(parent !== undefined, 'the parent printed its report');
        // A copy re-creates every live pool: db.js's, and async-db.js's own.
        assert.deepEqual(kindsOf(parent), !reported ? [] : scenario === 'fork-async-db' ? ['pool_before_fork', 'pool_before_fork'] : ['pool_before_fork']);
        if (reported) {
          const { message } = parent.messages.at(-1)!;
          const copied = scenario === 'fork-db-user' ? 'db-user' : 'async-db';
          assert.match(message, new RegExp(`child_process\\.fork\\(\\) started a copy of .*${copied}\\.js while this pool exists${scenario === 'fork-async-db' ? ', one of 2 pools' : ''}: `));
          // The creation site starts at the app's line: poolguard's own frames and pg's constructor left out.
          assert.match(message, new RegExp(`created at:\n\\s+at .*fork-loaded[\\\\/]${scenario === 'fork-db-user' ? 'db' : 'async-db'}\\.js:\\d+`));
          assert.doesNotMatch(message, /packages[\\/]instrumentation[\\/](build|src)[\\/]|node_modules[\\/]pg/);
          // Each report describes its own pool only.
          for (const { message: each } of parent.messages) assert.equal(each.match(/ open connections?/g)?.length, 1, each);
        }
      });
    }
  });

  describe('fork and Worker taken out of their modules before poolguard loaded, guardPool() only', () => {
    forkScenarios('fork-early.js', [
      ['fork-self', true],
      ['fork-other', false],
      ['worker-path', true],
      ['worker-other', false],
      ['worker-eval', false],
    ], (scenario, message) => {
      assert.match(message, scenario.startsWith('fork') ? /child_process\.fork\(\)/ : /new Worker\(\)/);
      assert.match(message, /fork-early\.js while this pool exists/);
    });

    it('a Worker built from the class taken before poolguard replaced it is still `instanceof Worker`', async () => {
      const [answers] = await runFixture('worker-identity.js');
      assert.deepEqual(answers, {
        replaced: true,
        before: true,
        early: true,
        late: true,
        lateIsEarly: true,
        earlyIsAppWorker: false,
        own: true,
      });
    });

    it('a pool in workerData is reported as workerData, before the DataCloneError the app still gets', async () => {
      const [parent] = byRole(await runFixture('fork-early.js', ['worker-data']), 'parent');
      assert.deepEqual(kindsOf(parent), ['pool_across_boundary']);
      assert.match(parent!.messages[0]!.message, /A pg Pool was passed to new Worker\(\) workerData/);
      assert.equal(parent!.error, 'DataCloneError');
    });
  });

  describe('an ES module that runs itself in a Worker', () => {
    const repo = path.resolve(__dirname, '..', '..', '..');
    let dir: string;
    before(() => {
      dir = mkdtempSync(path.join(tmpdir(), 'poolguard-esm-worker-'));
      // A hashing library of the app's dependencies that runs its work in a Worker of its own file, and the same helper as the app's own module.
      const selfWorker = `import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { createHash } from 'node:crypto';
export function hash(text) {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: text });
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}
if (!isMainThread) parentPort.postMessage(createHash('sha256').update(workerData).digest('hex').slice(0, 8));
`;
      mkdirSync(path.join(dir, 'node_modules', 'hash-in-thread'), { recursive: true });
      writeFileSync(path.join(dir, 'node_modules', 'hash-in-thread', 'package.json'), JSON.stringify({ name: 'hash-in-thread', type: 'module', exports: './index.js' }));
      writeFileSync(path.join(dir, 'node_modules', 'hash-in-thread', 'index.js'), selfWorker);
      writeFileSync(path.join(dir, 'own-hasher.mjs'), selfWorker);
      writeFileSync(path.join(dir, 'app.mjs'), `import { createRequire } from 'node:module';
const require = createRequire(${JSON.stringify(path.join(repo, 'package.json'))});
const pg = require('pg');
const { logs } = require('@opentelemetry/api-logs');
const kinds = [];
logs.setGlobalLoggerProvider({ getLogger: () => ({ emit: (record) => kinds.push(record.attributes['poolguard.violation.kind']) }) });
const { guardPool } = require('@poolguard/instrumentation');
const pool = guardPool(new pg.Pool({ host: '127.0.0.1', user: 'postgres', database: 'test', max: 1 }), { name: 'esm-worker' });
const { hash } = await import(process.argv[2] === 'package' ? 'hash-in-thread' : './own-hasher.mjs');
const digest = await hash('abc');
await pool.end();
process.stdout.write(JSON.stringify({ digest, kinds }) + '\\n');
`);
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    for (const [where, reported] of [['package', false], ['own', true]] as const) {
      it(`${where === 'package' ? 'a package\'s module (a library\'s own thread) is no copy of the app: silent' : 'the app\'s own module is a copy (no module registry tells what it loads): reported'}`, async () => {
        const { stdout } = await run(process.execPath, [path.join(dir, 'app.mjs'), where], { cwd: dir, timeout: 30_000 });
        const { digest, kinds } = JSON.parse(stdout.trim().split('\n').pop()!) as { digest: string; kinds: string[] };
        assert.equal(digest, 'ba7816bf', 'the worker did its work');
        assert.deepEqual(kinds, reported ? ['pool_before_fork'] : []);
      });
    }
  });

  describe('fork targets', () => {
    const file = path.join(FIXTURES, 'fork-self.js');
    it('resolve paths, file URL strings and URL objects; eval code and data: URLs name no file', () => {
      assert.equal(targetFile(file), file);
      assert.equal(targetFile(path.relative(process.cwd(), file)), file);
      assert.equal(targetFile(file.replace(/\.js$/, '')), file, 'Node adds .js');
      assert.equal(targetFile(pathToFileURL(file).href), file);
      assert.equal(targetFile(pathToFileURL(file)), file);
      assert.equal(targetFile(new URL('data:text/javascript,1')), undefined);
      assert.equal(targetFile('data:text/javascript,1'), undefined);
      assert.equal(targetFile(path.join(FIXTURES, 'no-such-file.js')), undefined);
      assert.equal(targetFile(undefined), undefined);
      const pkg = path.join(FIXTURES, 'fork-package');
      assert.equal(targetFile(pkg), path.join(pkg, 'start.js'), 'a directory runs its package\'s main, as `node .` does');
      const sibling = path.join(FIXTURES, 'fork-sibling');
      assert.equal(targetFile(sibling), `${sibling}.js`, 'a file with an implicit extension comes before a directory of the same name');
    });
  });
});
