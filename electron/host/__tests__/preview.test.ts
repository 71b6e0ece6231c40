import { expect, test } from 'vitest';
import { PREVIEW_LINE_CHARS, appendToPreview, previewOf } from '../preview';

test('a preview is the last 3 lines before the blank ones, cut to a glance', () => {
  expect(previewOf(['a', 'b', '', 'c', 'd   ', '', ''])).toBe('\nc\nd');
  expect(previewOf(['only'])).toBe('only');
  expect(previewOf(['', '  '])).toBeNull();
  expect(previewOf(['x'.repeat(500)])).toHaveLength(PREVIEW_LINE_CHARS);
});

test('output appended as text: escapes dropped, a carriage return overwrites, the newest lines kept', () => {
  expect(appendToPreview('$ ', 'ls\r\n\x1b[1;34mdir\x1b[0m  \x1b]8;;file:///x\x07file\x1b]8;;\x07\r\n$ ')).toBe('$ ls\ndir  file\n$');
  expect(appendToPreview('', 'downloading 10%\rdownloading 100%\r\ndone\r\n')).toBe('downloading 100%\ndone');
  expect(appendToPreview('a\nb', '')).toBe('a\nb');
});

test('a flood is read from its last lines only, starting on a line boundary', () => {
  const flood = Array.from({ length: 100_000 }, (_, i) => `line ${i}\x1b[0m`).join('\r\n');
  expect(appendToPreview('old', flood)).toBe('line 99997\nline 99998\nline 99999');
});
