// The `leancode.search` command: arguments, result parsing and QuickPick formatting.
// Pure module: no `vscode` import, so it is unit-tested without VS Code.
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
}

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

export interface ResultItem {
  label: string;
  description: string;
  detail: string;
  result: SearchResult;
}

/** A QuickPick item: the name, `path:line` (1-based), and the score with a preview. */
export function formatResult(result: SearchResult, folders: readonly WorkspaceFolderInfo[] = []): ResultItem {
  const preview = shortPreview(result.preview);
  return {
    label: result.name,
    description: `${displayPath(result.uri, folders)}:${result.range.start.line + 1}`,
    detail: preview.length > 0 ? `${formatScore(result.score)}  ${preview}` : formatScore(result.score),
    result,
  };
}

export function formatResults(raw: unknown, folders: readonly WorkspaceFolderInfo[] = []): ResultItem[] {
  return parseSearchResults(raw).map((result) => formatResult(result, folders));
}
