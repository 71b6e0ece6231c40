import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import { BATCH_INTERVAL_MS, BATCH_MAX_CHARS, DataBatcher, ECHO_WINDOW_MS } from '../batcher';

let now = 0;
let flushed: string[];
let batcher: DataBatcher;
beforeEach(() => {
  vi.useFakeTimers();
  now = 1000;
  flushed = [];
  batcher = new DataBatcher((data) => flushed.push(data), () => now);
});
afterEach(() => {
  batcher.dispose();
  vi.useRealTimers();
});

test('after a quiet period the first output goes on the next turn of the loop, not after 16 ms', () => {
  batcher.push('a');
  batcher.push('b');
  expect(flushed).toEqual([]);
  vi.runOnlyPendingTimers(); // the setImmediate
  expect(flushed).toEqual(['ab']);
});

test('sustained output is coalesced to one flush per interval', () => {
  batcher.push('1');
  vi.runOnlyPendingTimers();
  batcher.push('2');
  batcher.push('3');
  vi.advanceTimersByTime(BATCH_INTERVAL_MS - 1);
  expect(flushed).toEqual(['1']);
  vi.advanceTimersByTime(1);
  expect(flushed).toEqual(['1', '23']);
});

test('a full batch is sent at once', () => {
  batcher.push('x'.repeat(BATCH_MAX_CHARS - 1));
  expect(flushed).toEqual([]);
  batcher.push('yz');
  expect(flushed.map((f) => f.length)).toEqual([BATCH_MAX_CHARS + 1]);
});

test('flush sends what is buffered now; dispose drops timers', () => {
  batcher.push('q');
  batcher.flush();
  expect(flushed).toEqual(['q']);
  batcher.push('r');
  batcher.dispose();
  vi.runAllTimers();
  expect(flushed).toEqual(['q']);
});

test('the echo of input goes on the next turn of the loop, even while output was being coalesced', () => {
  batcher.push('prompt');
  vi.runOnlyPendingTimers();
  now += 2;
  batcher.push('busy');
  batcher.inputWritten();
  now += 1;
  batcher.push('e');
  vi.advanceTimersByTime(0); // the setImmediate, not the rest of the interval
  expect(flushed).toEqual(['prompt', 'busye']);
});

test('output long after the input is coalesced again', () => {
  batcher.inputWritten();
  now += ECHO_WINDOW_MS;
  batcher.push('1');
  vi.runOnlyPendingTimers();
  now += 2;
  batcher.push('2');
  vi.advanceTimersByTime(0);
  expect(flushed).toEqual(['1']);
  vi.advanceTimersByTime(BATCH_INTERVAL_MS - 2);
  expect(flushed).toEqual(['1', '2']);
});
