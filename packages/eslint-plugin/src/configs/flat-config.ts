/**
 * The type of the configs the plugin exports: plain data in a shape that both
 * ESLint's `defineConfig` (its `extends`) and typescript-eslint's config
 * helpers accept. Like typescript-eslint's own `CompatibleConfig`, it avoids
 * either side's nominal config types, which do not assign to each other.
 */
export type PoolguardFlatConfig = {
  name: string;
  plugins: { poolguard: object };
  rules: Record<string, 'error' | ['error', { typeChecked: boolean }]>;
  /** `poolguard.typeChecked`: typed matching for every poolguard rule, whatever a rule's options later say (typed-mode). */
  settings?: { poolguard: { typeChecked: boolean } };
};
