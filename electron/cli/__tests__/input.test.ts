/** Input to a session: in order, whole, whatever its size and however far behind its program is. */
import { describe, expect, test } from 'vitest';
import { LingerError } from '../../contract';
import { SessionInput, WRITE_CHUNK_CHARS, splitForWrites } from '../input';

const backlogFull = () => new LingerError('INPUT_BACKLOG_FULL', 'Session x has 24 MB of input its program has not read yet.');

describe('SessionInput', () => {
  test('a write refused while the program is behind is retried, in order, and the user is told once', async () => {
    const taken: string[] = [];
    const pauses: number[] = [];
    let refusals = 5;
    let heldBack = 0;
    const input = new SessionInput({
      write: async (data) => {
        if (data === 'b' && refusals-- > 0) throw backlogFull();
        taken.push(data);
      },
      onHeldBack: () => heldBack++,
      wait: async (ms) => {
        pauses.push(ms);
        // Typing goes on while the paste waits: it must come after, not in between.
        if (pauses.length === 1) input.push('c');
      },
    });
    input.push('a');
    input.push('b');
    await input.drained();
    expect(taken.join('')).toBe('abc');
    expect(taken).toEqual(['a', 'b', 'c']);
    expect(heldBack).toBe(1);
    // Backoff grows, bounded.
    expect(pauses).toEqual([...pauses].sort((x, y) => x - y));
    expect(input.waiting).toBe(0);
  });

  test('input larger than one write arrives whole, in order, in writes under the cap', async () => {
    const writes: string[] = [];
    const input = new SessionInput({ write: async (data) => void writes.push(data), onHeldBack: () => undefined });
    const text = 'x'.repeat(WRITE_CHUNK_CHARS - 1) + '😀' + 'y'.repeat(WRITE_CHUNK_CHARS + 5);
    input.push(text);
    await input.drained();
    expect(writes.join('')).toBe(text);
    expect(writes.every((w) => w.length <= WRITE_CHUNK_CHARS)).toBe(true);
    // The emoji's two halves travel together.
    expect(writes[0].endsWith('x')).toBe(true);
    expect(splitForWrites('a😀b', 2)).toEqual(['a', '😀', 'b']);
  });

  test('any other refusal stops it: nothing after it is sent, and the error and what was left are reported', async () => {
    const writes: string[] = [];
    const input = new SessionInput({
      write: async (data) => {
        if (data === 'gone') throw new LingerError('UNKNOWN_SESSION', 'No session x.');
        writes.push(data);
      },
      onHeldBack: () => undefined,
    });
    input.push('gone');
    await expect(input.drained()).rejects.toThrow('No session x.');
    input.push('later');
    await expect(input.drained()).rejects.toThrow('No session x.');
    expect(writes).toEqual([]);
    expect(input.waiting).toBe(4);
  });
});
