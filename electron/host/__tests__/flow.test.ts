import { expect, test } from 'vitest';
import { FlowControl } from '../flow';

function harness() {
  const changes: boolean[] = [];
  const flow = new FlowControl((paused) => changes.push(paused), 100, 20);
  return { flow, changes };
}

test('pauses when any consumer is past the high watermark, resumes when all are under the low one', () => {
  const { flow, changes } = harness();
  flow.addConsumer('mirror');
  flow.addConsumer('view');
  flow.sent(60);
  flow.sent(60);
  expect(changes).toEqual([true]);
  flow.ack('mirror', 120);
  expect(flow.isPaused).toBe(true); // the view is still 120 behind
  flow.ack('view', 90);
  expect(changes).toEqual([true]);
  flow.ack('view', 20);
  expect(changes).toEqual([true, false]);
});

test('a consumer that leaves releases the pause', () => {
  const { flow, changes } = harness();
  flow.addConsumer('mirror');
  flow.addConsumer('slow-view');
  flow.sent(150);
  flow.ack('mirror', 150);
  flow.removeConsumer('slow-view');
  expect(changes).toEqual([true, false]);
});

test('acks beyond what was sent bank no credit, and unknown consumers are ignored', () => {
  const { flow } = harness();
  flow.addConsumer('view');
  flow.ack('view', 1000);
  flow.ack('stranger', 5);
  flow.sent(101);
  expect(flow.isPaused).toBe(true);
  expect(flow.pending('view')).toBe(101);
});
