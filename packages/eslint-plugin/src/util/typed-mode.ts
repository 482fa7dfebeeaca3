/**
 * Whether a rule matches by type: its `typeChecked` option, or the shared
 * setting `settings: { poolguard: { typeChecked: true } }`, which
 * `configs['recommended-type-checked']` sets beside the options. ESLint
 * replaces a rule's whole options object when a later config sets the rule
 * again (`['error', { allowPrimaryPools: true }]`), so the option alone
 * would be lost with it; the setting is not. Either is an explicit request:
 * whether type information happens to be there is never sniffed, and
 * typed mode without it fails loudly (getParserServices).
 */
import type { TSESLint } from '@typescript-eslint/utils';

/** The key under `settings.poolguard` that turns typed matching on for every poolguard rule. */
export const TYPE_CHECKED_SETTING = 'typeChecked';

export function isTypeChecked(context: Readonly<TSESLint.RuleContext<string, readonly unknown[]>>, option: boolean | undefined): boolean {
  if (option === true) return true;
  const shared: unknown = context.settings.poolguard;
  return typeof shared === 'object' && shared !== null && (shared as Record<string, unknown>)[TYPE_CHECKED_SETTING] === true;
}
