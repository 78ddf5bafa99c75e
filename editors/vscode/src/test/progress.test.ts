import * as assert from 'assert';
import { ProgressTracker } from '../progress';

describe('ProgressTracker', () => {
  it('follows begin, report and end of a work-done progress', () => {
    const tracker = new ProgressTracker();
    assert.strictEqual(tracker.active, false);
    assert.strictEqual(tracker.statusText(), undefined);

    assert.ok(tracker.update('index-1', { kind: 'begin', title: 'Indexing', cancellable: true, percentage: 0 }));
    assert.strictEqual(tracker.active, true);
    assert.strictEqual(tracker.statusText(), '$(sync~spin) LeanCode: Indexing 0%');

    tracker.update('index-1', { kind: 'report', message: '12/30 files', percentage: 40.4 });
    assert.strictEqual(tracker.statusText(), '$(sync~spin) LeanCode: Indexing 40%');
    assert.strictEqual(tracker.tooltip(), 'Indexing: 12/30 files\nClick to cancel.');
    assert.deepStrictEqual(tracker.cancellableTokens(), ['index-1']);

    assert.ok(tracker.update('index-1', { kind: 'end', message: 'done' }));
    assert.strictEqual(tracker.active, false);
    assert.strictEqual(tracker.statusText(), undefined);
  });

  it('ignores reports for unknown tokens and shows the latest task', () => {
    const tracker = new ProgressTracker();
    assert.strictEqual(tracker.update(7, { kind: 'report', percentage: 10 }), false);
    tracker.update(1, { kind: 'begin', title: 'Indexing' });
    tracker.update(2, { kind: 'begin', title: 'Loading model', percentage: 150 });
    assert.strictEqual(tracker.statusText(), '$(sync~spin) LeanCode: Loading model 100%');
    assert.strictEqual(tracker.tooltip(), 'Loading model\n(2 tasks running)');
    assert.deepStrictEqual(tracker.cancellableTokens(), []);
    tracker.remove(2);
    assert.strictEqual(tracker.statusText(), '$(sync~spin) LeanCode: Indexing');
    tracker.clear();
    assert.strictEqual(tracker.active, false);
  });

  it('does not repeat a LeanCode prefix in the title', () => {
    const tracker = new ProgressTracker();
    tracker.update(1, { kind: 'begin', title: 'LeanCode: indexing', percentage: 5 });
    assert.strictEqual(tracker.statusText(), '$(sync~spin) LeanCode: indexing 5%');
  });

  it('lets a report change cancellability', () => {
    const tracker = new ProgressTracker();
    tracker.update('t', { kind: 'begin', title: 'Indexing', cancellable: true });
    tracker.update('t', { kind: 'report', cancellable: false });
    assert.deepStrictEqual(tracker.cancellableTokens(), []);
  });
});
