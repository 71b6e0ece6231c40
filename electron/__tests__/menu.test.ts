import { EventEmitter } from 'node:events';
import { expect, test } from 'vitest';
import { IPC_CHANNELS, MENU_COMMANDS } from '../contract';
import { bindShortcuts, matchShortcut, menuTemplate, perform, shortcuts, type AppAction, type KeyInput } from '../menu';

const key = (k: string, mods: Partial<KeyInput> = {}): KeyInput => ({
  type: 'keyDown',
  key: k,
  control: false,
  meta: false,
  shift: false,
  alt: false,
  ...mods,
});

test('off macOS the app chords add Shift, so Ctrl+C, Ctrl+W, Ctrl+R, Ctrl+Q stay with the shell', () => {
  const list = shortcuts('linux', false);
  expect(matchShortcut(list, key('T', { control: true, shift: true }))).toBe('new-tab');
  expect(matchShortcut(list, key('W', { control: true, shift: true }))).toBe('close-tab');
  expect(matchShortcut(list, key('S', { control: true, shift: true }))).toBe('toggle-sessions');
  expect(matchShortcut(list, key('C', { control: true, shift: true }))).toBe('copy');
  expect(matchShortcut(list, key('V', { control: true, shift: true }))).toBe('paste');
  expect(matchShortcut(list, key('R', { control: true, shift: true }))).toBe('reload');
  expect(matchShortcut(list, key('Q', { control: true, shift: true }))).toBe('quit');
  for (const k of ['c', 'w', 'r', 'q', 't', 's', 'v', 'd', 'z']) {
    expect(matchShortcut(list, key(k, { control: true })), `Ctrl+${k}`).toBeNull();
  }
  expect(matchShortcut(list, key('T', { control: true, shift: true, type: 'keyUp' }))).toBeNull();
  expect(matchShortcut(list, key('T', { control: true, shift: true, alt: true }))).toBeNull();
});

test('DevTools only in development; macOS uses Cmd', () => {
  expect(matchShortcut(shortcuts('linux', false), key('I', { control: true, shift: true }))).toBeNull();
  expect(matchShortcut(shortcuts('linux', true), key('I', { control: true, shift: true }))).toBe('toggle-devtools');
  const mac = shortcuts('darwin', true);
  expect(matchShortcut(mac, key('c', { meta: true }))).toBe('copy');
  expect(matchShortcut(mac, key('T', { meta: true, shift: true }))).toBe('new-tab');
  expect(matchShortcut(mac, key('ˆ', { meta: true, alt: true, code: 'KeyI' }))).toBe('toggle-devtools');
  expect(matchShortcut(mac, key('c', { control: true }))).toBeNull();
});

test('a chord is taken before the page sees it; other keys pass through; the disposer unbinds', () => {
  const page = new EventEmitter();
  const ran: AppAction[] = [];
  const unbind = bindShortcuts(page, shortcuts('linux', false), (a) => ran.push(a));
  const press = (input: KeyInput) => {
    let prevented = false;
    page.emit('before-input-event', { preventDefault: () => (prevented = true) }, input);
    return prevented;
  };
  expect(press(key('T', { control: true, shift: true }))).toBe(true);
  expect(press(key('c', { control: true }))).toBe(false);
  expect(ran).toEqual(['new-tab']);
  unbind();
  expect(page.listenerCount('before-input-event')).toBe(0);
});

test('menu commands go to the renderer on the menu channel; edit and view actions act on the page', () => {
  const calls: unknown[][] = [];
  const target = {
    send: (...args: unknown[]) => calls.push(['send', ...args]),
    copy: () => calls.push(['copy']),
    paste: () => calls.push(['paste']),
    reload: () => calls.push(['reload']),
    toggleDevTools: () => calls.push(['devtools']),
  };
  const quits: boolean[] = [];
  for (const action of [...MENU_COMMANDS, 'copy', 'paste', 'reload', 'toggle-devtools', 'quit', 'quit-and-discard'] as const) {
    perform(action, target, (discard) => quits.push(discard));
  }
  perform('new-tab', null, (discard) => quits.push(discard)); // no window focused: nothing to do, nothing thrown
  expect(calls).toEqual([
    ['send', IPC_CHANNELS.menu, 'new-tab'],
    ['send', IPC_CHANNELS.menu, 'close-tab'],
    ['send', IPC_CHANNELS.menu, 'toggle-sessions'],
    ['copy'],
    ['paste'],
    ['reload'],
    ['devtools'],
  ]);
  expect(quits).toEqual([false, true]);
});

test('the menu lists every shortcut once, shown but not registered (before-input-event acts)', () => {
  for (const platform of ['linux', 'darwin', 'win32'] as const) {
    const list = shortcuts(platform, true);
    const ran: AppAction[] = [];
    const items = menuTemplate({ platform, list, run: (a) => ran.push(a) })
      .flatMap((m) => (Array.isArray(m.submenu) ? m.submenu : []))
      .filter((i) => i.accelerator);
    expect(items.map((i) => i.accelerator).sort(), platform).toEqual(list.map((s) => s.accelerator).sort());
    expect(items.every((i) => i.registerAccelerator === false)).toBe(true);
    for (const i of items) (i.click as () => void)();
    expect(ran.sort()).toEqual(list.map((s) => s.action).sort());
  }
});

test('Quit and Discard Sessions is in the menu next to Quit, with no chord to slip into', () => {
  for (const platform of ['linux', 'darwin'] as const) {
    const ran: AppAction[] = [];
    const entries = menuTemplate({ platform, list: shortcuts(platform, false), run: (a) => ran.push(a) }).flatMap((m) => (Array.isArray(m.submenu) ? m.submenu : []));
    const labels = entries.map((i) => i.label);
    const discard = entries.find((i) => i.label === 'Quit and Discard Sessions…')!;
    expect(labels.indexOf('Quit and Discard Sessions…'), platform).toBe(labels.indexOf('Quit Linger') + 1);
    expect(discard.accelerator).toBeUndefined();
    (discard.click as () => void)();
    expect(ran).toEqual(['quit-and-discard']);
  }
});
