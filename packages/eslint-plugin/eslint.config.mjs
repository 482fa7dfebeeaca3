// Lints the plugin itself: ESLint's and typescript-eslint's recommended rules
// everywhere, eslint-plugin-eslint-plugin's rule and test checks where they apply.
import js from '@eslint/js';
import eslintPlugin from 'eslint-plugin-eslint-plugin';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig(
  // Fixtures are inputs for the rules, often wrong on purpose.
  { ignores: ['dist/', 'tests/fixtures/'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    files: ['src/rules/*.ts'],
    ignores: ['src/rules/index.ts'],
    extends: [eslintPlugin.configs['rules-recommended']],
    rules: {
      'eslint-plugin/require-meta-docs-description': ['error', { pattern: '^Disallow' }],
      'eslint-plugin/require-meta-default-options': 'error',
      'eslint-plugin/require-meta-schema-description': 'error',
      'eslint-plugin/no-property-in-node': 'off',
    },
  },
  {
    files: ['tests/rules/**/*.ts'],
    extends: [eslintPlugin.configs['tests-recommended']],
  },
  {
    // Plain CommonJS scripts: require() is how they load things.
    files: ['**/*.js'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    rules: {
      // `_` marks a parameter that a callback signature requires but the body ignores.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
);
