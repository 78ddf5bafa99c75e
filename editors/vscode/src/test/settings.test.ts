import * as assert from 'assert';
import { expandPath, serverCommand, toServerSettings } from '../settings';

describe('toServerSettings', () => {
  it('maps a full VS Code section to the server keys, dropping client-only keys', () => {
    const settings = toServerSettings({
      pythonPath: '/usr/bin/python3',
      serverArgs: ['--log-level', 'debug'],
      trace: { server: 'verbose' },
      method: 'dietcode',
      ratio: 0.3,
      summaryRatio: 0.4,
      modelPath: '/models/encoder',
      summarizerPath: '/models/summarizer',
      languages: ['python', 'go'],
      exclude: ['**/vendor/**'],
      showSimplified: true,
      generatedSummaries: true,
      hybrid: true,
      top: 15,
      debounceMs: 500,
      indexOnStartup: false,
      threads: 2,
    });
    assert.deepStrictEqual(settings, {
      method: 'dietcode',
      ratio: 0.3,
      summaryRatio: 0.4,
      modelPath: '/models/encoder',
      summarizerPath: '/models/summarizer',
      languages: ['python', 'go'],
      exclude: ['**/vendor/**'],
      showSimplified: true,
      generatedSummaries: true,
      hybrid: true,
      top: 15,
      debounceMs: 500,
      indexOnStartup: false,
      threads: 2,
    });
  });

  it('sends emptied values as the server defaults, so a reset reaches a running server', () => {
    assert.deepStrictEqual(
      toServerSettings({
        ratio: null,
        modelPath: '',
        summarizerPath: '  ',
        searchIndex: null,
        languages: [],
        exclude: [],
        threads: null,
      }),
      { ratio: null, modelPath: null, summarizerPath: null, searchIndex: null, languages: [], exclude: [], threads: null },
    );
    assert.deepStrictEqual(toServerSettings({}), {}); // keys VS Code did not give stay out
  });

  it('keeps the package.json defaults as they are', () => {
    assert.deepStrictEqual(
      toServerSettings({
        pythonPath: 'python3',
        method: 'leancode',
        ratio: 0.2,
        modelPath: '',
        summarizerPath: '',
        languages: [],
        exclude: [],
        showSimplified: false,
      }),
      {
        method: 'leancode',
        ratio: 0.2,
        modelPath: null,
        summarizerPath: null,
        languages: [],
        exclude: [],
        showSimplified: false,
      },
    );
  });

  it('clamps the ratio to 0..0.9 and ignores a non-number', () => {
    assert.strictEqual(toServerSettings({ ratio: 1.5 }).ratio, 0.9);
    assert.strictEqual(toServerSettings({ ratio: -1 }).ratio, 0);
    assert.strictEqual(toServerSettings({ ratio: '0.5' }).ratio, undefined);
    assert.strictEqual(toServerSettings({ ratio: Number.NaN }).ratio, undefined);
  });

  it('drops unknown methods and languages, and bad numbers', () => {
    const settings = toServerSettings({
      method: 'gzip',
      languages: ['python', 'cobol', 'python'],
      top: 0,
      debounceMs: -5,
      threads: 1.5,
      showSimplified: 'yes',
    });
    assert.deepStrictEqual(settings, { languages: ['python'] });
    assert.strictEqual(toServerSettings({ top: 1000 }).top, 200);
  });

  it('expands ${workspaceFolder} and ~ in model paths', () => {
    const settings = toServerSettings(
      { modelPath: '${workspaceFolder}/models/enc', summarizerPath: '~/sum' },
      { workspaceFolder: '/repo', home: '/home/me' },
    );
    assert.strictEqual(settings.modelPath, '/repo/models/enc');
    assert.strictEqual(settings.summarizerPath, '/home/me/sum');
  });

  it('treats a missing section as no settings', () => {
    assert.deepStrictEqual(toServerSettings(undefined), {});
    assert.deepStrictEqual(toServerSettings(null), {});
  });
});

describe('expandPath', () => {
  const context = { workspaceFolder: '/ws', home: '/home/u', env: { VENV: '/opt/venv' } };
  it('expands variables', () => {
    assert.strictEqual(expandPath('${workspaceFolder}/.venv/bin/python', context), '/ws/.venv/bin/python');
    assert.strictEqual(expandPath('${userHome}/x', context), '/home/u/x');
    assert.strictEqual(expandPath('${env:VENV}/bin/python', context), '/opt/venv/bin/python');
    assert.strictEqual(expandPath('${env:MISSING}python', context), 'python');
    assert.strictEqual(expandPath('~/bin/python', context), '/home/u/bin/python');
  });
  it('leaves what it cannot expand', () => {
    assert.strictEqual(expandPath('${workspaceFolder}/py', {}), '${workspaceFolder}/py');
    assert.strictEqual(expandPath('a~b', context), 'a~b');
  });
});

describe('serverCommand', () => {
  it('runs the server module with the configured interpreter', () => {
    assert.deepStrictEqual(serverCommand('/venv/bin/python', []), {
      command: '/venv/bin/python',
      args: ['-m', 'leancode.server'],
    });
  });
  it('defaults to python3 and appends extra arguments', () => {
    assert.deepStrictEqual(serverCommand('', ['--log-file', '${workspaceFolder}/lc.log', 3], { workspaceFolder: '/w' }, 'linux'), {
      command: 'python3',
      args: ['-m', 'leancode.server', '--log-file', '/w/lc.log'],
    });
    assert.deepStrictEqual(serverCommand(undefined, undefined, {}, 'linux').command, 'python3');
  });
  it('defaults to python on Windows, where python3 is often the Store stub', () => {
    assert.strictEqual(serverCommand(undefined, undefined, {}, 'win32').command, 'python');
    assert.strictEqual(serverCommand('C:\\py\\python.exe', undefined, {}, 'win32').command, 'C:\\py\\python.exe');
  });
  it('expands the interpreter path', () => {
    assert.strictEqual(
      serverCommand('${workspaceFolder}/.venv/bin/python', [], { workspaceFolder: '/w' }).command,
      '/w/.venv/bin/python',
    );
  });
});
