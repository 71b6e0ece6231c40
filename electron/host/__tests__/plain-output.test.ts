import { describe, expect, test } from 'vitest';
import { isPlain, plainCut } from '../../plain-output';

/** The same search on the joined text, done the obvious way. */
function naiveCut(text: string, lineFeeds: number): number {
  for (let cr = text.length - 1; cr > 0; cr--) {
    if (text[cr] !== '\r') continue;
    let count = 0;
    for (let i = cr; i < text.length; i++) if (text[i] === '\n') count++;
    if (count >= lineFeeds) return cr;
  }
  return 0;
}

describe('plainCut', () => {
  test('finds the latest carriage return with enough line feeds after it, wherever the chunks split the text', () => {
    const alphabet = ['a', 'b', '\r', '\n', '\r\n'];
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % n);
    for (let round = 0; round < 2000; round++) {
      let text = '';
      for (let i = rand(60); i > 0; i--) text += alphabet[rand(alphabet.length)];
      const chunks: string[] = [];
      for (let at = 0; at < text.length; ) {
        const next = Math.min(text.length, at + 1 + rand(8));
        chunks.push(text.slice(at, next));
        at = next;
      }
      if (rand(4) === 0) chunks.splice(rand(chunks.length + 1), 0, '');
      const lineFeeds = rand(6);
      const cut = plainCut(chunks, lineFeeds);
      const offset = cut ? chunks.slice(0, cut.chunk).join('').length + cut.at : 0;
      expect(offset, JSON.stringify({ chunks, lineFeeds })).toBe(naiveCut(text, lineFeeds));
    }
  });

  test('a line feed at the very start is counted once', () => {
    expect(plainCut(['\n', '\r\n'], 2)).toBeNull();
    expect(plainCut(['x\r\n', '\n'], 2)).toEqual({ chunk: 0, at: 1 });
  });
});

test('plain output is printable ASCII, tab, CR and LF only, as text or as UTF-8 bytes', () => {
  const utf8 = new TextEncoder();
  for (const plain of [true, false]) {
    const samples = plain ? ['ls -la\tfoo\r\n', ' ~', ''] : ['\x1b[0m', '\x07', '\x08', 'é', '中', '\x9b', '\x7f', '\x00', '\x1f'].map((c) => `a${c}b`);
    for (const sample of samples) {
      expect(isPlain(sample), JSON.stringify(sample)).toBe(plain);
      expect(isPlain(utf8.encode(sample)), JSON.stringify(sample)).toBe(plain);
    }
  }
});

test('plainCut finds the same place in bytes as in text', () => {
  const utf8 = new TextEncoder();
  const chunks = ['ab\r\nc', 'd\r', '\nef\r\n', '\r\nx'];
  for (const lineFeeds of [0, 1, 2, 3, 4]) expect(plainCut(chunks.map((c) => utf8.encode(c)), lineFeeds)).toEqual(plainCut(chunks, lineFeeds));
});
