/*
 * A set of objects held weakly that can still be walked (a WeakSet cannot):
 * a Set of WeakRefs that drops the refs of collected objects as it is walked,
 * and whenever it has doubled since it last did, so pools dropped without
 * end() leave no refs behind.
 */
export class WeakRefs<T extends object> {
  private readonly refs = new Set<WeakRef<T>>();
  private pruneAt = 64;

  add(value: T): void {
    if (this.refs.size >= this.pruneAt) {
      for (const ref of this.refs) if (ref.deref() === undefined) this.refs.delete(ref);
      this.pruneAt = Math.max(64, this.refs.size * 2);
    }
    this.refs.add(new WeakRef(value));
  }

  delete(value: T): void {
    for (const ref of this.refs) if (ref.deref() === value) this.refs.delete(ref);
  }

  /** The objects still alive. */
  values(): T[] {
    const alive: T[] = [];
    for (const ref of this.refs) {
      const value = ref.deref();
      if (value === undefined) this.refs.delete(ref);
      else alive.push(value);
    }
    return alive;
  }

  clear(): void {
    this.refs.clear();
  }
}
