/** Output's binary WebSocket message (contract.ts): what the host sends, the page decodes, byte for byte. */
import { expect, test } from 'vitest';
import { dataFrameHeader, decodeDataFrame } from '../contract';

const message = (sessionId: string, data: Uint8Array) => Buffer.concat([dataFrameHeader(sessionId), data]);

test('a data message carries the session id and the bytes unchanged, escapes and multi-byte characters included', () => {
  const id = 'c0ffee00-1234-4abc-8def-000000000001';
  const data = new TextEncoder().encode('é漢🙂\x1b[31mred\x1b[0m\r\n');
  const frame = message(id, data);
  expect(frame.length).toBe(1 + id.length + data.length);
  const event = decodeDataFrame(new Uint8Array(frame));
  expect(event).toEqual({ type: 'data', sessionId: id, data });
  expect(Buffer.from(event!.data).toString('utf8')).toBe('é漢🙂\x1b[31mred\x1b[0m\r\n');
});

test('a message with no output decodes to no bytes; one that is not a data message decodes to null', () => {
  expect(decodeDataFrame(new Uint8Array(message('s', new Uint8Array(0))))).toEqual({ type: 'data', sessionId: 's', data: new Uint8Array(0) });
  expect(decodeDataFrame(new Uint8Array(0))).toBeNull();
  expect(decodeDataFrame(new Uint8Array([0, 65]))).toBeNull();
  expect(decodeDataFrame(new Uint8Array([5, 65, 66]))).toBeNull();
});

test('a session id longer than a header can name is refused with a typed error', () => {
  expect(() => dataFrameHeader('x'.repeat(256))).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
});
