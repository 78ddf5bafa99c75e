// package.json must agree with the pure modules: settings, commands, activation.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { CLIENT_SETTING_KEYS, LANGUAGE_IDS, LANGUAGES, METHODS, SECTION, SERVER_SETTING_KEYS } from '../settings';

const root = path.resolve(__dirname, '..', '..');
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const properties: Record<string, Record<string, unknown>> = manifest.contributes.configuration.properties;

describe('package.json', () => {
  it('contributes exactly the server settings and the client settings', () => {
    const expected = [...SERVER_SETTING_KEYS, ...CLIENT_SETTING_KEYS].map((key) => `${SECTION}.${key}`).sort();
    assert.deepStrictEqual(Object.keys(properties).sort(), expected);
  });

  it('offers the server methods and languages', () => {
    assert.deepStrictEqual(properties['leancode.method'].enum, [...METHODS]);
    assert.strictEqual(properties['leancode.method'].default, 'leancode');
    assert.deepStrictEqual((properties['leancode.languages'].items as { enum: string[] }).enum, [...LANGUAGES]);
  });

  it('bounds the ratio to 0..0.9 and defaults the interpreter to python3', () => {
    assert.strictEqual(properties['leancode.ratio'].minimum, 0);
    assert.strictEqual(properties['leancode.ratio'].maximum, 0.9);
    assert.strictEqual(properties['leancode.pythonPath'].default, 'python3');
  });

  it('has a search command that does not clash with the server command leancode.search', () => {
    const commands: { command: string; title: string; category: string }[] = manifest.contributes.commands;
    const search = commands.find((c) => c.command === 'leancode.searchWorkspace');
    assert.ok(search);
    assert.strictEqual(`${search.category}: ${search.title}`, 'LeanCode: Search Workspace');
    // vscode-languageclient registers the server's executeCommand commands itself.
    assert.ok(!commands.some((c) => c.command === 'leancode.search'));
  });

  it('activates on every language the client syncs', () => {
    assert.deepStrictEqual(
      manifest.activationEvents.filter((e: string) => e.startsWith('onLanguage:')).sort(),
      LANGUAGE_IDS.map((id) => `onLanguage:${id}`).sort(),
    );
  });

  it('pins vscode-languageclient 9 and an engine it supports', () => {
    assert.match(manifest.dependencies['vscode-languageclient'], /^\^?9\./);
    assert.strictEqual(manifest.engines.vscode, '^1.82.0');
    assert.strictEqual(manifest.main, './out/extension.js');
  });
});

describe('pure modules', () => {
  it('do not import vscode (so these tests run without VS Code)', () => {
    for (const name of ['settings.js', 'search.js', 'progress.js']) {
      const source = fs.readFileSync(path.join(root, 'out', name), 'utf8');
      assert.ok(!/require\(["']vscode["']\)/.test(source), `${name} imports vscode`);
    }
  });
});
