// Generated from package.json by scripts/version.mjs; do not edit.
export const PACKAGE_NAME = '@poolguard/instrumentation';
export const PACKAGE_VERSION = '0.1.0';
