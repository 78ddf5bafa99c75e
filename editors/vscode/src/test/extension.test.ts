// out/extension.js loads (with vscode-languageclient) under a stand-in `vscode` module and
// exports the extension entry points; the VS Code binary itself cannot run here.
import * as assert from 'assert';
import Module = require('module');

/** Anything: every property is another stand-in, and it can be called or constructed. */
function standIn(name: string): unknown {
  const target = function () {
    /* stand-in */
  };
  return new Proxy(target, {
    get: (_target, property) => {
      if (property === Symbol.toPrimitive) {
        return () => name;
      }
      if (property === 'then') {
        return undefined; // not a promise
      }
      return standIn(`${name}.${String(property)}`);
    },
    apply: () => standIn(`${name}()`),
    construct: () => standIn(`new ${name}`) as object,
  });
}

describe('extension entry point', () => {
  it('loads without VS Code and exports activate and deactivate', () => {
    const moduleWithLoad = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
    const load = moduleWithLoad._load;
    moduleWithLoad._load = function (request: string, ...rest: unknown[]) {
      return request === 'vscode' ? standIn('vscode') : load.call(this, request, ...rest);
    };
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const extension = require('../extension');
      assert.strictEqual(typeof extension.activate, 'function');
      assert.strictEqual(typeof extension.deactivate, 'function');
    } finally {
      moduleWithLoad._load = load;
    }
  });
});
