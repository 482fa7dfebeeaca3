/*
 * Tells whether a fork target is a copy of this process: the entry script
 * (process.argv[1]), a CommonJS module this process loaded whose own requires
 * reach code that created a live pool as it loaded (a lazy factory that the
 * app called does not count), since forking it re-runs that code, or
 * an ES module of the app forking itself (it has no registry to look in, but it
 * is on the call stack). A loaded helper that reaches no such code (a CPU task the
 * parent also requires for its functions, or runs in a Worker of its own
 * file) is no copy. The pool libraries' own files are no such code: loading
 * pg creates no pool.
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
  if (!loadedModule(file)) return false;
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
  return framesOnStack(filesOnStack).map((frame) => frame.file);
}

interface Frame {
  file: string;
  /** The frame runs a module's top-level code: its caller is Node's module loader. */
  loading: boolean;
  /** An async caller awaiting this code's promise (V8's async stack trace), not a caller on the stack. */
  awaiting: boolean;
}

/** The frames of the call stack above `above`, innermost first, with a file; Node's own are left out. */
function framesOnStack(above: (...args: never[]) => unknown): Frame[] {
  const { stackTraceLimit, prepareStackTrace } = Error;
  const frames: Frame[] = [];
  try {
    Error.stackTraceLimit = STACK_FRAMES;
    Error.prepareStackTrace = (_error, sites) => sites;
    const holder: { stack?: NodeJS.CallSite[] } = {};
    Error.captureStackTrace(holder, above);
    const sites = holder.stack ?? [];
    sites.forEach((site, i) => {
      const name = site.getFileName();
      if (name === undefined || name === null || name.startsWith('node:')) return;
      const caller = sites[i + 1]?.getFileName();
      frames.push({
        file: name.startsWith('file:') ? fileURLToPath(name) : name,
        loading: caller?.startsWith('node:internal/modules/') === true,
        awaiting: site.isAsync?.() === true,
      });
    });
  } catch {
    // A frozen Error or a foreign frame: no files, so nothing more counts as a copy.
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
    Error.prepareStackTrace = prepareStackTrace;
  }
  return frames;
}

const IN_PACKAGE = /[\\/]node_modules[\\/]/;

/** poolguard's own directory, whose frames are no app code; undefined when poolguard was bundled into the app's file. */
const OWN_DIRECTORY = /[\\/]fork-target\.[jt]s$/.test(__filename) ? `${__dirname}${sep}` : undefined;

/** The app's files on the call stack where a pool is being created: the code a copy would re-run to create it. */
export function creatorFiles(): readonly string[] {
  const own = OWN_DIRECTORY;
  const frames = framesOnStack(creatorFiles).filter((frame) => own === undefined || !frame.file.startsWith(own));
  // The packages between the app's call and the pool (pg's Pool, knex building tarn's) create
  // nothing by being loaded: a module that requires pg is no copy. A package's module that creates
  // a pool as it loads (a database package of the app's own) stays.
  const first = frames.findIndex((frame) => !IN_PACKAGE.test(frame.file) || frame.loading);
  if (first === -1) return [];
  const app = frames.slice(first);
  // A creation that ran as modules loaded runs again where one of them loads again; a function
  // of another module called from there (a lazy factory's getPool()) does not create at its load.
  // Without such a frame (after an await, in a timer or a request), the code that began this run is
  // the outermost of the app's frames on the stack (not those awaiting its promise): a module whose
  // load set it going (an async IIFE, a timer) runs it again; the factory it called does not.
  const loading = app.filter((frame) => frame.loading);
  if (loading.length > 0) return loading.map((frame) => frame.file);
  const outermost = app.filter((frame) => !frame.awaiting && !IN_PACKAGE.test(frame.file)).pop();
  return outermost === undefined ? [] : [outermost.file];
}

/** True when code of `file` (a real path) is running now: the module forks itself. */
function forkingItself(file: string): boolean {
  const name = basename(file);
  return filesOnStack().some((frame) => frame === file || (basename(frame) === name && realFile(frame) === file));
}

/**
 * The target's file when it is a copy of this process: its entry script, a
 * loaded CommonJS module whose requires reach one of `creators()` (the files
 * that created the live pools), or an ES module forking itself; else
 * undefined.
 */
export function selfForkTarget(target: unknown, creators: () => ReadonlySet<string>): string | undefined {
  const file = targetFile(target);
  if (file === undefined) return undefined;
  if (file === entryScript()) return file;
  // A loaded CommonJS module, forking itself or not, is a copy when its requires reach a pool's
  // creation (a helper that hashes in a Worker of its own file loads no pool); an ES module has no
  // registry to tell, so the app's forking itself is enough. A package's ES module that runs itself
  // in a Worker (a library's own thread) is a copy only when it created a pool.
  if (loadedModule(file)) return loadsAnyOf(file, creators()) ? file : undefined;
  if (!forkingItself(file)) return undefined;
  return !IN_PACKAGE.test(file) || creators().has(file) ? file : undefined;
}

function loadedModule(file: string): boolean {
  return typeof require === 'function' && require.cache[file] !== undefined;
}
