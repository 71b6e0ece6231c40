/**
 * The application menu and its shortcuts. Terminal programs own most key chords (Ctrl+C,
 * Ctrl+R, Ctrl+W, Ctrl+Q…), so off macOS the app's chords add Shift, as GNOME Terminal and
 * VS Code's terminal do; on macOS Cmd is free and used plainly where the platform expects it.
 *
 * Shortcuts are matched in `before-input-event`, before the page sees the key: xterm.js would
 * otherwise turn the chord into terminal input, and native menu accelerators fire only for
 * keys the page leaves unhandled on Linux and Windows. The menu shows the same accelerators
 * without registering them, so a chord acts exactly once on every platform.
 */
import type { MenuItemConstructorOptions } from 'electron';
import { IPC_CHANNELS, type MenuCommand } from './contract';

export type AppAction = MenuCommand | 'copy' | 'paste' | 'reload' | 'toggle-devtools' | 'quit' | 'quit-and-discard';

export interface Shortcut {
  action: AppAction;
  label: string;
  /** Electron accelerator syntax; also what `matchShortcut` matches. */
  accelerator: string;
}

export function shortcuts(platform: NodeJS.Platform, dev: boolean): Shortcut[] {
  const mac = platform === 'darwin';
  // Where the platform's own chord is free (macOS Cmd) use it; elsewhere add Shift.
  const plain = mac ? 'Cmd' : 'Ctrl+Shift';
  const list: Shortcut[] = [
    { action: 'new-tab', label: 'New Tab', accelerator: mac ? 'Cmd+Shift+T' : 'Ctrl+Shift+T' },
    { action: 'close-tab', label: 'Close Tab (keeps the session)', accelerator: mac ? 'Cmd+Shift+W' : 'Ctrl+Shift+W' },
    { action: 'toggle-sessions', label: 'Sessions', accelerator: mac ? 'Cmd+Shift+S' : 'Ctrl+Shift+S' },
    { action: 'copy', label: 'Copy', accelerator: `${plain}+C` },
    { action: 'paste', label: 'Paste', accelerator: `${plain}+V` },
    { action: 'reload', label: 'Reload Window', accelerator: mac ? 'Cmd+Shift+R' : 'Ctrl+Shift+R' },
    { action: 'quit', label: 'Quit Linger', accelerator: `${plain}+Q` },
  ];
  if (dev) list.push({ action: 'toggle-devtools', label: 'Toggle Developer Tools', accelerator: mac ? 'Cmd+Alt+I' : 'Ctrl+Shift+I' });
  return list;
}

/** The fields of Electron's `Input` that matter here. */
export interface KeyInput {
  type: string;
  key: string;
  code?: string;
  control: boolean;
  meta: boolean;
  shift: boolean;
  alt: boolean;
}

function matches(accelerator: string, input: KeyInput): boolean {
  const parts = accelerator.split('+');
  const key = parts.pop()!.toLowerCase();
  const want = { control: parts.includes('Ctrl'), meta: parts.includes('Cmd'), shift: parts.includes('Shift'), alt: parts.includes('Alt') };
  if (input.control !== want.control || input.meta !== want.meta || input.shift !== want.shift || input.alt !== want.alt) return false;
  // With Alt held, macOS reports the composed character (Cmd+Alt+I gives "ˆ"): use the key's position then.
  return input.key.toLowerCase() === key || (want.alt && input.code === `Key${key.toUpperCase()}`);
}

export function matchShortcut(list: Shortcut[], input: KeyInput): AppAction | null {
  if (input.type !== 'keyDown') return null;
  return list.find((s) => matches(s.accelerator, input))?.action ?? null;
}

/** What an action acts on: the focused window's webContents. */
export interface ActionTarget {
  send(channel: string, ...args: any[]): void;
  copy(): void;
  paste(): void;
  reload(): void;
  toggleDevTools(): void;
}

/** `quit(true)`: quit and discard the sessions (after the user confirms). */
export function perform(action: AppAction, target: ActionTarget | null, quit: (discard: boolean) => void): void {
  if (action === 'quit' || action === 'quit-and-discard') return quit(action === 'quit-and-discard');
  if (!target) return;
  switch (action) {
    case 'copy':
      return target.copy();
    case 'paste':
      return target.paste();
    case 'reload':
      return target.reload();
    case 'toggle-devtools':
      return target.toggleDevTools();
    default:
      return target.send(IPC_CHANNELS.menu, action);
  }
}

interface InputSource {
  on(event: 'before-input-event', listener: (event: { preventDefault(): void }, input: KeyInput) => void): unknown;
  removeListener(event: 'before-input-event', listener: (...args: any[]) => void): unknown;
}

/** Routes the app's chords from this page to `run` before the page sees them; returns the disposer. */
export function bindShortcuts(webContents: InputSource, list: Shortcut[], run: (action: AppAction) => void): () => void {
  const listener = (event: { preventDefault(): void }, input: KeyInput) => {
    const action = matchShortcut(list, input);
    if (!action) return;
    event.preventDefault();
    run(action);
  };
  webContents.on('before-input-event', listener);
  return () => void webContents.removeListener('before-input-event', listener);
}

export function menuTemplate(options: {
  platform: NodeJS.Platform;
  list: Shortcut[];
  run: (action: AppAction) => void;
}): MenuItemConstructorOptions[] {
  const item = (action: AppAction): MenuItemConstructorOptions => {
    const s = options.list.find((x) => x.action === action)!;
    return { label: s.label, accelerator: s.accelerator, registerAccelerator: false, click: () => options.run(action) };
  };
  const has = (action: AppAction) => options.list.some((s) => s.action === action);
  const mac = options.platform === 'darwin';
  const separator: MenuItemConstructorOptions = { type: 'separator' };
  // No chord: it ends every session for good, so it is never one slip of the fingers away.
  const discard: MenuItemConstructorOptions = { label: 'Quit and Discard Sessions…', click: () => options.run('quit-and-discard') };
  return [
    ...(mac
      ? [{ label: 'Linger', submenu: [{ role: 'about' }, separator, { role: 'hide' }, { role: 'hideOthers' }, { role: 'unhide' }, separator, item('quit'), discard] } satisfies MenuItemConstructorOptions]
      : []),
    { label: 'Shell', submenu: [item('new-tab'), item('close-tab'), ...(mac ? [] : [separator, item('quit'), discard])] },
    { label: 'Edit', submenu: [item('copy'), item('paste')] },
    { label: 'View', submenu: [item('toggle-sessions'), separator, item('reload'), ...(has('toggle-devtools') ? [item('toggle-devtools')] : [])] },
    ...(mac ? [{ role: 'windowMenu' } satisfies MenuItemConstructorOptions] : []),
  ];
}
