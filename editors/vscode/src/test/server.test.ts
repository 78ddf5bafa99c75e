// The extension's protocol logic against the real server, without VS Code: the same
// initializationOptions (from package.json's defaults), workspace/configuration answers,
// work-done progress tracking and leancode.search arguments and formatting the extension
// uses, over vscode-languageserver-protocol (what vscode-languageclient runs on).
// Skipped when the interpreter cannot import leancode.server (set LEANCODE_PYTHON).
import * as assert from 'assert';
import { spawn, spawnSync, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import {
  ConfigurationRequest,
  createProtocolConnection,
  ExecuteCommandRequest,
  ExitNotification,
  HoverRequest,
  InitializedNotification,
  InitializeRequest,
  LogMessageNotification,
  MessageType,
  ShowMessageNotification,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  WorkDoneProgress,
  WorkDoneProgressCreateRequest,
  type ProtocolConnection,
} from 'vscode-languageserver-protocol/node';
import { ProgressTracker, type WorkDoneProgressValue } from '../progress';
import { buildSearchParams, formatResults } from '../search';
import { serverCommand, toServerSettings } from '../settings';

const root = path.resolve(__dirname, '..', '..');
const repoVenvPython = path.resolve(root, '..', '..', '.venv', 'bin', 'python');

function python(): string {
  if (process.env.LEANCODE_PYTHON) {
    return process.env.LEANCODE_PYTHON;
  }
  return fs.existsSync(repoVenvPython) ? repoVenvPython : 'python3';
}

/** The `leancode` section as VS Code returns it with every setting at its default. */
function defaultSection(): Record<string, unknown> {
  const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const section: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries<{ default: unknown }>(manifest.contributes.configuration.properties)) {
    const name = key.slice('leancode.'.length);
    if (!name.includes('.')) {
      section[name] = schema.default;
    }
  }
  return section;
}

const GCD = `def gcd(a, b):
    """Greatest common divisor of two integers (Euclid)."""
    while b:
        a, b = b, a % b
    return abs(a)


def quote(s):
    """Return a shell-escaped version of the string *s*."""
    if not s:
        return "''"
    return "'" + s.replace("'", "'\\"'\\"'") + "'"
`;

describe('the real server, driven like the extension drives it', function () {
  this.timeout(240000);
  let workspace: string;
  let child: ChildProcess;
  let connection: ProtocolConnection;
  const tracker = new ProgressTracker();
  const errors: string[] = [];
  let progressEnded: Promise<void>;

  before(async function () {
    const interpreter = python();
    const probe = spawnSync(interpreter, ['-c', 'import leancode.server.__main__'], { encoding: 'utf8' });
    if (probe.status !== 0) {
      this.skip();
    }
    workspace = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'leancode-vscode-')));
    fs.writeFileSync(path.join(workspace, 'mathutils.py'), GCD);
    fs.mkdirSync(path.join(workspace, '.git'));
    const { command, args } = serverCommand(interpreter, [], { workspaceFolder: workspace });
    child = spawn(command, args, {
      cwd: workspace,
      env: { ...process.env, HF_HUB_OFFLINE: '1', TRANSFORMERS_OFFLINE: '1' },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    connection = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    let ended!: () => void;
    progressEnded = new Promise((resolve) => (ended = resolve));
    connection.onRequest(WorkDoneProgressCreateRequest.type, ({ token }) => {
      connection.onProgress(WorkDoneProgress.type, token, (value) => {
        tracker.update(token, value as WorkDoneProgressValue);
        if (value.kind === 'end') {
          ended();
        }
      });
      return null;
    });
    connection.onRequest(ConfigurationRequest.type, (params) =>
      params.items.map((item) => (item.section === 'leancode' ? toServerSettings(defaultSection()) : null)),
    );
    connection.onNotification(ShowMessageNotification.type, ({ type, message }) => {
      if (type === MessageType.Error) {
        errors.push(message);
      }
    });
    connection.onNotification(LogMessageNotification.type, () => undefined);
    connection.listen();
    const folderUri = pathToFileURL(workspace).toString();
    const initialized = await connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: folderUri,
      workspaceFolders: [{ uri: folderUri, name: 'ws' }],
      capabilities: { window: { workDoneProgress: true }, workspace: { configuration: true, workspaceFolders: true } },
      initializationOptions: toServerSettings(defaultSection()),
    });
    assert.ok(initialized.capabilities.executeCommandProvider?.commands?.includes('leancode.search'));
    await connection.sendNotification(InitializedNotification.type, {});
  });

  after(async function () {
    if (!connection) {
      return;
    }
    await connection.sendRequest(ShutdownRequest.type).catch(() => undefined);
    await connection.sendNotification(ExitNotification.type).catch(() => undefined);
    connection.dispose();
    child.kill();
    fs.rmSync(workspace, { recursive: true, force: true });
  });

  it('indexes with work-done progress the status bar follows', async () => {
    await progressEnded;
    assert.strictEqual(tracker.active, false);
    assert.deepStrictEqual(errors, []);
  });

  it('answers leancode.search with results the QuickPick shows', async () => {
    const params = buildSearchParams('greatest common divisor of two numbers', 5)!;
    const raw = await connection.sendRequest(ExecuteCommandRequest.type, params);
    const items = formatResults(raw, [{ name: 'ws', uri: pathToFileURL(workspace).toString() }]);
    assert.ok(items.length >= 2, JSON.stringify(raw));
    assert.strictEqual(items[0].label, 'gcd');
    assert.strictEqual(items[0].description, 'mathutils.py:1');
    assert.match(items[0].detail, /^\d\.\d{3} {2}/);
  });

  it('answers hover on a definition', async () => {
    const hover = await connection.sendRequest(HoverRequest.type, {
      textDocument: { uri: pathToFileURL(path.join(workspace, 'mathutils.py')).toString() },
      position: { line: 0, character: 4 },
    });
    const contents = hover?.contents as { value?: string } | undefined;
    assert.ok(contents?.value && contents.value.includes('gcd'), JSON.stringify(hover));
  });
});
