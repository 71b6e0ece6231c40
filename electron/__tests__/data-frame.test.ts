/** Output's binary WebSocket frame (contract.ts): what the host encodes, the page decodes, byte for byte. */
import { expect, test } from 'vitest';
import { decodeDataFrame, encodeDataFrame } from '../contract';

test('a data frame carries the session id and the bytes unchanged, escapes and multi-byte characters included', () => {
  const id = 'c0ffee00-1234-4abc-8def-000000000001';
  const data = new TextEncoder().encode('é漢🙂\x1b[31mred\x1b[0m\r\n');
  const frame = encodeDataFrame(id, data);
  expect(frame.length).toBe(1 + id.length + data.length);
  const event = decodeDataFrame(frame);
  expect(event).toEqual({ type: 'data', sessionId: id, data });
  expect(Buffer.from(event!.data).toString('utf8')).toBe('é漢🙂\x1b[31mred\x1b[0m\r\n');
});

test('a frame with no output decodes to no bytes; one that is not a data frame decodes to null', () => {
  expect(decodeDataFrame(encodeDataFrame('s', new Uint8Array(0)))).toEqual({ type: 'data', sessionId: 's', data: new Uint8Array(0) });
  expect(decodeDataFrame(new Uint8Array(0))).toBeNull();
  expect(decodeDataFrame(new Uint8Array([0, 65]))).toBeNull();
  expect(decodeDataFrame(new Uint8Array([5, 65, 66]))).toBeNull();
});

test('a session id longer than a frame can name is refused with a typed error', () => {
  expect(() => encodeDataFrame('x'.repeat(256), new Uint8Array(1))).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
});
