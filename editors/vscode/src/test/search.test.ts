import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import {
  buildSearchParams,
  displayPath,
  formatResult,
  formatResults,
  localFileExists,
  missingFileMessage,
  parseSearchResults,
  shortPreview,
  type SearchResult,
} from '../search';

const root = '/home/me/project';
const rootUri = pathToFileURL(root).toString();
const fileUri = (relative: string) => pathToFileURL(`${root}/${relative}`).toString();

function result(overrides: Partial<SearchResult> = {}): SearchResult {
  return {
    uri: fileUri('pkg/config.py'),
    range: { start: { line: 41, character: 0 }, end: { line: 60, character: 10 } },
    name: 'load_config',
    score: 0.81234,
    preview: 'def load_config(path):\n    """Read the config file."""\n    ...',
    ...overrides,
  };
}

describe('buildSearchParams', () => {
  it('builds the executeCommand params with a trimmed query and top', () => {
    assert.deepStrictEqual(buildSearchParams('  parse the config  ', 15), {
      command: 'leancode.search',
      arguments: [{ query: 'parse the config', top: 15 }],
    });
  });
  it('returns undefined for an empty or cancelled query', () => {
    assert.strictEqual(buildSearchParams(undefined), undefined);
    assert.strictEqual(buildSearchParams('   '), undefined);
  });
  it('bounds top to 1..200 with a default of 20', () => {
    assert.strictEqual(buildSearchParams('q', undefined)!.arguments[0].top, 20);
    assert.strictEqual(buildSearchParams('q', 'many')!.arguments[0].top, 20);
    assert.strictEqual(buildSearchParams('q', 0)!.arguments[0].top, 1);
    assert.strictEqual(buildSearchParams('q', 5000)!.arguments[0].top, 200);
    assert.strictEqual(buildSearchParams('q', 7.9)!.arguments[0].top, 7);
  });
});

describe('parseSearchResults', () => {
  it('keeps well-formed results in order', () => {
    const raw = [result(), result({ name: 'save_config', score: 0.5 })];
    assert.deepStrictEqual(parseSearchResults(raw), raw);
  });
  it('drops malformed entries and tolerates missing optional fields', () => {
    const parsed = parseSearchResults([
      null,
      'text',
      { uri: fileUri('a.py') },
      { uri: fileUri('a.py'), range: { start: { line: -1, character: 0 }, end: { line: 0, character: 0 } } },
      { uri: fileUri('b.py'), range: { start: { line: 2, character: 4 }, end: { line: 3, character: 0 } } },
    ]);
    assert.strictEqual(parsed.length, 1);
    assert.strictEqual(parsed[0].name, '(anonymous)');
    assert.strictEqual(parsed[0].preview, '');
    assert.ok(Number.isNaN(parsed[0].score));
  });
  it('treats a non-list answer as no results', () => {
    assert.deepStrictEqual(parseSearchResults(null), []);
    assert.deepStrictEqual(parseSearchResults({ results: [] }), []);
  });
});

describe('displayPath', () => {
  it('is relative to the single workspace folder', () => {
    assert.strictEqual(displayPath(fileUri('pkg/config.py'), [{ name: 'project', uri: rootUri }]), 'pkg/config.py');
  });
  it('is prefixed with the folder name in a multi-root workspace', () => {
    const folders = [
      { name: 'other', uri: pathToFileURL('/srv/other').toString() },
      { name: 'project', uri: rootUri },
    ];
    assert.strictEqual(displayPath(fileUri('pkg/config.py'), folders), 'project/pkg/config.py');
  });
  it('picks the innermost folder of nested roots', () => {
    const folders = [
      { name: 'project', uri: rootUri },
      { name: 'pkg', uri: fileUri('pkg') },
    ];
    assert.strictEqual(displayPath(fileUri('pkg/config.py'), folders), 'pkg/config.py');
  });
  it('falls back to the absolute path, or the URI for other schemes', () => {
    assert.strictEqual(displayPath(pathToFileURL('/tmp/x.py').toString(), [{ name: 'p', uri: rootUri }]), '/tmp/x.py');
    assert.strictEqual(displayPath('untitled:Untitled-1', []), 'untitled:Untitled-1');
  });
  it('decodes escaped characters', () => {
    assert.strictEqual(
      displayPath(pathToFileURL(`${root}/my dir/ü.py`).toString(), [{ name: 'p', uri: rootUri }]),
      'my dir/ü.py',
    );
  });
});

