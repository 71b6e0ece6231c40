/** The CLI's pure parts: its command line and which session a typed ID means. */
import { describe, expect, test } from 'vitest';
import { row } from '../../../renderer/__tests__/fixtures';
import { UsageError, parseCommand } from '../args';
import { editDistance, resolveSession } from '../ids';

describe('parseCommand', () => {
  test('new keeps everything after -- as the command, options before it', () => {
    expect(parseCommand(['new', '--profile', 'node', '--record', '--', 'vim', '-u', 'NONE', '--', 'x'])).toEqual({
      name: 'new',
      profile: 'node',
      record: true,
      attach: false,
      command: 'vim',
      args: ['-u', 'NONE', '--', 'x'],
    });
    expect(parseCommand(['new'])).toEqual({ name: 'new', record: false, attach: false, args: [] });
    expect(() => parseCommand(['new', '--'])).toThrow(/give the command after --/);
    expect(() => parseCommand(['new', 'vim'])).toThrow(UsageError);
  });

  test('send joins its words and adds Enter unless -n; --stdin types stdin as is', () => {
    expect(parseCommand(['send', 'ab', 'echo', 'hi'])).toEqual({ name: 'send', id: 'ab', text: 'echo hi', enter: true });
    expect(parseCommand(['send', 'ab', '-n', 'q'])).toEqual({ name: 'send', id: 'ab', text: 'q', enter: false });
    expect(parseCommand(['send', 'ab', '--stdin'])).toEqual({ name: 'send', id: 'ab', text: null, enter: false });
    expect(() => parseCommand(['send', 'ab'])).toThrow(/TEXT to type, or --stdin/);
    expect(() => parseCommand(['send', 'ab', '--stdin', 'x'])).toThrow(/not both/);
  });

  test('send types every word after the first one as given: options are only read before the text', () => {
    expect(parseCommand(['send', 'ab', 'echo', '-n', 'hi'])).toEqual({ name: 'send', id: 'ab', text: 'echo -n hi', enter: true });
    expect(parseCommand(['send', 'ab', 'ls', '-la'])).toEqual({ name: 'send', id: 'ab', text: 'ls -la', enter: true });
    expect(parseCommand(['send', 'ab', 'grep', '--stdin', 'x'])).toEqual({ name: 'send', id: 'ab', text: 'grep --stdin x', enter: true });
    expect(parseCommand(['send', '-n', 'ab', 'q', '-n'])).toEqual({ name: 'send', id: 'ab', text: 'q -n', enter: false });
    expect(parseCommand(['send', 'ab', '-n', '--', '-x', 'y'])).toEqual({ name: 'send', id: 'ab', text: '-x y', enter: false });
    expect(() => parseCommand(['send', 'ab', '-x', 'y'])).toThrow(/Unknown option '-x'/);
  });

  test('numbers and formats are checked; unknown options and commands are usage errors', () => {
    expect(parseCommand(['read', 'ab', '--max-chars', '10'])).toEqual({ name: 'read', id: 'ab', maxChars: 10 });
    expect(() => parseCommand(['read', 'ab', '--max-chars', '0'])).toThrow(/from 1 to/);
    expect(() => parseCommand(['logs', '-n', 'ten'])).toThrow(/-n takes a whole number/);
    expect(parseCommand(['export', 'ab', '-f', 'asciicast', '-o', 'x.cast'])).toEqual({ name: 'export', id: 'ab', format: 'asciicast', output: 'x.cast' });
    expect(() => parseCommand(['ls', '--jsn'])).toThrow(UsageError);
    expect(() => parseCommand(['stop'])).toThrow(/needs a session ID/);
    expect(() => parseCommand(['stop', 'a', 'b'])).toThrow(/one session ID/);
    expect(parseCommand(['keep', 'ab', '--off'])).toEqual({ name: 'keep', id: 'ab', on: false });
    expect(parseCommand([])).toEqual({ name: 'help' });
  });

  test('an empty session ID (an unset variable) is a usage error, not a start of every id', () => {
    expect(() => parseCommand(['read', ''])).toThrow(/read needs a session ID; got an empty one/);
    expect(() => parseCommand(['send', ' ', 'x'])).toThrow(/send needs a session ID; got an empty one/);
  });
});

describe('resolveSession', () => {
  const rows = ['1a2b3c4d-0000-4000-8000-000000000001', '1a2b9999-0000-4000-8000-000000000002', 'f00dcafe-0000-4000-8000-000000000003'].map(
    (session_id) => row({ session_id }),
  );

  test('a full id or a unique prefix (any case) finds it; a shared prefix lists every candidate', () => {
    expect(resolveSession(rows, 'F00D')).toMatchObject({ kind: 'found', row: { session_id: rows[2].session_id } });
    expect(resolveSession(rows, rows[0].session_id)).toMatchObject({ kind: 'found', row: { session_id: rows[0].session_id } });
    expect(resolveSession(rows, '1a2b3')).toMatchObject({ kind: 'found', row: { session_id: rows[0].session_id } });
    const ambiguous = resolveSession(rows, '1a2b');
    expect(ambiguous.kind).toBe('ambiguous');
    expect(ambiguous.kind === 'ambiguous' && ambiguous.candidates.map((r) => r.session_id)).toEqual([rows[0].session_id, rows[1].session_id]);
  });

  test('an unknown id offers the ids whose start is a typo away, closest first; nothing near offers nothing', () => {
    const near = resolveSession(rows, 'f00dcafx');
    expect(near.kind === 'unknown' && near.near.map((r) => r.session_id)).toEqual([rows[2].session_id]);
    const swapped = resolveSession(rows, '1a2c3b4d');
    expect(swapped.kind === 'unknown' && swapped.near[0].session_id).toBe(rows[0].session_id);
    expect(resolveSession(rows, 'zzzzzzzz')).toEqual({ kind: 'unknown', near: [] });
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });
});
