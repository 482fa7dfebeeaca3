/*
 * The two OpenTelemetry lines stay apart: the main workspace (Node 20) holds
 * only the 2.x line, and the 3.x line lives in test/compat, which is not a
 * workspace, so its dependencies never enter the main lockfile. The compat
 * suite itself (test/compat/run.sh) runs on Node 24 after `npm test`.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');
const readJson = (file: string) => JSON.parse(readFileSync(join(ROOT, file), 'utf8'));

interface LockEntry {
  version?: string;
  engines?: { node?: string };
}

/** The 3.x line declares Node >= 22.15; so does anything built on it. */
const needsNewerNode = (entry: LockEntry) => /22\.1[5-9]|>=\s*2[2-9]/.test(entry.engines?.node ?? '');

describe('the OTel lines in this repository', () => {
  it('test/compat is not a workspace member', () => {
    const { workspaces } = readJson('package.json') as { workspaces: string[] };
    assert.ok(!workspaces.some((w) => w.startsWith('test')), workspaces.join(', '));
    assert.equal(readJson('test/compat/package.json').private, true);
  });

  it('the main lockfile holds no 3.x-line package (api 1.10, Node >= 22.15 only)', () => {
    const { packages } = readJson('package-lock.json') as { packages: Record<string, LockEntry> };
    const offenders = Object.entries(packages)
      .filter(([path]) => path.includes('node_modules/@opentelemetry/'))
      .filter(([path, entry]) => needsNewerNode(entry) || (path.endsWith('/@opentelemetry/api') && /^1\.(1\d|[2-9]\d)\./.test(entry.version ?? '')))
      .map(([path, entry]) => `${path}@${entry.version}`);
    assert.deepEqual(offenders, []);
  });

  it('test/compat pins the 3.x line it claims to test', () => {
    const { dependencies } = readJson('test/compat/package.json') as { dependencies: Record<string, string> };
    assert.match(dependencies['@opentelemetry/api']!, /^1\.10\./);
    assert.match(dependencies['@opentelemetry/sdk-node']!, /^0\.30\d\./);
    assert.match(dependencies['@opentelemetry/instrumentation-pg']!, /^0\.77\./);
    for (const sdk of ['sdk-trace', 'sdk-logs', 'sdk-metrics']) assert.match(dependencies[`@opentelemetry/${sdk}`]!, /^3\./, sdk);
    assert.match(dependencies.eslint!, /^9\./);
  });
});
