// LeanCode for VS Code: starts `python -m leancode.server` over stdio with
// vscode-languageclient, adds "LeanCode: Search Workspace" and an indexing status-bar item.
// Hover and workspace/symbol need no code here: vscode-languageclient wires them up.
import * as os from 'os';
import * as vscode from 'vscode';
import {
  DidChangeConfigurationNotification,
  ExecuteCommandRequest,
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  State,
  StaticFeature,
  WorkDoneProgress,
  WorkDoneProgressCancelNotification,
  WorkDoneProgressCreateRequest,
  type ClientCapabilities,
  type FeatureState,
  type ProgressToken,
} from 'vscode-languageclient/node';
import { ProgressTracker, type WorkDoneProgressValue } from './progress';
import {
  buildSearchParams,
  formatResults,
  localFileExists,
  missingFileMessage,
  type ResultItem,
  type WorkspaceFolderInfo,
} from './search';
import { LANGUAGE_IDS, SECTION, SERVER_MODULE, serverCommand, toServerSettings, type ExpansionContext } from './settings';

const RESTART_SETTINGS = ['pythonPath', 'serverArgs'].map((key) => `${SECTION}.${key}`);

let client: LanguageClient | undefined;
let starting: Promise<LanguageClient | undefined> | undefined;
let outputChannel: vscode.OutputChannel;
let statusItem: vscode.StatusBarItem;
const tracker = new ProgressTracker();
const progressListeners = new Map<ProgressToken, vscode.Disposable>();
let lastQuery = '';

function expansionContext(): ExpansionContext {
  return {
    workspaceFolder: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath,
    home: os.homedir(),
    env: process.env,
  };
}

function rawSection(scope?: vscode.ConfigurationScope): Record<string, unknown> {
  const config = vscode.workspace.getConfiguration(SECTION, scope);
  // A WorkspaceConfiguration is a proxy with methods: copy the plain values out.
  return JSON.parse(JSON.stringify(config)) as Record<string, unknown>;
}

function workspaceFolders(): WorkspaceFolderInfo[] {
  return (vscode.workspace.workspaceFolders ?? []).map((folder) => ({
    name: folder.name,
    uri: folder.uri.toString(),
  }));
}

function renderStatus(): void {
  const text = tracker.statusText();
  void vscode.commands.executeCommand('setContext', 'leancode.indexing', tracker.active);
  if (text === undefined) {
    statusItem.hide();
    return;
  }
  statusItem.text = text;
  statusItem.tooltip = tracker.tooltip();
  statusItem.command = tracker.cancellableTokens().length > 0 ? 'leancode.cancelIndexing' : 'leancode.showOutput';
  statusItem.show();
}

function forgetProgress(token: ProgressToken): void {
  progressListeners.get(token)?.dispose();
  progressListeners.delete(token);
  tracker.remove(token);
}

function clearProgress(): void {
  for (const listener of progressListeners.values()) {
    listener.dispose();
  }
  progressListeners.clear();
  tracker.clear();
  if (statusItem) {
    renderStatus();
  }
}

/**
 * Server-initiated work-done progress drives the status-bar item. The feature is
 * registered after vscode-languageclient's own ProgressFeature, so its
 * `window/workDoneProgress/create` handler takes over (one handler per method); the
 * `$/progress` values of each created token then update the tracker.
 */
class StatusBarProgressFeature implements StaticFeature {
  constructor(private readonly languageClient: LanguageClient) {}

  getState(): FeatureState {
    return { kind: 'static' };
  }

  fillClientCapabilities(capabilities: ClientCapabilities): void {
    capabilities.window = capabilities.window ?? {};
    capabilities.window.workDoneProgress = true;
  }

  initialize(): void {
    this.languageClient.onRequest(WorkDoneProgressCreateRequest.type, ({ token }) => {
      forgetProgress(token);
      const listener = this.languageClient.onProgress(WorkDoneProgress.type, token, (value) => {
        tracker.update(token, value as WorkDoneProgressValue);
        if (value.kind === 'end') {
          forgetProgress(token);
        }
        renderStatus();
      });
      progressListeners.set(token, listener);
    });
  }

  clear(): void {
    clearProgress();
  }
}

