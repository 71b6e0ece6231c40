import { describe, expect, it } from 'vitest';
import { shortcutFor, type KeyLike } from '../shortcuts';

const key = (k: string, mods: Partial<KeyLike> = {}): KeyLike => ({ key: k, ctrlKey: false, shiftKey: false, altKey: false, metaKey: false, ...mods });
const ctrlShift = (k: string) => key(k, { ctrlKey: true, shiftKey: true });

describe('shortcuts', () => {
  it('maps the documented Ctrl+Shift letters, whatever the case', () => {
    expect(shortcutFor(ctrlShift('T'))).toBe('new-tab');
    expect(shortcutFor(ctrlShift('w'))).toBe('close-tab');
    expect(shortcutFor(ctrlShift('X'))).toBe('stop-session');
    expect(shortcutFor(ctrlShift('S'))).toBe('toggle-sessions');
    expect(shortcutFor(ctrlShift('F'))).toBe('find');
    expect(shortcutFor(ctrlShift('C'))).toBe('copy');
    expect(shortcutFor(ctrlShift('V'))).toBe('paste');
  });

  it('switches tabs with Ctrl+Tab and Ctrl+PageUp/PageDown, moves them with Shift', () => {
    expect(shortcutFor(key('Tab', { ctrlKey: true }))).toBe('next-tab');
    expect(shortcutFor(key('Tab', { ctrlKey: true, shiftKey: true }))).toBe('prev-tab');
    expect(shortcutFor(key('PageDown', { ctrlKey: true }))).toBe('next-tab');
    expect(shortcutFor(key('PageUp', { ctrlKey: true }))).toBe('prev-tab');
    expect(shortcutFor(key('PageUp', { ctrlKey: true, shiftKey: true }))).toBe('move-tab-left');
    expect(shortcutFor(key('PageDown', { ctrlKey: true, shiftKey: true }))).toBe('move-tab-right');
  });

  it('leaves the shell its own keys: Ctrl+C, Ctrl+W, Ctrl+T, plain letters, Alt and Meta combos', () => {
    expect(shortcutFor(key('c', { ctrlKey: true }))).toBeNull();
    expect(shortcutFor(key('w', { ctrlKey: true }))).toBeNull();
    expect(shortcutFor(key('t', { ctrlKey: true }))).toBeNull();
    expect(shortcutFor(key('T', { shiftKey: true }))).toBeNull();
    expect(shortcutFor(key('T', { ctrlKey: true, shiftKey: true, altKey: true }))).toBeNull();
    expect(shortcutFor(key('Tab'))).toBeNull();
    expect(shortcutFor(ctrlShift('Q'))).toBeNull();
  });
});
