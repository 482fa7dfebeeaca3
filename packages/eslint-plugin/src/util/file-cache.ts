/**
 * What the rules read from other files (a module's parse, a tsconfig) lasts
 * for the life of the process, so that a lint run reads each file once; a
 * file whose mtime changed (an editor's save, in a long-lived ESLint server)
 * is read again.
 */
import * as fs from 'node:fs';

/** `read(file)`'s answers, each kept until the file's mtime changes; undefined for a file that cannot be stat'ed. */
export class FileCache<T> {
  private readonly entries = new Map<string, { mtimeMs: number; value: T | undefined }>();

  constructor(private readonly read: (file: string) => T | undefined) {}

  get(file: string): T | undefined {
    let mtimeMs: number;
    try {
      mtimeMs = fs.statSync(file).mtimeMs;
    } catch {
      return undefined;
    }
    const cached = this.entries.get(file);
    if (cached?.mtimeMs === mtimeMs) return cached.value;
    const value = this.read(file);
    this.entries.set(file, { mtimeMs, value });
    return value;
  }
}
