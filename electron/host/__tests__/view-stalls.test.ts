import { expect, test } from 'vitest';
import { FLOW_HIGH_WATERMARK_BYTES, VIEW_STALL_MS } from '../flow';
import { HIDDEN_FLOOD_BYTES, HIDDEN_QUIET_MS, ViewStalls } from '../view-stalls';

const BEHIND = FLOW_HIGH_WATERMARK_BYTES + 1;

test('a view a window behind is set aside only once it has shown no progress for VIEW_STALL_MS, timed from when it started owing', () => {
  const stalls = new ViewStalls();
  let pending = 0;
  stalls.attached('v', 0);
  // Quiet for a minute, owing nothing; then a flood starts.
  stalls.sending(60_000, () => pending);
  pending = BEHIND;
  stalls.sending(60_001, () => pending);
  expect(stalls.setAsideStalled(60_000 + VIEW_STALL_MS - 1, () => pending)).toEqual([]);
  expect(stalls.setAsideStalled(60_000 + VIEW_STALL_MS, () => pending)).toEqual(['v']);
  expect(stalls.isAside('v')).toBe(true);
  expect(stalls.setAsideStalled(60_000 + 2 * VIEW_STALL_MS, () => pending)).toEqual([]);
});

test('a slow view that acks is never set aside', () => {
  const stalls = new ViewStalls();
  stalls.attached('v', 0);
  for (let now = 1000; now <= 5 * VIEW_STALL_MS; now += 1000) {
    expect(stalls.ack('v', 1, now)).toBe('flow');
    expect(stalls.setAsideStalled(now, () => BEHIND)).toEqual([]);
  }
});

test('set aside, it pays off what it owed, then is resynced once; detach or attach forgets it', () => {
  const stalls = new ViewStalls();
  stalls.attached('v', 0);
  stalls.setAsideStalled(VIEW_STALL_MS, () => BEHIND);
  expect(stalls.ack('v', BEHIND - 1, VIEW_STALL_MS + 1)).toBe('owed');
  expect(stalls.ack('v', 5, VIEW_STALL_MS + 2)).toBe('resync');
  expect(stalls.ack('v', 5, VIEW_STALL_MS + 3)).toBe('none');
  expect(stalls.resumed('v')).toBe(true);
  expect(stalls.resumed('v')).toBe(false);
  expect(stalls.isAside('v')).toBe(false);
  expect(stalls.ack('v', 5, VIEW_STALL_MS + 4)).toBe('flow');

  stalls.setAsideStalled(3 * VIEW_STALL_MS, () => BEHIND);
  stalls.detached('v');
  expect(stalls.isAside('v')).toBe(false);
  expect(stalls.ack('v', 5, 3 * VIEW_STALL_MS)).toBe('none');
});

test('when the session ends, every view set aside is handed back', () => {
  const stalls = new ViewStalls();
  for (const id of ['a', 'b', 'c']) stalls.attached(id, 0);
  stalls.ack('c', 1, VIEW_STALL_MS);
  expect(stalls.setAsideStalled(VIEW_STALL_MS, () => BEHIND)).toEqual(['a', 'b']);
  expect(stalls.takeAll()).toEqual(['a', 'b']);
  expect(stalls.isAside('a')).toBe(false);
});

/** Output goes out in batches of up to 64 K (batcher.ts). */
const BATCH = 64 * 1024;

test('a hidden view is set aside by the batch that would take it past HIDDEN_FLOOD_BYTES, owing what it is behind', () => {
  const stalls = new ViewStalls();
  stalls.attached('hidden', 0);
  stalls.attached('shown', 0);
  stalls.setVisible('hidden', false);
  for (let sent = 0; sent < HIDDEN_FLOOD_BYTES; sent += BATCH) expect(stalls.setAsideHidden(BATCH, 0, () => 0)).toEqual([]);
  expect(stalls.setAsideHidden(1, 1, () => 500)).toEqual(['hidden']);
  expect(stalls.isAside('hidden')).toBe(true);
  expect(stalls.isAside('shown')).toBe(false);
  expect(stalls.setAsideHidden(1, 2, () => 500)).toEqual([]);
  // Hidden, it pays off what it owes but is not sent the screen until it is shown.
  expect(stalls.ack('hidden', 499, 3)).toBe('owed');
  expect(stalls.ack('hidden', 1, 4)).toBe('owed');
  expect(stalls.ack('hidden', 1, 5)).toBe('none');
  expect(stalls.setVisible('hidden', false)).toBe(false);
  expect(stalls.setVisible('hidden', true)).toBe(true);
  expect(stalls.setVisible('hidden', true)).toBe(false);
  expect(stalls.resumed('hidden')).toBe(true);
  expect(stalls.ack('hidden', 1, 6)).toBe('flow');
});

