// Work-done progress ($/progress) of the server, tracked per token for the status bar.
// Pure module: no `vscode` import, so it is unit-tested without VS Code.

export interface WorkDoneProgressBegin {
  kind: 'begin';
  title: string;
  cancellable?: boolean;
  message?: string;
  percentage?: number;
}

export interface WorkDoneProgressReport {
  kind: 'report';
  cancellable?: boolean;
  message?: string;
  percentage?: number;
}

export interface WorkDoneProgressEnd {
  kind: 'end';
  message?: string;
}

export type WorkDoneProgressValue = WorkDoneProgressBegin | WorkDoneProgressReport | WorkDoneProgressEnd;
export type ProgressToken = number | string;

interface Task {
  title: string;
  message?: string;
  percentage?: number;
  cancellable: boolean;
}

/** The state of every running work-done progress; the status bar shows the latest one. */
export class ProgressTracker {
  private readonly tasks = new Map<ProgressToken, Task>();

  /** Apply one `$/progress` value; returns true when the status changed. */
  update(token: ProgressToken, value: WorkDoneProgressValue): boolean {
    if (!value || typeof value !== 'object') {
      return false;
    }
    switch (value.kind) {
      case 'begin':
        this.tasks.delete(token);
        this.tasks.set(token, {
          title: value.title || 'Indexing',
          message: value.message,
          percentage: clampPercentage(value.percentage),
          cancellable: value.cancellable === true,
        });
        return true;
      case 'report': {
        const task = this.tasks.get(token);
        if (!task) {
          return false;
        }
        if (value.message !== undefined) {
          task.message = value.message;
        }
        if (value.percentage !== undefined) {
          task.percentage = clampPercentage(value.percentage);
        }
        if (value.cancellable !== undefined) {
          task.cancellable = value.cancellable;
        }
        return true;
      }
      case 'end':
        return this.tasks.delete(token);
      default:
        return false;
    }
  }

  /** Forget a token (the progress was cancelled or the server stopped). */
  remove(token: ProgressToken): boolean {
    return this.tasks.delete(token);
  }

  clear(): void {
    this.tasks.clear();
  }

  get active(): boolean {
    return this.tasks.size > 0;
  }

  /** Tokens whose progress the user may cancel. */
  cancellableTokens(): ProgressToken[] {
    return [...this.tasks.entries()].filter(([, task]) => task.cancellable).map(([token]) => token);
  }

  private latest(): Task | undefined {
    let last: Task | undefined;
    for (const task of this.tasks.values()) {
      last = task;
    }
    return last;
  }

  /** Status-bar text, e.g. `$(sync~spin) LeanCode: Indexing 42%`, or undefined when idle. */
  statusText(): string | undefined {
    const task = this.latest();
    if (!task) {
      return undefined;
    }
    const percentage = task.percentage !== undefined ? ` ${task.percentage}%` : '';
    const title = /^leancode\b/i.test(task.title) ? task.title : `LeanCode: ${task.title}`;
    return `$(sync~spin) ${title}${percentage}`;
  }

  /** Status-bar tooltip: the task's message, and how to cancel it. */
  tooltip(): string | undefined {
    const task = this.latest();
    if (!task) {
      return undefined;
    }
    const lines = [task.message ? `${task.title}: ${task.message}` : task.title];
    if (this.tasks.size > 1) {
      lines.push(`(${this.tasks.size} tasks running)`);
    }
    if (task.cancellable) {
      lines.push('Click to cancel.');
    }
    return lines.join('\n');
  }
}

function clampPercentage(value: unknown): number | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    return undefined;
  }
  return Math.round(Math.min(100, Math.max(0, value)));
}
