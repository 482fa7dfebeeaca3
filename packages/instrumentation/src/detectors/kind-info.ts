/* The shape every detector exports to describe its kind. */
export interface KindInfo {
  /** What went wrong, as one sentence. */
  readonly summary: string;
  /** How to fix it, as one sentence. */
  readonly fix: string;
}
