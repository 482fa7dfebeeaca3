/*
 * Real HTTP requests on a keep-alive socket: request B using request A's held
 * client is cross_task_use; requests that each check out their own client stay
 * silent, with real spans per request and with poolguard's own per-request
 * task roots (no spans at all). Then taskMiddleware() with a body parser, in
 * fresh processes, with poolguard's roots on and with its own tokens only.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import { context, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import type pg from 'pg';
import { guardPool, runInTask } from '../src';
import { resetTelemetry, setupTelemetry, violationLogs } from './helpers/otel';
import { newPool } from './helpers/pg';

const run = promisify(execFile);
const FIXTURES = join(__dirname, 'fixtures');

type Handler = (path: string) => Promise<unknown>;

interface App {
  url: string;
  agent: http.Agent;
  close(): Promise<void>;
}

async function startApp(handler: Handler, withSpans: boolean): Promise<App> {
  const tracer = trace.getTracer('http-test');
  const server = http.createServer((req, res) => {
    const respond = async () => {
      try {
        const body = await handler(req.url ?? '/');
        res.end(JSON.stringify(body ?? null));
      } catch (err) {
        res.statusCode = 500;
        res.end(String(err));
      }
    };
    if (!withSpans) return void respond();
    tracer.startActiveSpan(`GET ${req.url}`, (span) => void respond().finally(() => span.end()));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  return {
    url: `http://127.0.0.1:${port}`,
    agent,
    close: async () => {
      agent.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function get(app: App, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http.get(`${app.url}${path}`, { agent: app.agent }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => (res.statusCode === 200 ? resolve(body) : reject(new Error(body))));
    }).on('error', reject);
  });
}

/**
 * An HTTP app whose requests each run in a span of one upstream trace, as a
 * gateway's parallel calls carrying one traceparent do; `handle` answers the
 * request and its promise ends the span. close() ends the agent and the server.
 */
