/*
 * Tells whether a fork target is a copy of this process: the entry script
 * (process.argv[1]), the file whose code is forking (an ES module has no
 * registry to look in, but it is on the call stack), or a module this process
 * loaded whose own requires reach code that created a live pool, since
 * forking any of them re-runs that code. A loaded helper that reaches no such
 * code (a CPU task the parent also requires for its functions) is no copy.
 * Targets come as a path (relative to the working directory, as Node
 * resolves them), a file URL string or a URL object; anything else (eval
 * code, data: URLs) is not a file and not a copy.
 */
import { realpathSync, statSync } from 'node:fs';
import { basename, isAbsolute, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const EXTENSIONS = ['', '.js', '.cjs', '.mjs'];

/**
 * The real path of the script `file` names, as Node finds it for `node file`:
 * with its implicit extensions, and for a directory (`node .`) its package's
 * main or index file. Undefined when there is no such file.
 */
function realFile(file: string): string | undefined {
  let directory: string | undefined;
  // As Node does: the file, then the file with each extension, then a directory's entry.
  for (const extension of EXTENSIONS) {
    try {
      const real = realpathSync(file + extension);
      if (!statSync(real).isDirectory()) return real;
      directory ??= real;
    } catch {
      // Try the next extension.
    }
  }
  return directory === undefined ? undefined : directoryEntry(directory);
}

/** The file `node dir` runs: the package's main, else its index. */
function directoryEntry(dir: string): string {
  try {
    return realpathSync(require.resolve(dir));
  } catch {
    return dir;
  }
}

/**
 * A relative script path as the child resolves it: against the `cwd` it is
 * started in (`fork(path, args, { cwd })`, cluster's `setupPrimary({ cwd })`).
 */
export function againstCwd(target: unknown, cwd: unknown): unknown {
  const directory = cwd instanceof URL && cwd.protocol === 'file:' ? fileURLToPath(cwd) : cwd;
  if (typeof target !== 'string' || typeof directory !== 'string' || isAbsolute(target) || /^[a-z][a-z0-9+.-]*:/i.test(target)) return target;
  return resolve(directory, target);
}

/** A path `new Worker()` accepts (absolute, or relative with `./` or `../`) or a URL; anything else Node refuses, starting nothing. */
export function isWorkerTarget(target: unknown): boolean {
  return target instanceof URL || (typeof target === 'string' && (isAbsolute(target) || /^\.\.?[\\/]/.test(target)));
}

/** The file a fork target names, or undefined when it names none. */
export function targetFile(target: unknown): string | undefined {
  let file: string | undefined;
  if (target instanceof URL) {
    if (target.protocol !== 'file:') return undefined;
    file = fileURLToPath(target);
  } else if (typeof target === 'string') {
    if (target.startsWith('file:')) file = fileURLToPath(target);
    else if (/^[a-z][a-z0-9+.-]*:/i.test(target) && !isAbsolute(target)) return undefined;
    else file = resolve(target);
  } else {
    return undefined;
  }
  return realFile(file);
}

let entry: string | undefined | null = null;

function entryScript(): string | undefined {
  if (entry === null) entry = process.argv[1] === undefined ? undefined : realFile(resolve(process.argv[1]));
  return entry;
}

/** How many modules of one require tree are looked at: a bound on a fork's cost in a very large app. */
const MAX_MODULES = 10_000;

/**
 * True when `file` is a CommonJS module this process loaded and it, or a
 * module it requires (directly or further down), is one of `creators`.
 * require.cache holds CommonJS modules by real path, each with the modules
 * it required (a cached one included); ESM ones have no public registry.
 */
function loadsAnyOf(file: string, creators: ReadonlySet<string>): boolean {
  if (typeof require !== 'function' || require.cache[file] === undefined) return false;
  const seen = new Set<string>([file]);
  const queue: NodeJS.Module[] = [require.cache[file]!];
  for (let next = queue.shift(); next !== undefined && seen.size <= MAX_MODULES; next = queue.shift()) {
    if (creators.has(next.filename)) return true;
    for (const child of next.children) {
      if (!seen.has(child.filename)) {
        seen.add(child.filename);
        queue.push(child);
      }
    }
  }
  return false;
}

/** How many frames of the forking call are looked at: the app's own code sits a few frames above Node's. */
const STACK_FRAMES = 64;

/**
 * The files of the code on the call stack now (paths; ES modules' file URLs
 * converted). Read at forks and at pool creation only.
 */
export function filesOnStack(): string[] {
  const { stackTraceLimit, prepareStackTrace } = Error;
  const files: string[] = [];
  try {
    Error.stackTraceLimit = STACK_FRAMES;
    Error.prepareStackTrace = (_error, sites) => sites;
    const holder: { stack?: NodeJS.CallSite[] } = {};
    Error.captureStackTrace(holder, filesOnStack);
    for (const site of holder.stack ?? []) {
      const name = site.getFileName();
      if (name === undefined || name === null || name.startsWith('node:')) continue;
      files.push(name.startsWith('file:') ? fileURLToPath(name) : name);
    }
  } catch {
    // A frozen Error or a foreign frame: no files, so nothing more counts as a copy.
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
    Error.prepareStackTrace = prepareStackTrace;
  }
  return files;
}

/** poolguard's own directory, whose frames are no app code; undefined when poolguard was bundled into the app's file. */
const OWN_DIRECTORY = /[\\/]fork-target\.[jt]s$/.test(__filename) ? `${__dirname}${sep}` : undefined;

/** The app's files on the call stack where a pool is being created: the code a copy would re-run to create it. */
export function creatorFiles(): readonly string[] {
  const own = OWN_DIRECTORY;
  const files = filesOnStack();
  return own === undefined ? files : files.filter((file) => !file.startsWith(own));
}

/** True when code of `file` (a real path) is running now: the module forks itself. */
function forkingItself(file: string): boolean {
  const name = basename(file);
  return filesOnStack().some((frame) => frame === file || (basename(frame) === name && realFile(frame) === file));
}

/**
 * The target's file when it is a copy of this process: its entry script, the
 * forking file itself, or a loaded module whose requires reach one of
 * `creators()`, the files that created the live pools; else undefined.
 */
export function selfForkTarget(target: unknown, creators: () => ReadonlySet<string>): string | undefined {
  const file = targetFile(target);
  if (file === undefined) return undefined;
  return file === entryScript() || forkingItself(file) || loadsAnyOf(file, creators()) ? file : undefined;
}
