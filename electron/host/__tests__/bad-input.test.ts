/** Every bad request gets a typed error that says what to do; the host keeps working. */
import { afterEach, expect, test } from 'vitest';
import { MAX_WRITE_CHARS } from '../../contract';
import { createDispatch } from '../dispatch';
import fs from 'node:fs';
import path from 'node:path';
import { HERMETIC_BASH, createHarness, tempDir, type Harness } from './harness';

let h: Harness;
afterEach(async () => h?.close());

const shell = { ...HERMETIC_BASH, cols: 80, rows: 24 };
const fileNotFolder = path.join(tempDir(), 'a-file');
fs.writeFileSync(fileNotFolder, '');

test.each([
  ['unknown method', 'explode', {}, 'UNKNOWN_METHOD'],
  ['params not an object', 'stats', 'yes', 'INVALID_INPUT'],
  ['unknown session', 'write', { sessionId: 'no-such', data: 'x' }, 'UNKNOWN_SESSION'],
  ['write that is not a string', 'write', { sessionId: 'x', data: 42 }, 'INVALID_INPUT'],
  ['write past the cap', 'write', { sessionId: 'x', data: 'x'.repeat(MAX_WRITE_CHARS + 1) }, 'INVALID_INPUT'],
  ['cols zero', 'start', { ...shell, cols: 0 }, 'INVALID_INPUT'],
  ['rows over 1000', 'start', { ...shell, rows: 1001 }, 'INVALID_INPUT'],
  ['fractional cols', 'resize', { sessionId: 'x', cols: 80.5, rows: 24 }, 'INVALID_INPUT'],
  ['string rows', 'start', { ...shell, rows: '24' }, 'INVALID_INPUT'],
  ['unexpected field', 'start', { ...shell, shell: '/bin/evil' }, 'INVALID_INPUT'],
  ['unknown profile', 'start', { profile: 'emacs', cols: 80, rows: 24 }, 'UNKNOWN_PROFILE'],
  ['missing command', 'start', { command: 'no-such-command-xyz', cols: 80, rows: 24 }, 'COMMAND_NOT_FOUND'],
  ['profile whose command is missing', 'start', { profile: 'claude-code', cols: 80, rows: 24, env: { PATH: '/nonexistent' } }, 'COMMAND_NOT_FOUND'],
  ['missing cwd', 'start', { ...shell, cwd: '/no/such/folder' }, 'CWD_NOT_FOUND'],
  ['cwd that is a file', 'start', { ...shell, cwd: fileNotFolder }, 'CWD_NOT_FOUND'],
  ['stop unknown', 'stop', { sessionId: 'gone' }, 'UNKNOWN_SESSION'],
  ['keep without a boolean', 'keep', { sessionId: 'x', kept: 'yes' }, 'INVALID_INPUT'],
  ['read too much', 'read', { sessionId: 'x', maxChars: 10_000_000 }, 'INVALID_INPUT'],
])('%s → %s', async (_name, method, params, code) => {
  h = createHarness();
  const dispatch = createDispatch(h.bridge, h.client.id);
  const error = await dispatch(method, params).then(
    () => null,
    (e: { code: string; message: string }) => e,
  );
  expect(error?.code).toBe(code);
  expect(error?.message.length).toBeGreaterThan(20);
  // Nothing broke: a good request right after works.
  const row = (await dispatch('start', shell)) as { session_id: string };
  expect(h.bridge.has(row.session_id)).toBe(true);
});

test('a stopped session is unknown afterwards; its id cannot be reused by mistake', async () => {
  h = createHarness();
  const dispatch = createDispatch(h.bridge, h.client.id);
  const { session_id } = (await dispatch('start', shell)) as { session_id: string };
  await dispatch('stop', { sessionId: session_id });
  for (const [method, params] of [
    ['write', { sessionId: session_id, data: 'ls\r' }],
    ['attach', { sessionId: session_id }],
    ['resize', { sessionId: session_id, cols: 10, rows: 10 }],
    ['read', { sessionId: session_id }],
  ] as const) {
    await expect(dispatch(method, params)).rejects.toMatchObject({ code: 'UNKNOWN_SESSION' });
  }
});