test('shown again before it has caught up, a view set aside while hidden is resynced by its last ack', () => {
  const stalls = new ViewStalls();
  stalls.attached('v', 0);
  stalls.setVisible('v', false);
  expect(stalls.setAsideHidden(BATCH, 0, () => FLOW_HIGH_WATERMARK_BYTES)).toEqual(['v']);
  expect(stalls.ack('v', FLOW_HIGH_WATERMARK_BYTES - 100, 1)).toBe('owed');
  expect(stalls.setVisible('v', true)).toBe(false);
  expect(stalls.ack('v', 100, 1)).toBe('resync');
  expect(stalls.resumed('v')).toBe(true);
});

test('the count starts again each time a view is hidden; shown, detached or attached anew, it is not counted', () => {
  const stalls = new ViewStalls();
  const flood = (now: number) => {
    for (let sent = 0; sent < HIDDEN_FLOOD_BYTES; sent += BATCH) expect(stalls.setAsideHidden(BATCH, now, () => 0)).toEqual([]);
  };
  stalls.attached('v', 0);
  stalls.setVisible('v', false);
  flood(0);
  stalls.setVisible('v', true);
  flood(1);
  stalls.setVisible('v', false);
  flood(2);
  expect(stalls.setAsideHidden(BATCH, 2, () => 0)).toEqual(['v']);

  stalls.attached('v', 3);
  flood(3);
  expect(stalls.setAsideHidden(BATCH, 3, () => 0)).toEqual([]);
  stalls.setVisible('v', false);
  stalls.detached('v');
  flood(4);
  expect(stalls.setAsideHidden(BATCH, 4, () => 0)).toEqual([]);
  // A view the session does not know is not counted either.
  expect(stalls.setVisible('stranger', false)).toBe(false);
  flood(5);
  expect(stalls.setAsideHidden(BATCH, 5, () => 0)).toEqual([]);
});

test('a program that pauses now and then stays live behind another tab, however much it prints in all', () => {
  const stalls = new ViewStalls();
  stalls.attached('v', 0);
  stalls.setVisible('v', false);
  let now = 0;
  // Twenty redraws of 512 K each, a pause between them: 10 MB in all.
  for (let redraw = 0; redraw < 20; redraw++, now += HIDDEN_QUIET_MS) {
    for (let batch = 0; batch < 8; batch++) expect(stalls.setAsideHidden(BATCH, now, () => 0)).toEqual([]);
  }
  // Without a pause, past HIDDEN_FLOOD_BYTES it is a flood.
  for (let sent = 0; sent < HIDDEN_FLOOD_BYTES; sent += BATCH) expect(stalls.setAsideHidden(BATCH, now + 1, () => 0)).toEqual([]);
  expect(stalls.setAsideHidden(BATCH, now + HIDDEN_QUIET_MS, () => 0)).toEqual(['v']);
});

test('a hidden view a window behind is set aside at once: nobody sees it, so it never holds the session back', () => {
  const stalls = new ViewStalls();
  stalls.attached('hidden', 0);
  stalls.attached('shown', 0);
  stalls.setVisible('hidden', false);
  expect(stalls.setAsideHidden(1000, 0, () => FLOW_HIGH_WATERMARK_BYTES - 1000)).toEqual([]);
  expect(stalls.setAsideHidden(1000, 1, () => FLOW_HIGH_WATERMARK_BYTES)).toEqual(['hidden']);
  expect(stalls.isAside('shown')).toBe(false);
  expect(stalls.ack('hidden', FLOW_HIGH_WATERMARK_BYTES, 2)).toBe('owed');
  expect(stalls.setVisible('hidden', true)).toBe(true);
});

test('a hidden view set aside, caught up, is handed back when the session ends', () => {
  const stalls = new ViewStalls();
  stalls.attached('v', 0);
  stalls.setVisible('v', false);
  expect(stalls.setAsideHidden(BATCH, 0, () => FLOW_HIGH_WATERMARK_BYTES)).toEqual(['v']);
  stalls.ack('v', FLOW_HIGH_WATERMARK_BYTES, 1);
  expect(stalls.takeAll()).toEqual(['v']);
});
