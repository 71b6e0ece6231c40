import { describe, expect, test } from 'vitest';
import { EXIT_MARKER_OSC, ExitMarkerScanner, decodeExitStatus } from '../exit-marker';

const NONCE = '0123456789abcdef';
const marker = (status: number, nonce = NONCE) => `\x1b]${EXIT_MARKER_OSC};${nonce};${status}\x07`;

function scanAll(chunks: string[]): { data: string; exitStatus?: number } {
  const scanner = new ExitMarkerScanner(NONCE);
  let data = '';
  let exitStatus: number | undefined;
  for (const chunk of chunks) {
    const result = scanner.push(chunk);
    data += result.data;
    if (result.exitStatus !== undefined) exitStatus = result.exitStatus;
  }
  return { data, exitStatus };
}

describe('ExitMarkerScanner', () => {
  const output = 'line 1\r\n\x1b[31mred\x1b[0m\r\n\x1b]0;title\x07200000\r\n';
  const stream = output + marker(3);

  test('finds the marker wherever the stream is split, and passes every other byte on', () => {
    for (let cut = 0; cut <= stream.length; cut++) {
      expect(scanAll([stream.slice(0, cut), stream.slice(cut)])).toEqual({ data: output, exitStatus: 3 });
    }
    expect(scanAll([...stream])).toEqual({ data: output, exitStatus: 3 });
  });

  test('a marker with another nonce is ordinary output', () => {
    const forged = `before${marker(0, 'ffffffffffffffff')}after`;
    expect(scanAll([forged])).toEqual({ data: forged, exitStatus: undefined });
  });

  test('a held-back partial prefix is released when the next chunk shows it was not the marker', () => {
    const scanner = new ExitMarkerScanner(NONCE);
    expect(scanner.push('abc\x1b]69')).toEqual({ data: 'abc' });
    expect(scanner.push('x')).toEqual({ data: '\x1b]69x' });
    expect(scanner.push('tail\x1b')).toEqual({ data: 'tail' });
    expect(scanner.flush()).toBe('\x1b');
  });

  test('nothing after the marker is passed on', () => {
    expect(scanAll([`${output}${marker(0)}late`])).toEqual({ data: output, exitStatus: 0 });
  });
});

test('a shell status above 128 means death by signal', () => {
  expect(decodeExitStatus(0)).toEqual({ exitCode: 0, signal: null });
  expect(decodeExitStatus(127)).toEqual({ exitCode: 127, signal: null });
  expect(decodeExitStatus(130)).toEqual({ exitCode: 130, signal: 2 });
});
