import { describe, expect, it } from 'vitest';
import type { DesktopNotice } from '../../electron/contract';
import { createNotifier } from '../notifier';

const notice: DesktopNotice = { sessionId: 's1', title: 'Failed: make', body: 'exit 2 after 0:12 · make · src' };

/** A browser's Notification API: what was shown, and the permission the user gave. */
function fakeWindow(initial: NotificationPermission) {
  const shown: Array<{ title: string; options: { body: string; tag: string }; closed: boolean; onclick: (() => void) | null }> = [];
  let focused = 0;
  class FakeNotification {
    static permission: NotificationPermission = initial;
    static requestPermission = async () => (FakeNotification.permission = 'granted');
    onclick: (() => void) | null = null;
    closed = false;
    constructor(
      readonly title: string,
      readonly options: { body: string; tag: string },
    ) {
      shown.push(this);
    }
    close() {
      this.closed = true;
    }
  }
  const win = { Notification: FakeNotification, focus: () => void focused++ } as unknown as Window;
  return { win, shown, focused: () => focused };
}

describe('OS notifications in a browser', () => {
  it('shows nothing until the user allows it, then one per session; a click opens the session', async () => {
    const { win, shown, focused } = fakeWindow('default');
    const notifier = createNotifier({}, win);
    const opened: string[] = [];
    notifier.onClick((id) => opened.push(id));
    expect(notifier.permission()).toBe('default');
    notifier.show(notice);
    expect(shown).toEqual([]);

    expect(await notifier.request()).toBe('granted');
    notifier.show(notice);
    expect(shown).toHaveLength(1);
    expect(shown[0]).toMatchObject({ title: 'Failed: make', options: { body: notice.body, tag: 's1' } });
    shown[0]!.onclick!();
    expect(opened).toEqual(['s1']);
    expect(focused()).toBe(1);
    expect(shown[0]!.closed).toBe(true);
  });

  it('without the API it says so and does nothing', async () => {
    const notifier = createNotifier({}, {} as Window);
    expect(notifier.permission()).toBe('unsupported');
    expect(await notifier.request()).toBe('unsupported');
    notifier.show(notice);
  });
});

describe('OS notifications in the desktop app', () => {
  it('go to the main process with no permission asked, and its clicks come back', () => {
    const sent: DesktopNotice[] = [];
    let click: ((id: string) => void) | null = null;
    const { win, shown } = fakeWindow('denied');
    const notifier = createNotifier(
      {
        showNotification: (n) => void sent.push(n),
        onNotificationClick: (listener) => {
          click = listener;
          return () => (click = null);
        },
      },
      win,
    );
    expect(notifier.permission()).toBe('granted');
    notifier.show(notice);
    expect(sent).toEqual([notice]);
    expect(shown).toEqual([]);
    const opened: string[] = [];
    const off = notifier.onClick((id) => opened.push(id));
    click!('s1');
    expect(opened).toEqual(['s1']);
    off();
    expect(click).toBeNull();
  });
});
