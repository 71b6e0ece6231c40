import { expect, test } from 'vitest';
import { AckCounter } from '../acks';

test('a view that keeps up acks each write as soon as it is parsed', () => {
  const acks = new AckCounter(100);
  acks.written();
  expect(acks.parsed(10)).toBe(10);
  acks.written();
  expect(acks.parsed(7)).toBe(7);
});

test('a view behind on writes acks in runs, and everything once it has caught up', () => {
  const acks = new AckCounter(100);
  for (let i = 0; i < 5; i++) acks.written();
  expect(acks.parsed(60)).toBe(0);
  expect(acks.parsed(60)).toBe(120);
  expect(acks.parsed(30)).toBe(0);
  expect(acks.parsed(30)).toBe(0);
  // The last write parsed: nothing is left, so nothing is held back (a paused pty must resume).
  expect(acks.parsed(5)).toBe(65);
});
