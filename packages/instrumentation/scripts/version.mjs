// Writes src/version.ts from package.json, so the two never disagree.
import { readFileSync, writeFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const text = `// Generated from package.json by scripts/version.mjs; do not edit.
export const PACKAGE_NAME = '${pkg.name}';
export const PACKAGE_VERSION = '${pkg.version}';
`;
const target = new URL('../src/version.ts', import.meta.url);
if (readFileSync(target, 'utf8') !== text) writeFileSync(target, text);
