// Settings of the LeanCode server and how the extension starts it.
// Pure module: no `vscode` import, so it is unit-tested without VS Code.

/** Simplification methods the server accepts (leancode.simplify.METHODS). */
export const METHODS = [
  'leancode',
  'leancode-global',
  'dietcode',
  'slimcode',
  'random',
  'truncate',
  'none',
] as const;
export type Method = (typeof METHODS)[number];

/** Languages the server can index (leancode.languages.LANGUAGES). */
export const LANGUAGES = ['python', 'java', 'javascript', 'typescript', 'tsx', 'go', 'rust'] as const;

/** VS Code language ids whose documents the server gets (and that activate the extension). */
export const LANGUAGE_IDS = [
  'python',
  'java',
  'javascript',
  'javascriptreact',
  'typescript',
  'typescriptreact',
  'go',
  'rust',
] as const;

/** The largest ratio the settings allow. */
export const MAX_RATIO = 0.9;

/** The configuration section shared by VS Code settings and the server. */
export const SECTION = 'leancode';

/** The Python module that runs the server (stdio by default). */
export const SERVER_MODULE = 'leancode.server';

/** The settings the server reads (initializationOptions and workspace/configuration). */
export interface ServerSettings {
  method?: Method;
  ratio?: number | null;
  summaryRatio?: number;
  modelPath?: string | null;
  summarizerPath?: string | null;
  searchIndex?: string | null;
  table?: string | null;
  languages?: string[];
  exclude?: string[];
  showSimplified?: boolean;
  generatedSummaries?: boolean;
  hybrid?: boolean;
  top?: number;
  debounceMs?: number;
  indexOnStartup?: boolean;
  threads?: number | null;
}

export const SERVER_SETTING_KEYS: readonly (keyof ServerSettings)[] = [
  'method',
  'ratio',
  'summaryRatio',
  'modelPath',
  'summarizerPath',
  'searchIndex',
  'table',
  'languages',
  'exclude',
  'showSimplified',
  'generatedSummaries',
  'hybrid',
  'top',
  'debounceMs',
  'indexOnStartup',
  'threads',
];

/** Settings only the client reads: never sent to the server. */
export const CLIENT_SETTING_KEYS = ['pythonPath', 'serverArgs', 'trace.server'] as const;

/** The most results the server returns. */
export const MAX_TOP = 200;

/** Values used to expand `${workspaceFolder}`, `${userHome}`, `${env:NAME}` and a leading `~`. */
export interface ExpansionContext {
  workspaceFolder?: string;
  home?: string;
  env?: Record<string, string | undefined>;
}

function stringList(value: unknown): string[] | undefined {
  if (!Array.isArray(value)) {
    return undefined;
  }
  const items = value
    .filter((item): item is string => typeof item === 'string')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
  return items.length > 0 ? Array.from(new Set(items)) : undefined;
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim().length > 0 ? value.trim() : undefined;
}

/**
 * Map the raw `leancode` configuration section (as VS Code returns it) to the settings
 * the server reads. Client-only keys are dropped; an empty (or null) path, ratio, list or thread
 * count is sent as null or [], the server's default, so resetting a setting reaches a running
 * server (which applies each message over its current settings); a ratio outside 0..0.9 is
 * clamped; an unknown method or language is left out rather than sent.
 */
export function toServerSettings(
  raw: Record<string, unknown> | undefined | null,
  context: ExpansionContext = {},
): ServerSettings {
  const settings: ServerSettings = {};
  if (!raw || typeof raw !== 'object') {
    return settings;
  }
  if (typeof raw.method === 'string' && (METHODS as readonly string[]).includes(raw.method)) {
    settings.method = raw.method as Method;
  }
  if (typeof raw.ratio === 'number' && Number.isFinite(raw.ratio)) {
    settings.ratio = Math.min(MAX_RATIO, Math.max(0, raw.ratio));
  } else if (raw.ratio === null) {
    settings.ratio = null; // the per-language defaults
  }
  if (typeof raw.summaryRatio === 'number' && Number.isFinite(raw.summaryRatio)) {
    settings.summaryRatio = Math.min(MAX_RATIO, Math.max(0, raw.summaryRatio));
  }
  for (const key of ['modelPath', 'summarizerPath', 'searchIndex', 'table'] as const) {
    const path = nonEmptyString(raw[key]);
    if (path !== undefined) {
      settings[key] = expandPath(path, context);
    } else if (key in raw && (raw[key] === null || typeof raw[key] === 'string')) {
      settings[key] = null; // emptied: the shipped model or tables, no shared index
    }
  }
  const languages = stringList(raw.languages)?.filter((language) =>
    (LANGUAGES as readonly string[]).includes(language),
  );
  if (languages && languages.length > 0) {
    settings.languages = languages;
  } else if (Array.isArray(raw.languages)) {
    settings.languages = []; // every language
  }
  const exclude = stringList(raw.exclude);
  if (exclude) {
    settings.exclude = exclude;
  } else if (Array.isArray(raw.exclude)) {
    settings.exclude = [];
  }
  for (const key of ['showSimplified', 'generatedSummaries', 'hybrid', 'indexOnStartup'] as const) {
    if (typeof raw[key] === 'boolean') {
      settings[key] = raw[key] as boolean;
    }
  }
  if (Number.isInteger(raw.top) && (raw.top as number) >= 1) {
    settings.top = Math.min(MAX_TOP, raw.top as number);
  }
  if (Number.isInteger(raw.debounceMs) && (raw.debounceMs as number) >= 0) {
    settings.debounceMs = raw.debounceMs as number;
  }
  if (Number.isInteger(raw.threads) && (raw.threads as number) >= 1) {
    settings.threads = raw.threads as number;
  } else if (raw.threads === null) {
    settings.threads = null; // one per CPU
  }
  return settings;
}

/** Expand `${workspaceFolder}`, `${userHome}`, `${env:NAME}` and a leading `~` in a path setting. */
export function expandPath(value: string, context: ExpansionContext = {}): string {
  let result = value.replace(/\$\{(workspaceFolder|userHome|env:([A-Za-z_][A-Za-z0-9_]*))\}/g, (match, name, envName) => {
    if (name === 'workspaceFolder') {
      return context.workspaceFolder ?? match;
    }
    if (name === 'userHome') {
      return context.home ?? match;
    }
    return context.env?.[envName] ?? '';
  });
  if (context.home && (result === '~' || result.startsWith('~/') || result.startsWith('~\\'))) {
    result = context.home + result.slice(1);
  }
  return result;
}

export interface ServerCommand {
  command: string;
  args: string[];
}

/** The interpreter when none is set: `python` on Windows, where `python3` is often the Store's installer stub. */
export function defaultPython(platform: string = process.platform): string {
  return platform === 'win32' ? 'python' : 'python3';
}

/** The process that runs the server: `<pythonPath> -m leancode.server [serverArgs...]`. */
export function serverCommand(
  pythonPath: unknown,
  serverArgs: unknown,
  context: ExpansionContext = {},
  platform: string = process.platform,
): ServerCommand {
  const python = nonEmptyString(pythonPath) ?? defaultPython(platform);
  const extra = Array.isArray(serverArgs)
    ? serverArgs.filter((arg): arg is string => typeof arg === 'string' && arg.length > 0)
    : [];
  return {
    command: expandPath(python, context),
    args: ['-m', SERVER_MODULE, ...extra.map((arg) => expandPath(arg, context))],
  };
}

/** Answer a workspace/configuration item for the `leancode` section with server settings. */
export function isServerSection(section: string | undefined): boolean {
  return section === SECTION;
}
