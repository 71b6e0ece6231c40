import { describe, expect, test } from 'vitest';
import { MAX_OSC_TEXT_CHARS, OscScanner, type OscScan } from '../osc-scanner';

function scanAll(chunks: string[]): OscScan {
  const scanner = new OscScanner();
  const all: OscScan = { sequences: [], bells: 0 };
  for (const chunk of chunks) {
    const found = scanner.push(chunk);
    if (!found) continue;
    all.sequences.push(...found.sequences);
    all.bells += found.bells;
  }
  return all;
}

const BEL = '\x07';
const ST = '\x1b\\';

describe('OscScanner', () => {
  const stream = [
    'plain \x1b[31mred\x1b[0m',
    `\x1b]0;a title${BEL}`,
    `\x1b]7;file://host/tmp/a%20b${BEL}`,
    'ding',
    BEL,
    `\x1b]133;A${ST}$ `,
    `\x1b]8;;https://example.com${BEL}link\x1b]8;;${BEL}`,
    `\x1b]633;E;ls -la\\x3b echo;n0nce${BEL}`,
    `\x1b]133;C${BEL}output\r\n`,
    `\x1b]133;D;1${BEL}`,
    `\x1b]1337;SetUserVar=x${BEL}`,
    `\x1b\x1b]133;B${BEL}`,
    '\x1b]133\x07',
    `\x1b]7;${'x'.repeat(MAX_OSC_TEXT_CHARS + 1)}${BEL}`,
    'tail',
  ].join('');
  const expected: OscScan = {
    sequences: [
      { code: 7, text: 'file://host/tmp/a%20b' },
      { code: 133, text: 'A' },
      { code: 633, text: 'E;ls -la\\x3b echo;n0nce' },
      { code: 133, text: 'C' },
      { code: 133, text: 'D;1' },
      { code: 133, text: 'B' },
      { code: 133, text: '' },
    ],
    bells: 1,
  };

  test('finds the same sequences and bells wherever the stream is split', () => {
    expect(scanAll([stream])).toEqual(expected);
    for (let cut = 0; cut <= stream.length; cut++) {
      expect(scanAll([stream.slice(0, cut), stream.slice(cut)])).toEqual(expected);
    }
    expect(scanAll([...stream])).toEqual(expected);
  });

  test('a chunk with no OSC and no bell is nothing, even full of other escapes', () => {
    const scanner = new OscScanner();
    expect(scanner.push('\x1b[1;31mbold red\x1b[0m\r\n'.repeat(1000))).toBeNull();
    expect(scanner.push('')).toBeNull();
  });

  test('a BEL ends an OSC and is no bell; outside one it rings, ESC BEL too', () => {
    expect(scanAll([`\x1b]2;title${BEL}`])).toEqual({ sequences: [], bells: 0 });
    expect(scanAll([`a${BEL}b${BEL}`, '\x1b', BEL])).toEqual({ sequences: [], bells: 3 });
  });

  test('an OSC that never ends holds nothing back and keeps nothing past the cap', () => {
    const scanner = new OscScanner();
    expect(scanner.push(`\x1b]633;E;${'y'.repeat(MAX_OSC_TEXT_CHARS)}`)).toBeNull();
    expect(scanner.push('y'.repeat(1_000_000))).toBeNull();
    // Cut at the cap: dropped whole, never taken for a shorter one.
    expect(scanner.push(`${BEL}\x1b]133;A${BEL}`)).toEqual({ sequences: [{ code: 133, text: 'A' }], bells: 0 });
  });

  test('an unwatched OSC is skipped to its end, however long', () => {
    const copy = `\x1b]52;c;${'QUJD'.repeat(500_000)}${BEL}`;
    expect(scanAll([copy.slice(0, 10), copy.slice(10, 1_000_000), copy.slice(1_000_000), BEL])).toEqual({ sequences: [], bells: 1 });
  });
});
