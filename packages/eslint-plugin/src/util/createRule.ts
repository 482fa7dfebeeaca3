/**
 * The rule factory for every poolguard rule: fills in the docs URL and fixes
 * the shape of `meta.docs` that eslint-doc-generator and the configs read.
 */
import { RuleCreator } from '@typescript-eslint/utils/eslint-utils';

export interface PoolguardRuleDocs {
  /** Part of `poolguard.configs.recommended`. */
  recommended?: boolean;
  /** Needs type information (`parserOptions.projectService`) to run at all. */
  requiresTypeChecking?: boolean;
}

export const createRule = RuleCreator<PoolguardRuleDocs>(
  name => `https://github.com/poolguard/poolguard/blob/main/packages/eslint-plugin/docs/rules/${name}.md`,
);
