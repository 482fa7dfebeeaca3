/**
 * creator-reach: the text prefilter of module-graph's load-time walk. It may
 * only ever over-approximate: any module that could reach a creator package
 * must be kept, a quote in a comment may keep one too.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { describe, it } from 'mocha';

import { creatorReach, creatorReachScans } from '../src/util/creator-reach';
import { resolveLocalModule } from '../src/util/module-graph';

/** Writes `files` to a fresh directory, and answers `mayCreate` for each of `asked` from `start`. */
function reachIn(files: Record<string, string>, start: string, asked: string[], creators = [] as { package: string; factories: string[] }[]): boolean[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'poolguard-creator-reach-'));
  try {
    for (const [file, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, file), text);
    const reach = creatorReach(path.join(dir, start), creators, resolveLocalModule);
    return asked.map(file => reach.mayCreate(path.join(dir, file)));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('creator-reach', () => {
  it('keeps the modules from which one quoting a creator package is reachable, and only them', () => {
    const files = {
      'a.js': "require('./b');\nimport('./c.mjs');\n",
      'b.js': "module.exports = require('lodash');\n",
      'c.mjs': "export * from './d.mjs';\n",
      'd.mjs': "import mysql from 'mysql2/promise';\nexport const make = () => mysql.createPool({});\n",
    };
    assert.deepEqual(reachIn(files, 'a.js', ['a.js', 'b.js', 'c.mjs', 'd.mjs']), [true, false, true, true]);
  });

  it('counts a creator package of the `creators` option, and a quote in a comment', () => {
    assert.deepEqual(reachIn({ 'a.js': "const db = require('@acme/db');\n" }, 'a.js', ['a.js']), [false]);
    assert.deepEqual(reachIn({ 'a.js': "const db = require('@acme/db');\n" }, 'a.js', ['a.js'], [{ package: '@acme/db', factories: ['open'] }]), [true]);
    assert.deepEqual(reachIn({ 'a.js': "// once used require('pg')\n" }, 'a.js', ['a.js']), [true]);
  });

  it('follows TypeScript import-equals and template-literal requires, and keeps a path built beside the module', () => {
    assert.deepEqual(reachIn({ 'a.ts': "import b = require('./b');\n", 'b.ts': "export * from 'pg';\n" }, 'a.ts', ['a.ts']), [true]);
    assert.deepEqual(reachIn({ 'a.js': 'require(`./b`);\n', 'b.js': "require('knex');\n" }, 'a.js', ['a.js']), [true]);
    assert.deepEqual(reachIn({ 'a.js': 'require(`${__dirname}/b`);\n' }, 'a.js', ['a.js']), [true]);
  });

  it('scans each file once while it is unchanged', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'poolguard-creator-reach-'));
    try {
      fs.writeFileSync(path.join(dir, 'a.js'), "require('./b');\n");
      fs.writeFileSync(path.join(dir, 'b.js'), 'exports.b = 1;\n');
      const before = creatorReachScans.count;
      for (let i = 0; i < 3; i++) assert.equal(creatorReach(path.join(dir, 'a.js'), [], resolveLocalModule).mayCreate(path.join(dir, 'a.js')), false);
      assert.equal(creatorReachScans.count - before, 2);
      // An edit that names a creator is seen.
      const b = path.join(dir, 'b.js');
      fs.writeFileSync(b, "exports.b = require('pg');\n");
      const later = new Date(fs.statSync(b).mtime.getTime() + 5000);
      fs.utimesSync(b, later, later);
      assert.equal(creatorReach(path.join(dir, 'a.js'), [], resolveLocalModule).mayCreate(path.join(dir, 'a.js')), true);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
