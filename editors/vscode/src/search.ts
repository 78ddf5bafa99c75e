// The `leancode.search` command: arguments, result parsing and QuickPick formatting.
// Pure module: no `vscode` import, so it is unit-tested without VS Code.
import * as fs from 'fs';
import * as path from 'path';
import { fileURLToPath } from 'url';

/** The server command behind "LeanCode: Search Workspace". */
export const SEARCH_COMMAND = 'leancode.search';
export const DEFAULT_TOP = 20;
export const MAX_TOP = 200;
const PREVIEW_LENGTH = 160;

export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

/** One result of `leancode.search`, as the server sends it. */
export interface SearchResult {
  uri: string;
  range: Range;
  name: string;
  score: number;
  preview: string;
  /**
   * Set when the hit's file was deleted or changed since indexing (`"stale": true`; the server may also say
   * which, as `"deleted"` or `"changed"`); absent otherwise.
   */
  stale?: true | StaleReason;
}

/** Why a hit may point at nothing or at the wrong lines: its file since indexing. */
export type StaleReason = 'deleted' | 'changed';

export interface SearchArguments {
  query: string;
  top: number;
}

/** The workspace/executeCommand params for a query, or undefined for an empty query. */
export function buildSearchParams(
  query: string | undefined,
  top: unknown = DEFAULT_TOP,
): { command: string; arguments: [SearchArguments] } | undefined {
  const trimmed = (query ?? '').trim();
  if (trimmed.length === 0) {
    return undefined;
  }
  let count = typeof top === 'number' && Number.isFinite(top) ? Math.floor(top) : DEFAULT_TOP;
  count = Math.min(MAX_TOP, Math.max(1, count));
  return { command: SEARCH_COMMAND, arguments: [{ query: trimmed, top: count }] };
}

function isPosition(value: unknown): value is Position {
  const p = value as Position;
  return (
    typeof p === 'object' &&
    p !== null &&
    Number.isInteger(p.line) &&
    p.line >= 0 &&
    Number.isInteger(p.character) &&
    p.character >= 0
  );
}

function isRange(value: unknown): value is Range {
  const r = value as Range;
  return typeof r === 'object' && r !== null && isPosition(r.start) && isPosition(r.end);
}

/**
 * Validate the server's answer: a list of results. Malformed entries are dropped (a
 * missing name, preview or score is tolerated); anything that is not a list is no result.
 */
export function parseSearchResults(raw: unknown): SearchResult[] {
  if (!Array.isArray(raw)) {
    return [];
  }
  const results: SearchResult[] = [];
  for (const item of raw) {
    if (typeof item !== 'object' || item === null) {
      continue;
    }
    const entry = item as Record<string, unknown>;
    if (typeof entry.uri !== 'string' || entry.uri.length === 0 || !isRange(entry.range)) {
      continue;
    }
    results.push({
      uri: entry.uri,
      range: entry.range,
      name: typeof entry.name === 'string' && entry.name.length > 0 ? entry.name : '(anonymous)',
      score: typeof entry.score === 'number' && Number.isFinite(entry.score) ? entry.score : Number.NaN,
      preview: typeof entry.preview === 'string' ? entry.preview : '',
      ...(entry.stale === true || entry.stale === 'deleted' || entry.stale === 'changed' ? { stale: entry.stale } : {}),
    });
  }
  return results;
}

export interface WorkspaceFolderInfo {
  name: string;
  /** The folder's URI, as a string (`file:///...`). */
  uri: string;
}

function uriToFsPath(uri: string): string | undefined {
  if (!uri.startsWith('file:')) {
    return undefined;
  }
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

/**
 * The path shown for a result: relative to its workspace folder (prefixed with the
 * folder's name when the workspace has several), else the absolute path, else the URI.
 */
export function displayPath(uri: string, folders: readonly WorkspaceFolderInfo[] = []): string {
  const file = uriToFsPath(uri);
  if (file === undefined) {
    return uri;
  }
  let best: { folder: WorkspaceFolderInfo; relative: string } | undefined;
  for (const folder of folders) {
    const root = uriToFsPath(folder.uri);
    if (root === undefined) {
      continue;
    }
    const relative = path.relative(root, file);
    if (relative.length === 0 || relative.startsWith('..') || path.isAbsolute(relative)) {
      continue;
    }
    if (!best || relative.length < best.relative.length) {
      best = { folder, relative };
    }
  }
  if (!best) {
    return file;
  }
  const relative = best.relative.split(path.sep).join('/');
  return folders.length > 1 ? `${best.folder.name}/${relative}` : relative;
}

/** Collapse whitespace and cut a preview to one short line. */
export function shortPreview(preview: string, length: number = PREVIEW_LENGTH): string {
  const line = preview.replace(/\s+/g, ' ').trim();
  return line.length > length ? `${line.slice(0, length - 1)}…` : line;
}

export function formatScore(score: number): string {
  return Number.isFinite(score) ? score.toFixed(3) : '?';
}

/**
 * Whether the file of a URI exists now. Without one, a bare `"stale": true` reads as a deleted file
 * (the only kind the server marks so far).
 */
export type FileExists = (uri: string) => boolean;

/** Whether the file of a `file:` URI exists on this machine (`true` for another scheme: not checked). */
export function localFileExists(uri: string): boolean {
  const file = uriToFsPath(uri);
  return file === undefined || fs.existsSync(file);
}

/** Why a stale hit is stale: the server's word, else deleted or changed as its file exists now. */
export function staleReason(result: SearchResult, fileExists?: FileExists): StaleReason | undefined {
  if (result.stale === undefined) {
    return undefined;
  }
  if (result.stale !== true) {
    return result.stale;
  }
  return fileExists?.(result.uri) ? 'changed' : 'deleted';
}

/** The note on a stale hit, worded as `leancode search` prints it: `(file deleted since indexing)`. */
export function staleNote(reason: StaleReason): string {
  return `(file ${reason} since indexing)`;
}

/** What to say instead of opening a hit whose file is gone: `LeanCode: cannot open f: a.py:3 (file deleted ...)`. */
export function missingFileMessage(result: SearchResult, folders: readonly WorkspaceFolderInfo[] = []): string {
  const where = `${displayPath(result.uri, folders)}:${result.range.start.line + 1}`;
  return `LeanCode: cannot open ${result.name}: ${where} ${staleNote('deleted')}.`;
}

export interface ResultItem {
  label: string;
  description: string;
  detail: string;
  result: SearchResult;
}

/**
 * A QuickPick item: the name, `path:line` (1-based) with a note when the file was deleted or changed
 * since indexing, and the score with a preview.
 */
export function formatResult(
  result: SearchResult,
  folders: readonly WorkspaceFolderInfo[] = [],
  fileExists?: FileExists,
): ResultItem {
  const preview = shortPreview(result.preview);
  const reason = staleReason(result, fileExists);
  const where = `${displayPath(result.uri, folders)}:${result.range.start.line + 1}`;
  return {
    label: result.name,
    description: reason ? `${where} ${staleNote(reason)}` : where,
    detail: preview.length > 0 ? `${formatScore(result.score)}  ${preview}` : formatScore(result.score),
    result,
  };
}

export function formatResults(
  raw: unknown,
  folders: readonly WorkspaceFolderInfo[] = [],
  fileExists?: FileExists,
): ResultItem[] {
  return parseSearchResults(raw).map((result) => formatResult(result, folders, fileExists));
}
