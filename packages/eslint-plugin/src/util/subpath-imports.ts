/**
 * Node's subpath imports: `import { pool } from '#db'` names a file of the
 * importing package through the `imports` field of its package.json (the
 * nearest one above the importing file). Exact keys and patterns with one
 * `*` are followed; a target is a string, an array (its first string), or a
 * conditional object read in key order for the conditions Node loads with
 * (`node`, `import`, `require`, `module-sync`, `default`); of `import` and
 * `require`, only the one that matches how the module is loaded, when that
 * is known (`"#db": { "import": "./db.mjs", "require": "./db.cjs" }` gives
 * `require('#db')` db.cjs). A target that names a package rather than a
 * `./` path of this one is not local.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const CONDITIONS = new Set(['node', 'import', 'require', 'module-sync', 'default']);

/** How a module is loaded: by `require()` or by `import` (static or `import()`). */
export type LoadKind = 'require' | 'import';

/** The condition Node never matches for each kind of load. */
const EXCLUDED: Record<LoadKind, string> = { require: 'import', import: 'require' };

/**
 * The absolute path `specifier` (`#…`) maps to from `fromFile`, loaded as
 * `loadKind` (either, when unknown), before extensions are tried;
 * undefined when it maps to none.
 */
export function subpathImportTarget(fromFile: string, specifier: string, loadKind?: LoadKind): string | undefined {
  const scope = packageScope(path.dirname(fromFile));
  if (scope === undefined || !isRecord(scope.imports)) return undefined;
  const { imports } = scope;
  let target: unknown;
  let star = '';
  if (Object.prototype.hasOwnProperty.call(imports, specifier) && !specifier.includes('*')) {
    target = imports[specifier];
  } else {
    // The pattern with the longest prefix before its `*` wins, as in Node.
    let best = -1;
    for (const key of Object.keys(imports)) {
      const at = key.indexOf('*');
      if (at === -1 || key.indexOf('*', at + 1) !== -1) continue;
      const prefix = key.slice(0, at);
      const suffix = key.slice(at + 1);
      if (prefix.length <= best || !specifier.startsWith(prefix) || !specifier.endsWith(suffix) || specifier.length < key.length - 1) continue;
      best = prefix.length;
      target = imports[key];
      star = specifier.slice(prefix.length, specifier.length - suffix.length);
    }
  }
  const conditions = new Set(CONDITIONS);
  if (loadKind) conditions.delete(EXCLUDED[loadKind]);
  const chosen = chosenTarget(target, conditions);
  if (chosen === undefined || !chosen.startsWith('./')) return undefined;
  return path.resolve(scope.directory, chosen.split('*').join(star));
}

function chosenTarget(target: unknown, conditions: ReadonlySet<string>, depth = 0): string | undefined {
  if (depth > 8) return undefined;
  if (typeof target === 'string') return target;
  if (Array.isArray(target)) {
    for (const entry of target) {
      const chosen = chosenTarget(entry, conditions, depth + 1);
      if (chosen !== undefined) return chosen;
    }
    return undefined;
  }
  if (!isRecord(target)) return undefined;
  for (const [condition, value] of Object.entries(target)) {
    if (!conditions.has(condition)) continue;
    const chosen = chosenTarget(value, conditions, depth + 1);
    if (chosen !== undefined) return chosen;
  }
  return undefined;
}

interface PackageScope {
  directory: string;
  imports: unknown;
}

/** The nearest package.json at or above `directory`, as Node finds a module's package scope. */
function packageScope(directory: string): PackageScope | undefined {
  for (let dir = directory; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    let text: string | undefined;
    try {
      text = fs.readFileSync(manifest, 'utf8');
    } catch {
      text = undefined;
    }
    if (text !== undefined) {
      try {
        const parsed = JSON.parse(text) as { imports?: unknown };
        return { directory: dir, imports: parsed.imports };
      } catch {
        return undefined;
      }
    }
    if (path.dirname(dir) === dir || path.basename(dir) === 'node_modules') return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