describe('formatResult', () => {
  it('shows the name, path:line (1-based), score and one-line preview', () => {
    const item = formatResult(result(), [{ name: 'project', uri: rootUri }]);
    assert.strictEqual(item.label, 'load_config');
    assert.strictEqual(item.description, 'pkg/config.py:42');
    assert.strictEqual(item.detail, '0.812  def load_config(path): """Read the config file.""" ...');
    assert.deepStrictEqual(item.result, result());
  });
  it('shows only the score without a preview', () => {
    assert.strictEqual(formatResult(result({ preview: '' })).detail, '0.812');
    assert.strictEqual(formatResult(result({ preview: '', score: Number.NaN })).detail, '?');
  });
  it('formats a whole answer', () => {
    const items = formatResults([result(), { bad: true }, result({ name: 'b' })]);
    assert.deepStrictEqual(
      items.map((item) => item.label),
      ['load_config', 'b'],
    );
  });
});

describe('a hit whose file was deleted or changed since indexing', () => {
  const folders = [{ name: 'project', uri: rootUri }];
  it('keeps the server\'s stale mark, and no mark for a fresh hit or a malformed one', () => {
    const [stale, fresh, odd, named] = parseSearchResults([
      { ...result(), stale: true },
      { ...result(), stale: false },
      { ...result(), stale: 'yes' },
      { ...result(), stale: 'changed' },
    ]);
    assert.strictEqual(stale.stale, true);
    assert.deepStrictEqual(fresh, result());
    assert.deepStrictEqual(odd, result());
    assert.strictEqual(named.stale, 'changed');
  });
  it('is marked as `leancode search` marks it: deleted when its file is gone, else changed', () => {
    const stale = result({ stale: true });
    const gone = () => false;
    const there = () => true;
    assert.strictEqual(formatResult(stale, folders, gone).description, 'pkg/config.py:42 (file deleted since indexing)');
    assert.strictEqual(formatResult(stale, folders, there).description, 'pkg/config.py:42 (file changed since indexing)');
    assert.strictEqual(formatResult(stale, folders).description, 'pkg/config.py:42 (file deleted since indexing)');
    assert.strictEqual(
      formatResult(result({ stale: 'changed' }), folders, gone).description,
      'pkg/config.py:42 (file changed since indexing)',
    );
    assert.strictEqual(formatResult(result(), folders, gone).description, 'pkg/config.py:42');
    const items = formatResults([{ ...result(), stale: true }, { ...result(), stale: false }], folders, gone);
    assert.deepStrictEqual(
      items.map((item) => item.description),
      ['pkg/config.py:42 (file deleted since indexing)', 'pkg/config.py:42'],
    );
  });
  it('checks a file: URI on disk, and leaves other schemes to VS Code', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'leancode-stale-'));
    try {
      const file = path.join(dir, 'kept.py');
      fs.writeFileSync(file, 'def f():\n    pass\n');
      assert.strictEqual(localFileExists(pathToFileURL(file).toString()), true);
      assert.strictEqual(localFileExists(pathToFileURL(path.join(dir, 'gone.py')).toString()), false);
      assert.strictEqual(localFileExists('vscode-remote://ssh-remote+box/src/a.py'), true);
      const items = formatResults(
        [
          { ...result({ uri: pathToFileURL(file).toString() }), stale: true },
          { ...result({ uri: pathToFileURL(path.join(dir, 'gone.py')).toString() }), stale: true },
        ],
        [{ name: 'tmp', uri: pathToFileURL(dir).toString() }],
        localFileExists,
      );
      assert.deepStrictEqual(
        items.map((item) => item.description),
        ['kept.py:42 (file changed since indexing)', 'gone.py:42 (file deleted since indexing)'],
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
  it('says why a deleted file does not open', () => {
    assert.strictEqual(
      missingFileMessage(result({ stale: true }), folders),
      'LeanCode: cannot open load_config: pkg/config.py:42 (file deleted since indexing).',
    );
  });
});

describe('shortPreview', () => {
  it('cuts long previews with an ellipsis', () => {
    const preview = shortPreview('x'.repeat(500), 20);
    assert.strictEqual(preview.length, 20);
    assert.ok(preview.endsWith('…'));
  });
});
