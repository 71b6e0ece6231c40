/**
 * Keyboard shortcuts as a pure mapping from a key event to an action. The same function
 * decides both whether the app handles a key and whether xterm.js must NOT see it, so a
 * shortcut never also reaches the shell.
 */
export type ShortcutAction =
  | 'new-tab'
  | 'close-tab'
  | 'stop-session'
  | 'next-tab'
  | 'prev-tab'
  | 'move-tab-left'
  | 'move-tab-right'
  | 'toggle-sessions'
  | 'find'
  | 'copy'
  | 'paste';

export interface KeyLike {
  key: string;
  ctrlKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
  metaKey: boolean;
}

const CTRL_SHIFT_LETTERS: Record<string, ShortcutAction> = {
  t: 'new-tab',
  w: 'close-tab',
  x: 'stop-session',
  s: 'toggle-sessions',
  f: 'find',
  c: 'copy',
  v: 'paste',
};

export function shortcutFor(e: KeyLike): ShortcutAction | null {
  if (!e.ctrlKey || e.altKey || e.metaKey) return null;
  if (e.key === 'Tab') return e.shiftKey ? 'prev-tab' : 'next-tab';
  if (e.key === 'PageDown') return e.shiftKey ? 'move-tab-right' : 'next-tab';
  if (e.key === 'PageUp') return e.shiftKey ? 'move-tab-left' : 'prev-tab';
  if (!e.shiftKey) return null;
  return CTRL_SHIFT_LETTERS[e.key.toLowerCase()] ?? null;
}

/** Shortcut hints for tooltips and menus. */
export const SHORTCUT_HINTS: Record<ShortcutAction, string> = {
  'new-tab': 'Ctrl+Shift+T',
  'close-tab': 'Ctrl+Shift+W',
  'stop-session': 'Ctrl+Shift+X',
  'next-tab': 'Ctrl+Tab',
  'prev-tab': 'Ctrl+Shift+Tab',
  'move-tab-left': 'Ctrl+Shift+PageUp',
  'move-tab-right': 'Ctrl+Shift+PageDown',
  'toggle-sessions': 'Ctrl+Shift+S',
  find: 'Ctrl+Shift+F',
  copy: 'Ctrl+Shift+C',
  paste: 'Ctrl+Shift+V',
};