async function startOneTraceApp(traceId: string, handle: (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void>): Promise<App> {
  const tracer = trace.getTracer('http-test');
  const server = http.createServer((req, res) => {
    const parent = trace.setSpanContext(ROOT_CONTEXT, { traceId, spanId: randomBytes(8).toString('hex'), traceFlags: 1, isRemote: true });
    context.with(parent, () => tracer.startActiveSpan(`GET ${req.url}`, (span) => void handle(req, res).finally(() => span.end())));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    agent,
    close: async () => {
      agent.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

for (const withSpans of [true, false]) {
  describe(`cross_task_use over real HTTP requests (${withSpans ? 'OTel spans' : 'poolguard task roots'})`, () => {
    let pool: pg.Pool;
    let app: App;
    let held: pg.PoolClient | undefined;
    let releaseHeld: () => void = () => undefined;

    before(() => setupTelemetry());
    beforeEach(async () => {
      resetTelemetry();
      pool = guardPool(newPool({ max: 3 }), { name: `http-${withSpans ? 'spans' : 'roots'}` });
      app = await startApp(async (path) => {
        if (path === '/hold') {
          const client = await pool.connect();
          await client.query('BEGIN');
          held = client; // only now: B must not race A's BEGIN (that would be concurrent_query too)
          await new Promise<void>((resolve) => (releaseHeld = resolve));
          await client.query('COMMIT');
          client.release();
          held = undefined;
          return 'released';
        }
        if (path === '/steal') return (await held!.query('SELECT 1 AS one')).rows[0];
        if (path === '/own') {
          const client = await pool.connect();
          try {
            await client.query('BEGIN');
            const { rows } = await client.query('SELECT 2 AS two');
            await client.query('COMMIT');
            return rows[0];
          } finally {
            client.release();
          }
        }
        throw new Error(`no route ${path}`);
      }, withSpans);
    });
    afterEach(async () => {
      releaseHeld();
      await app.close();
      await pool.end();
    });

    it('reports request B using the client request A holds', async () => {
      const holding = get(app, '/hold');
      while (held === undefined) await new Promise((r) => setTimeout(r, 5));
      // The hold request's socket is busy, so the agent opens... maxSockets 1 would queue: use a fresh agent for B.
      const other = { ...app, agent: new http.Agent({ keepAlive: true }) };
      assert.equal(await get(other, '/steal'), JSON.stringify({ one: 1 }));
      other.agent.destroy();
      releaseHeld();
      assert.equal(await holding, JSON.stringify('released'));
      const reports = violationLogs('cross_task_use');
      assert.equal(reports.length, 1);
      if (withSpans) {
        assert.match(String(reports[0]!.attributes['poolguard.owner.trace_id']), /^[0-9a-f]{32}$/);
      }
      assert.deepEqual(violationLogs().map((r) => [r.attributes['poolguard.violation.kind'], r.attributes['db.client.connection.pool.name']]), [['cross_task_use', `http-${withSpans ? 'spans' : 'roots'}`]]);
    });

    if (!withSpans) {
      it('pipelined requests on one socket: a release in res.on(\'finish\') is the request\'s own, though Node flushes its response after the one before', async () => {
        let firstReleased: () => void = () => undefined;
        const released = new Promise<void>((resolve) => (firstReleased = resolve));
        const single = guardPool(newPool({ max: 1 }), { name: 'http-pipelined' });
        const server = http.createServer((req, res) => {
          void (async () => {
            if (req.url === '/first') {
              const client = await single.connect();
              await client.query('SELECT 1');
              client.release();
              firstReleased();
              setTimeout(() => res.end('first'), 50);
              return;
            }
            await released;
            const client = await single.connect();
            res.on('finish', () => client.release());
            await client.query('SELECT 2');
            res.end('second');
          })();
        });
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
        const socket = net.connect((server.address() as AddressInfo).port, '127.0.0.1');
        try {
          let replies = '';
          socket.on('data', (chunk: Buffer) => (replies += chunk.toString()));
          socket.write('GET /first HTTP/1.1\r\nHost: x\r\n\r\nGET /second HTTP/1.1\r\nHost: x\r\n\r\n');
          while (!replies.includes('second')) await new Promise((r) => setTimeout(r, 10));
          await new Promise((r) => setImmediate(r));
          assert.deepEqual(violationLogs(), []);
          assert.equal(single.idleCount, 1, 'the second request\'s release reached the pool');
        } finally {
          socket.destroy();
          await new Promise<void>((resolve) => server.close(() => resolve()));
          await single.end();
        }
      });
    }

    if (!withSpans) {
      it('a handler wrapped in runInTask() releases its client in res.on(\'finish\') or req.on(\'close\') as its own; another request\'s release still is foreign_release', async () => {
        const name = 'http-run-in-task-finish';
        const own = guardPool(newPool({ max: 2 }), { name });
        let kept: pg.PoolClient | undefined;
        const server = http.createServer((req, res) => {
          void runInTask(async () => {
            if (req.url === '/keep') {
              kept = await own.connect(); // held past the request: the next one releases it
              res.end('kept');
              return;
            }
            if (req.url === '/release-kept') {
              res.on('finish', () => kept!.release());
              res.end('released');
              return;
            }
            const client = await own.connect();
            if (req.url === '/finish') res.on('finish', () => client.release());
            else req.on('close', () => client.release());
            await client.query('SELECT 1');
            res.end('ok');
          });
        });
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
        const local = { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, agent: new http.Agent({ keepAlive: true, maxSockets: 2 }), close: async () => undefined };
        try {
          for (let i = 0; i < 3; i++) {
            assert.equal(await get(local, '/finish'), 'ok');
            assert.equal(await get(local, '/close'), 'ok');
          }
          await Promise.all(Array.from({ length: 6 }, (_, i) => get(local, i % 2 === 0 ? '/finish' : '/close')));
          await new Promise((r) => setTimeout(r, 50));
          assert.deepEqual(violationLogs().filter((r) => r.attributes['db.client.connection.pool.name'] === name), [], 'each request released its own client');
          assert.equal(own.idleCount, own.totalCount, 'every release reached the pool');
          assert.equal(await get(local, '/keep'), 'kept');
          assert.equal(await get(local, '/release-kept'), 'released');
          await new Promise((r) => setTimeout(r, 50));
          assert.deepEqual(violationLogs().map((r) => [r.attributes['poolguard.violation.kind'], r.attributes['db.client.connection.pool.name']]), [['foreign_release', name]]);
        } finally {
          local.agent.destroy();
          await new Promise<void>((resolve) => server.close(() => resolve()));
          await own.end();
        }
      });
    }

    if (!withSpans) {
      it('a runInTask() job inside a request is a task of its own: using or releasing the request\'s client is reported, and a release is passed on, never stranded', async () => {
        const name = 'http-run-in-task-jobs';
        const own = guardPool(newPool({ max: 1, connectionTimeoutMillis: 2000 }), { name });
        const server = http.createServer((req, res) => {
          void (async () => {
            if (req.url === '/job-uses') {
              const client = await own.connect();
              await client.query('BEGIN');
              await runInTask(() => client.query('SELECT 1')); // another task, inside the request's transaction
              await client.query('COMMIT');
              client.release();
            } else if (req.url === '/job-releases') {
              const client = await own.connect();
              await runInTask(async () => client.release()); // a task that never held the lease
            } else {
              // The request's own lease first; then a producer job checks out and a sibling consumer releases.
              const first = await own.connect();
              first.release();
              let handOff: (client: pg.PoolClient) => void = () => undefined;
              const handed = new Promise<pg.PoolClient>((resolve) => (handOff = resolve));
              await Promise.all([
                runInTask(async () => handOff(await own.connect())),
                runInTask(async () => (await handed).release()),
              ]);
            }
            res.end('ok');
          })();
        });
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
        const local = { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, agent: new http.Agent({ keepAlive: true }), close: async () => undefined };
        try {
          const kinds = async (path: string) => {
            resetTelemetry();
            assert.equal(await get(local, path), 'ok');
            return violationLogs().filter((r) => r.attributes['db.client.connection.pool.name'] === name).map((r) => r.attributes['poolguard.violation.kind']);
          };
          assert.deepEqual(await kinds('/job-uses'), ['cross_task_use']);
          assert.deepEqual(await kinds('/job-releases'), ['foreign_release']);
          assert.equal(own.idleCount, 1, 'the job\'s release was passed on');
          assert.deepEqual(await kinds('/hand-off'), ['foreign_release']);
          assert.equal(own.idleCount, 1, 'the consumer\'s release was passed on: the connection is not stranded');
        } finally {
          local.agent.destroy();
          await new Promise<void>((resolve) => server.close(() => resolve()));
          await own.end();
        }
      });
    }

    {
      it(`a request that holds the only connection and awaits a runInTask() helper that checks out is nested_checkout (${withSpans ? 'one trace' : 'no trace'}, the helper inside the request)`, async () => {
        const name = `http-run-in-task-nested-${withSpans ? 'spans' : 'roots'}`;
        const own = guardPool(newPool({ max: 1, connectionTimeoutMillis: 300 }), { name });
        const local = await startApp(async () => {
          const client = await own.connect();
          try {
            await runInTask(() => own.connect()).then((c) => c.release(), () => undefined); // times out: the request holds the only one
          } finally {
            client.release();
          }
          return 'done';
        }, withSpans);
        try {
          resetTelemetry();
          assert.equal(await get(local, '/'), JSON.stringify('done'));
          assert.deepEqual(violationLogs().filter((r) => r.attributes['db.client.connection.pool.name'] === name).map((r) => r.attributes['poolguard.violation.kind']), ['nested_checkout']);
        } finally {
          await local.close();
          await own.end();
        }
      });
    }

    it('stays silent when keep-alive requests each use their own client', async () => {
      for (let i = 0; i < 10; i++) assert.equal(await get(app, '/own'), JSON.stringify({ two: 2 }));
      const parallel = new http.Agent({ keepAlive: true, maxSockets: 4 });
      await Promise.all(Array.from({ length: 20 }, () => get({ ...app, agent: parallel }, '/own')));
      parallel.destroy();
      assert.deepEqual(violationLogs(), []);
    });
  });
}

describe('a handler that wraps each step in a span of its own, with no request span above them', () => {
  before(() => setupTelemetry());
  beforeEach(() => resetTelemetry());

  it('is one task: each step span begins a trace of its own, but the request\'s root is one; a client another request holds is still cross_task_use', async () => {
    const tracer = trace.getTracer('http-test');
    const step = <T>(name: string, fn: () => Promise<T>) => tracer.startActiveSpan(name, { root: true }, (span) => fn().finally(() => span.end()));
    const pool = guardPool(newPool({ max: 2 }), { name: 'http-step-spans' });
    let shared: pg.PoolClient | undefined;
    let releaseShared: () => void = () => undefined;
    const server = http.createServer((req, res) => {
      void (async () => {
        if (req.url === '/steps') {
          const client = await step('db.connect', () => pool.connect());
          await step('db.begin', () => client.query('BEGIN'));
          await step('db.select', () => client.query('SELECT 1'));
          await step('db.commit', () => client.query('COMMIT'));
          await step('db.release', async () => client.release());
        } else if (req.url === '/hold') {
          shared = await step('db.connect', () => pool.connect());
          await new Promise<void>((resolve) => (releaseShared = resolve));
          shared.release();
        } else {
          await step('db.steal', () => shared!.query('SELECT 2'));
        }
        res.end('ok');
      })();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const app: App = { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, agent: new http.Agent({ keepAlive: true, maxSockets: 4 }), close: async () => undefined };
    try {
      await Promise.all(Array.from({ length: 4 }, () => get(app, '/steps')));
      assert.deepEqual(violationLogs(), [], 'one request\'s steps are one task');
      const holding = get(app, '/hold');
      while (shared === undefined) await new Promise((r) => setTimeout(r, 5));
      await get(app, '/steal');
      releaseShared();
      await holding;
      assert.deepEqual(violationLogs().map((r) => r.attributes['poolguard.violation.kind']), ['cross_task_use']);
    } finally {
      app.agent.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await pool.end();
    }
  });
});

describe('concurrent requests that carry one upstream trace (a gateway\'s parallel calls)', () => {
  before(() => setupTelemetry());
  beforeEach(() => resetTelemetry());

  it('are told apart by their HTTP roots: no nested_checkout among them; a request that holds a lease and waits for another still is one', async () => {
    const pool = guardPool(newPool({ max: 2 }), { name: 'http-one-trace' });
    const app = await startOneTraceApp('4bf92f3577b34da6a3ce929d0e0e4736', async (req, res) => {
      const client = await pool.connect();
      try {
        await new Promise((r) => setTimeout(r, 20));
        if (req.url === '/nested') await pool.connect().then((second) => second.release(), () => undefined);
        await client.query('SELECT 1');
      } finally {
        client.release();
        res.end('ok');
      }
    });
    try {
      // Two idle connections, so the first requests hold theirs while the later ones ask.
      for (const client of await Promise.all([pool.connect(), pool.connect()])) client.release();
      await Promise.all(Array.from({ length: 6 }, (_, i) => new Promise((r) => setTimeout(r, i * 3)).then(() => get(app, '/'))));
      assert.deepEqual(violationLogs(), [], 'six requests of one trace on a pool of two wait for each other, not for themselves');
      await Promise.all([get(app, '/nested'), get(app, '/')]);
      assert.equal(violationLogs('nested_checkout').length, 1, 'a request that holds a lease and waits for a second one still deadlocks itself');
    } finally {
      await app.close();
      await pool.end();
    }
  });
});

describe('work a request leaves behind: a timer it started', () => {
  before(() => setupTelemetry());
  beforeEach(() => resetTelemetry());

  /** Ticks every 10 ms, each checking out, querying for 40 ms and releasing: they overlap on a pool of two. */
  function refresher(pool: pg.Pool): { stop(): Promise<number> } {
    let ticks = 0;
    const running = new Set<Promise<void>>();
    const timer = setInterval(() => {
      const tick = (async () => {
        const client = await pool.connect();
        try {
          await client.query('SELECT pg_sleep(0.04)');
        } finally {
          client.release();
        }
        ticks++;
      })();
      running.add(tick);
      void tick.finally(() => running.delete(tick));
    }, 10);
    return {
      stop: async () => {
        clearInterval(timer);
        await Promise.all(running);
        return ticks;
      },
    };
  }

  for (const withSpans of [true, false]) {
    it(`a timer started in a request: its overlapping ticks on a full pool are no nested_checkout once the response has closed (${withSpans ? 'OTel spans' : 'poolguard task roots'})`, async () => {
      const pool = guardPool(newPool({ max: 2 }), { name: `http-leftover-timer-${withSpans}` });
      let started: ReturnType<typeof refresher> | undefined;
      const app = await startApp(async (path) => {
        if (path === '/start') started ??= refresher(pool);
        if (path === '/nested') {
          const first = await pool.connect();
          await pool.connect().then((second) => second.release(), () => undefined).finally(() => first.release());
        }
        return 'ok';
      }, withSpans);
      try {
        await get(app, '/start');
        await new Promise((r) => setTimeout(r, 300));
        const ticks = await started!.stop();
        assert.ok(ticks >= 5, `the ticks ran (${ticks})`);
        assert.deepEqual(violationLogs(), [], 'ticks wait for each other, not for themselves');
        // A request still running that holds a lease and asks for a second of a full pool is one.
        const blockers = await Promise.all([pool.connect()]);
        await Promise.all([get(app, '/nested'), new Promise((r) => setTimeout(r, 50)).then(() => blockers.forEach((c) => c.release()))]);
        assert.equal(violationLogs('nested_checkout').length, 1);
      } finally {
        await app.close();
        await pool.end();
      }
    });
  }
});

describe('a request that answers early and works on', () => {
  before(() => setupTelemetry());
  beforeEach(() => resetTelemetry());

  it('holds the lease it took before its response closed: asking for a second of a full pool is still nested_checkout', async () => {
    const pool = guardPool(newPool({ max: 1, connectionTimeoutMillis: 300 }), { name: 'http-early-answer' });
    let done!: () => void;
    const worked = new Promise<void>((resolve) => (done = resolve));
    const server = http.createServer((_req, res) => {
      void (async () => {
        const client = await pool.connect();
        res.end('accepted');
        await new Promise((resolve) => res.once('close', resolve));
        await pool.connect().then((second) => second.release(), () => undefined); // waits for itself
        client.release();
        done();
      })();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const app = { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, agent: new http.Agent({ keepAlive: false }), close: async () => undefined };
      assert.equal(await get(app, '/'), 'accepted');
      await worked;
      assert.equal(violationLogs('nested_checkout').length, 1);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await pool.end();
    }
  });
});

describe('two requests that carry one upstream trace, one using or releasing the client the other holds', () => {
  before(() => setupTelemetry());
  beforeEach(() => resetTelemetry());

  it('are two tasks: a use of the other\'s client is cross_task_use, and a stale holder\'s release is foreign_release and not passed on', async () => {
    const pool = guardPool(newPool({ max: 1 }), { name: 'http-one-trace-use' });
    let shared: pg.PoolClient | undefined;
    let letGo: () => void = () => undefined;
    const routes: Record<string, () => Promise<unknown>> = {
      // Holds its client, in a transaction, until told to let go.
      '/hold': async () => {
        const client = await pool.connect();
        await client.query('BEGIN');
        shared = client;
        await new Promise<void>((resolve) => (letGo = resolve));
        await client.query('COMMIT');
        client.release();
        return 'held';
      },
      '/use': async () => (await shared!.query('SELECT 1 AS one')).rows[0],
      // Releases its client, keeps it, and releases it again once told: a stale holder.
      '/keep': async () => {
        const client = await pool.connect();
        client.release();
        shared = client;
        await new Promise<void>((resolve) => (releaseAgain = resolve));
        client.release();
        return 'released again';
      },
    };
    let releaseAgain: () => void = () => undefined;
    const app = await startOneTraceApp('0af7651916cd43dd8448eb211c80319c', (req, res) => routes[req.url ?? '']!().then((body) => void res.end(JSON.stringify(body)), (err: unknown) => {
      res.statusCode = 500;
      res.end(String(err));
    }));
    const waitForShared = async () => {
      while (shared === undefined) await new Promise((r) => setTimeout(r, 5));
    };
    try {
      let holding = get(app, '/hold');
      await waitForShared();
      assert.equal(await get(app, '/use'), JSON.stringify({ one: 1 }), 'report mode runs the statement');
      letGo();
      assert.equal(await holding, JSON.stringify('held'));
      assert.equal(violationLogs('cross_task_use').length, 1, 'a request used the client another request of the same trace holds');

      shared = undefined;
      const keeping = get(app, '/keep');
      await waitForShared();
      shared = undefined;
      holding = get(app, '/hold');
      // The one connection is lent to /hold now: /keep's client is the same object.
      await waitForShared();
      releaseAgain();
      assert.equal(await keeping, JSON.stringify('released again'));
      assert.equal(violationLogs('foreign_release').length, 1, 'the stale holder of the same trace released the lease /hold holds');
      assert.equal(pool.idleCount, 0, 'the stale release was not passed on: /hold still holds its connection');
      letGo();
      assert.equal(await holding, JSON.stringify('held'));
      assert.equal(pool.idleCount, 1);
    } finally {
      letGo();
      releaseAgain();
      await app.close();
      await pool.end();
    }
  });
});

describe('a server started inside a task every request would inherit (fresh processes)', () => {
  for (const scenario of ['run-in-task', 'startup-span'] as const) {
    it(`requests are tasks of their own (${scenario === 'run-in-task' ? 'inside runInTask(), no OTel' : 'inside an active span, no span per request'})`, async () => {
      const { stdout } = await run(process.execPath, [join(FIXTURES, 'inherited-task-server.js'), scenario], { timeout: 30_000 });
      const result = JSON.parse(stdout.trim().split('\n').pop()!) as { codes: number[]; independent: string[]; shared: string[] };
      assert.deepEqual(result.codes, Array(15).fill(200));
      assert.deepEqual(result.independent, [], 'independent requests on a saturated pool: no nested_checkout');
      assert.deepEqual(result.shared, ['cross_task_use', 'foreign_release'], 'a client one request keeps, another uses and a third releases');
    });
  }
});

describe('taskMiddleware() with a body parser between the checkout and the handler (fresh processes)', () => {
  for (const mode of ['roots', 'middleware'] as const) {
    it(`the body's events continue the request's task (${mode === 'roots' ? 'poolguard\'s HTTP roots on' : 'the middleware\'s own tokens, no OTel'})`, async () => {
      const { stdout } = await run(process.execPath, [join(FIXTURES, 'middleware-body.js'), mode], { timeout: 30_000 });
      const result = JSON.parse(stdout.trim().split('\n').pop()!) as { codes: number[]; correct: string[]; shared: string[] };
      assert.deepEqual(result.codes, Array(8).fill(200));
      assert.deepEqual(result.correct, [], 'a client per request, released by its handler, the middleware mounted once or twice: silent');
      assert.deepEqual(result.shared, ['cross_task_use', 'cross_task_use'], 'a client cached across requests: each later request reported');
    });
  }
});
