/**
 * A fault inside TypeScript's checker costs only the typed check that met it
 * (util/typescript-faults); a fault of the plugin's own code still throws.
 */
import * as assert from 'node:assert/strict';
import { describe, it } from 'mocha';

import { thrownByTypeScript, unlessTypeScriptFails } from '../src/util/typescript-faults';

/** An error whose innermost frame is `file`. */
function errorFrom(file: string): Error {
  const err = new TypeError("Cannot read properties of undefined (reading 'includes')");
  err.stack = `${err.name}: ${err.message}\n    at normalizeSlashes (${file}:8853:15)\n    at getTypeAtLocation (/app/node_modules/@typescript-eslint/typescript-estree/dist/createParserServices.js:29:44)`;
  return err;
}

describe('faults inside TypeScript', () => {
  it('a fault thrown from TypeScript\'s library answers with the fallback', () => {
    const fault = errorFrom('/app/node_modules/typescript/lib/typescript.js');
    assert.equal(thrownByTypeScript(fault), true);
    assert.equal(unlessTypeScriptFails(() => { throw fault; }, 'fallback'), 'fallback');
    assert.equal(unlessTypeScriptFails(() => 'answer', 'fallback'), 'answer');
  });

  it('a fault of the plugin\'s own code, or one that only passed through TypeScript, still throws', () => {
    const own = errorFrom('/app/node_modules/@poolguard/eslint-plugin/dist/util/pool-types.js');
    assert.equal(thrownByTypeScript(own), false);
    assert.throws(() => unlessTypeScriptFails(() => { throw own; }, 'fallback'), own);
    assert.throws(() => unlessTypeScriptFails(() => { throw 'a string'; }, 'fallback'), /a string/);
  });
});