/** `leancode.pythonPath` when the user set it, else the Python extension's active interpreter, if any. */
async function pythonPath(): Promise<string | undefined> {
  const inspected = vscode.workspace.getConfiguration(SECTION).inspect<string>('pythonPath');
  const chosen = inspected?.workspaceFolderValue ?? inspected?.workspaceValue ?? inspected?.globalValue;
  if (chosen) {
    return chosen;
  }
  try {
    const python = vscode.extensions.getExtension('ms-python.python');
    const api = python && (python.isActive ? python.exports : await python.activate());
    const active = api?.environments?.getActiveEnvironmentPath?.(vscode.workspace.workspaceFolders?.[0]?.uri);
    if (typeof active?.path === 'string' && active.path.length > 0) {
      outputChannel.appendLine(`Using the Python extension's interpreter ${active.path} (leancode.pythonPath is not set)`);
      return active.path;
    }
  } catch (error) {
    outputChannel.appendLine(`The Python extension gave no interpreter: ${String(error)}`);
  }
  return undefined; // serverCommand's default: python3 (python on Windows)
}

function createClient(python: string | undefined): LanguageClient {
  const config = vscode.workspace.getConfiguration(SECTION);
  const context = expansionContext();
  const { command, args } = serverCommand(python, config.get('serverArgs'), context);
  const serverOptions: ServerOptions = {
    command,
    args,
    options: { cwd: context.workspaceFolder, env: { ...process.env, PYTHONUNBUFFERED: '1' } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: LANGUAGE_IDS.map((language) => ({ scheme: 'file', language })),
    initializationOptions: toServerSettings(rawSection(), context),
    outputChannel,
    traceOutputChannel: outputChannel,
    middleware: {
      workspace: {
        // The server pulls the `leancode` section: answer with the same mapping as the
        // initialization options (client-only keys dropped, empty values left out).
        configuration: async (params, token, next) => {
          const result = await next(params, token);
          if (!Array.isArray(result)) {
            return result;
          }
          return params.items.map((item, index) => {
            if (item.section !== SECTION) {
              return result[index];
            }
            const scope = item.scopeUri ? vscode.Uri.parse(item.scopeUri) : undefined;
            return toServerSettings(rawSection(scope), expansionContext());
          });
        },
      },
    },
  };
  const languageClient = new LanguageClient('leancode', 'LeanCode', serverOptions, clientOptions);
  languageClient.registerFeature(new StatusBarProgressFeature(languageClient));
  outputChannel.appendLine(`Starting ${command} ${args.join(' ')}`);
  return languageClient;
}

async function startClient(): Promise<LanguageClient | undefined> {
  if (client && client.state === State.Stopped) {
    await stopClient(); // the server died and the client gave up restarting it: start a fresh one
  }
  if (client) {
    return client;
  }
  if (!starting) {
    starting = (async () => {
      const python = await pythonPath();
      const languageClient = createClient(python);
      try {
        await languageClient.start();
        client = languageClient;
        return client;
      } catch (error) {
        const command = serverCommand(python, [], expansionContext()).command;
        outputChannel.appendLine(`Could not start the LeanCode server: ${String(error)}`);
        void languageClient.dispose().catch(() => undefined);
        const choice = await vscode.window.showErrorMessage(
          `LeanCode: could not start \`${command} -m ${SERVER_MODULE}\`. Install LeanCode for that interpreter ` +
            `(\`${command} -m pip install -e /path/to/leancode\`, a checkout of the LeanCode repository) ` +
            'or set leancode.pythonPath to one that has it.',
          'Open Settings',
          'Show Output',
        );
        if (choice === 'Open Settings') {
          void vscode.commands.executeCommand('workbench.action.openSettings', `${SECTION}.pythonPath`);
        } else if (choice === 'Show Output') {
          outputChannel.show();
        }
        return undefined;
      } finally {
        starting = undefined;
      }
    })();
  }
  return starting;
}

async function stopClient(): Promise<void> {
  const running = client;
  client = undefined;
  clearProgress();
  if (running) {
    await running.stop().catch((error) => outputChannel.appendLine(`Stopping the server: ${String(error)}`));
  }
}

async function restartClient(): Promise<void> {
  await starting;
  await stopClient();
  await startClient();
}

async function openResult(item: ResultItem, languageClient: LanguageClient, preview: boolean): Promise<void> {
  if (!localFileExists(item.result.uri)) {
    // A function of an index whose file was deleted since indexing: say so rather than fail to open it.
    void vscode.window.showWarningMessage(missingFileMessage(item.result, workspaceFolders()));
    return;
  }
  const converter = languageClient.protocol2CodeConverter;
  const uri = converter.asUri(item.result.uri);
  const range = converter.asRange(item.result.range);
  const editor = await vscode.window.showTextDocument(uri, {
    selection: new vscode.Range(range.start, range.start),
    preview,
    preserveFocus: preview,
  });
  editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
}

async function searchWorkspace(initialQuery?: unknown): Promise<void> {
  const query =
    typeof initialQuery === 'string'
      ? initialQuery
      : await vscode.window.showInputBox({
          title: 'LeanCode: Search Workspace',
          prompt: 'Describe the code you are looking for',
          placeHolder: 'e.g. parse the config file and fill in defaults',
          value: lastQuery,
        });
  const top = vscode.workspace.getConfiguration(SECTION).get<number>('top');
  const params = buildSearchParams(query, top);
  if (!params) {
    return;
  }
  lastQuery = params.arguments[0].query;
  const languageClient = await startClient();
  if (!languageClient) {
    return;
  }
  let raw: unknown;
  let cancelled = false;
  try {
    raw = await vscode.window.withProgress(
      // A notification with a Cancel button: the first search may wait for the model to load.
      { location: vscode.ProgressLocation.Notification, title: 'LeanCode: searching', cancellable: true },
      (_progress, token) => {
        token.onCancellationRequested(() => (cancelled = true));
        return languageClient.sendRequest(ExecuteCommandRequest.type, params, token);
      },
    );
  } catch (error) {
    if (cancelled) {
      return; // the user's own choice: nothing to report
    }
    void vscode.window.showErrorMessage(`LeanCode search failed: ${error instanceof Error ? error.message : String(error)}`);
    return;
  }
  const items = formatResults(raw, workspaceFolders(), localFileExists);
  if (items.length === 0) {
    void vscode.window.showInformationMessage(`LeanCode: no results for "${lastQuery}".`);
    return;
  }
  const quickPick = vscode.window.createQuickPick<ResultItem>();
  quickPick.title = `LeanCode: ${items.length} results for "${lastQuery}"`;
  quickPick.placeholder = 'Filter the results; Enter opens the location';
  quickPick.matchOnDescription = true;
  quickPick.matchOnDetail = true;
  quickPick.items = items;
  const picked = await new Promise<ResultItem | undefined>((resolve) => {
    quickPick.onDidAccept(() => resolve(quickPick.selectedItems[0]));
    quickPick.onDidHide(() => resolve(undefined));
    quickPick.show();
  });
  quickPick.dispose();
  if (picked) {
    await openResult(picked, languageClient, false);
  }
}

function cancelIndexing(): void {
  const tokens = tracker.cancellableTokens();
  for (const token of tokens) {
    void client?.sendNotification(WorkDoneProgressCancelNotification.type, { token });
    forgetProgress(token);
  }
  renderStatus();
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  outputChannel = vscode.window.createOutputChannel('LeanCode');
  statusItem = vscode.window.createStatusBarItem('leancode.indexing', vscode.StatusBarAlignment.Left, 10);
  statusItem.name = 'LeanCode indexing';
  context.subscriptions.push(
    outputChannel,
    statusItem,
    vscode.commands.registerCommand('leancode.searchWorkspace', searchWorkspace),
    vscode.commands.registerCommand('leancode.restartServer', restartClient),
    vscode.commands.registerCommand('leancode.cancelIndexing', cancelIndexing),
    vscode.commands.registerCommand('leancode.showOutput', () => outputChannel.show()),
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (!event.affectsConfiguration(SECTION)) {
        return;
      }
      if (RESTART_SETTINGS.some((key) => event.affectsConfiguration(key))) {
        await restartClient();
        return;
      }
      // Push the mapped settings; the server may also pull them with workspace/configuration.
      if (client?.isRunning()) {
        const settings = toServerSettings(rawSection(), expansionContext());
        void client.sendNotification(DidChangeConfigurationNotification.type, { settings: { [SECTION]: settings } });
      }
    }),
  );
  // Not awaited: the server loads its models while VS Code carries on.
  void startClient();
}

export async function deactivate(): Promise<void> {
  await stopClient();
}
