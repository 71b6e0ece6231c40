/** Real shells through real node-pty: the output path, reattach, exit, flow control, input. */
import { createHash } from 'node:crypto';
import headless from '@xterm/headless';
import { afterEach, describe, expect, test, vi } from 'vitest';
import type { HostEvent } from '../../contract';
import { BATCH_MAX_CHARS } from '../batcher';
import { FLOW_HIGH_WATERMARK_BYTES, VIEW_STALL_MS } from '../flow';
import { HIDDEN_FLOOD_BYTES } from '../view-stalls';
import { ScreenMirror } from '../mirror';
import { VIM_MISSING, VIM_SKIP_REASON } from '../../../e2e/support/vim';
import { HERMETIC_BASH, createHarness, dataFor, waitFor, type Harness } from './harness';

let h: Harness;
afterEach(async () => {
  vi.restoreAllMocks();
  await h?.close();
});

/** What a view shows after applying every event it got for a session: its last snapshot, then data. */
async function viewText(events: HostEvent[], sessionId: string): Promise<string> {
  const mine = events.filter((e) => 'sessionId' in e && e.sessionId === sessionId);
  const snapshot = mine.findLast((e) => e.type === 'snapshot');
  if (!snapshot || snapshot.type !== 'snapshot') throw new Error('no snapshot received');
  const view = new ScreenMirror(snapshot.cols, snapshot.rows, 1000, () => {});
  view.write(snapshot.data, () => {});
  const utf8 = new TextDecoder();
  for (const e of mine.slice(mine.indexOf(snapshot) + 1)) if (e.type === 'data') view.write(utf8.decode(e.data, { stream: true }), () => {});
  await view.settled();
  const text = view.text(1_000_000);
  view.dispose();
  return text;
}

const VIM = ['vim', '-u', 'NONE', '-N', '-i', 'NONE', '-n'];

describe('reattach', () => {
  test('restores a screen drawn while detached, alternate buffer (vim) and normal buffer both', async ({ skip }) => {
    skip(VIM_MISSING, VIM_SKIP_REASON);
    h = createHarness();
    const { session_id: id } = h.bridge.start({ ...HERMETIC_BASH, cols: 80, rows: 24 });
    await h.bridge.attach(h.client.id, id);
    h.bridge.write(id, 'echo before-$((1+1))\r');
    await waitFor('first output', () => dataFor(h.events, id).includes('before-2'));
    h.bridge.detach(h.client.id, id);
    expect(h.bridge.stats().sessions[0].state).toBe('detached');

    h.bridge.write(id, "printf 'drawn while detached %s\\n' 1 2 3\r");
    await waitFor('detached output', async () => (await h.bridge.read(id, 4000)).includes('drawn while detached 3'));
    h.bridge.write(id, `${VIM.join(' ')}\r`);
    await waitFor('vim', async () => /^~\s*$/m.test(await h.bridge.read(id, 4000)));
    h.bridge.write(id, 'ihello from vim\x1b');
    await waitFor('vim text', async () => (await h.bridge.read(id, 4000)).includes('hello from vim'));

    const events: HostEvent[] = [];
    const second = h.bridge.connect((e) => events.push(e));
    await h.bridge.attach(second.id, id);
    const inVim = await viewText(events, id);
    expect(inVim).toMatch(/^hello from vim$/m);
    expect(inVim).toMatch(/^~$/m);
    expect(inVim).not.toContain('drawn while detached');

    h.bridge.write(id, ':q!\r');
    await waitFor('back in the shell', async () => !(await viewText(events, id)).includes('hello from vim'));
    const shell = await viewText(events, id);
    expect(shell).toMatch(/^before-2$/m);
    expect(shell).toMatch(/^drawn while detached 3$/m);
    second.dispose();
  });

  test('attaching in the middle of a flood neither drops nor repeats a line', async () => {
    h = createHarness();
    const { session_id: id } = h.bridge.start({ command: 'seq', args: ['1', '300000'], cols: 80, rows: 24 });
    await waitFor('the flood to start', async () => (await h.bridge.read(id, 200)).length > 0);
    const events: HostEvent[] = [];
    const view = h.bridge.connect((e) => {
      events.push(e);
      if (e.type === 'data') h.bridge.ack(view.id, id, e.data.length);
    });
    await h.bridge.attach(view.id, id);
    await waitFor('exit', () => events.some((e) => e.type === 'exit'));
    // The view's screen must equal the mirror's: the last 24 lines, consecutive, ending at 300000.
    const shown = (await viewText(events, id)).split('\n').slice(-23);
    expect(shown).toEqual(Array.from({ length: 23 }, (_, i) => String(300000 - 22 + i)));
    view.dispose();
  });
});

describe('no output lost at exit', () => {
  test('seq 1 200000 run as the command: 200000 reaches the data stream and the mirror, 50 of 50 runs', async () => {
    h = createHarness();
    const RUNS = 50;
    const CONCURRENCY = 5;
    let complete = 0;
    const one = async () => {
      const events: HostEvent[] = [];
      const view = h.bridge.connect((e) => {
        events.push(e);
        if (e.type === 'data') h.bridge.ack(view.id, e.sessionId, e.data.length);
      });
      const { session_id: id } = h.bridge.start({ command: 'seq', args: ['1', '200000'], cols: 80, rows: 24 });
      await h.bridge.attach(view.id, id);
      await waitFor('exit', () => events.some((e) => e.type === 'exit'), 30_000);
      const exitAt = events.findIndex((e) => e.type === 'exit');
      const lastDataAt = events.findLastIndex((e) => e.type === 'data');
      const exit = events[exitAt];
      const streamOk = dataFor(events, id).endsWith('199999\r\n200000\r\n');
      const mirrorOk = (await h.bridge.read(id, 100)).endsWith('199999\n200000');
      if (streamOk && mirrorOk && lastDataAt < exitAt && exit.type === 'exit' && exit.exitCode === 0) complete += 1;
      view.dispose();
      await h.bridge.stop(id);
    };
    for (let round = 0; round < RUNS / CONCURRENCY; round++) {
      await Promise.all(Array.from({ length: CONCURRENCY }, one));
    }
    expect(complete).toBe(RUNS);
  }, 180_000);

  test('the exit code and the exit line are reported, and an exited session keeps its screen', async () => {
    h = createHarness();
    const { session_id: id } = h.bridge.start({ command: 'bash', args: ['--noprofile', '--norc', '-c', 'echo bye; exit 3'], cols: 80, rows: 24 });
    await h.bridge.attach(h.client.id, id);
    await waitFor('exit', () => h.events.some((e) => e.type === 'exit'));
    expect(h.events.find((e) => e.type === 'exit')).toMatchObject({ exitCode: 3, signal: null });
    const row = h.bridge.stats().sessions[0];
    expect(row).toMatchObject({ state: 'exited', alive: false, exit_code: 3 });
    expect(await h.bridge.read(id, 100)).toBe('bye');
    expect(() => h.bridge.write(id, 'x')).toThrow(expect.objectContaining({ code: 'SESSION_EXITED' }));
    expect(h.ledger.recent(10).map((e) => e.type)).toContain('pty_session_exited');
  });
});

describe('flow control', () => {
  test('a flood pauses the pty while the view has not acked, and resumes on ack', async () => {
    h = createHarness();
    const received = () => dataFor(h.events, id).length;
    const { session_id: id } = h.bridge.start({ command: 'yes', args: ['flood'], cols: 80, rows: 24 });
    await h.bridge.attach(h.client.id, id);
    await waitFor('the view to fall behind', () => received() > FLOW_HIGH_WATERMARK_BYTES);
    await new Promise((r) => setTimeout(r, 300));
    const stalled = received();
    await new Promise((r) => setTimeout(r, 500));
    expect(received()).toBe(stalled);
    expect(stalled).toBeLessThanOrEqual(FLOW_HIGH_WATERMARK_BYTES + 2 * BATCH_MAX_CHARS);

    h.bridge.ack(h.client.id, id, stalled);
    await waitFor('output to resume', () => received() > stalled);
    expect(received()).toBeGreaterThan(stalled);
  });
});

describe('a view that stops taking output', () => {
  test('is set aside after VIEW_STALL_MS: the session runs on for everyone, and the view gets the screen once it catches up', async () => {
    let clock = 1_000_000;
    h = createHarness({}, () => clock);
    const { session_id: id } = h.bridge.start({ ...HERMETIC_BASH, cols: 80, rows: 24 });
    const mine = () => h.events.filter((e) => 'sessionId' in e && e.sessionId === id);
    const bytes = () => dataFor(h.events, id).length;
    const snapshots = () => mine().filter((e): e is Extract<HostEvent, { type: 'snapshot' }> => e.type === 'snapshot');
    await h.bridge.attach(h.client.id, id);
    h.bridge.write(id, 'seq 1 300000; echo FLOOD-$((1+1))\r');
    await waitFor('the view to fall a window behind', () => bytes() > FLOW_HIGH_WATERMARK_BYTES);

    clock += VIEW_STALL_MS - 1;
    await h.bridge.tick(clock);
    await new Promise((r) => setTimeout(r, 300));
    expect(await h.bridge.read(id, 200)).not.toContain('FLOOD-2');

    clock += 1;
    await h.bridge.tick(clock);
    await waitFor('the session to run on without the view', async () => (await h.bridge.read(id, 200)).includes('FLOOD-2'));
    const sent = bytes();
    expect(sent).toBeLessThanOrEqual(FLOW_HIGH_WATERMARK_BYTES + 2 * BATCH_MAX_CHARS);
    expect(snapshots()).toHaveLength(1);

    h.bridge.ack(h.client.id, id, sent - 1);
    await new Promise((r) => setTimeout(r, 100));
    expect(snapshots()).toHaveLength(1);
    h.bridge.ack(h.client.id, id, 1);
    const fresh = await waitFor('a fresh snapshot', () => snapshots()[1]);
    expect(fresh.data).toContain('300000');
    expect(fresh.data).toContain('FLOOD-2');

    h.bridge.write(id, 'echo live-$((2+3))\r');
    await waitFor('live output again', () => {
      const after = mine().slice(mine().indexOf(fresh) + 1);
      return Buffer.concat(after.flatMap((e) => (e.type === 'data' ? [e.data] : []))).toString().includes('live-5');
    });
  });

  test('a view quiet for a minute that falls a window behind at the start of a flood is not set aside at once', async () => {
    let clock = 1_000_000;
    h = createHarness({}, () => clock);
    const { session_id: id } = h.bridge.start({ ...HERMETIC_BASH, cols: 80, rows: 24 });
    await h.bridge.attach(h.client.id, id);
    h.bridge.write(id, 'echo ready-$((1+1))\r');
    await waitFor('the prompt', () => dataFor(h.events, id).includes('ready-2'));
    h.bridge.ack(h.client.id, id, dataFor(h.events, id).length);
    clock += 60_000;
    h.bridge.write(id, 'seq 1 300000; echo FLOOD-$((1+1))\r');
    await waitFor('the view to fall a window behind', () => dataFor(h.events, id).length > FLOW_HIGH_WATERMARK_BYTES);
    clock += 1;
    await h.bridge.tick(clock);
    await new Promise((r) => setTimeout(r, 500));
    expect(await h.bridge.read(id, 200)).not.toContain('FLOOD-2');
  });

  test('set aside when its session exits, it gets the last screen before the exit', async () => {
    let clock = 1_000_000;
    h = createHarness({}, () => clock);
    const { session_id: id } = h.bridge.start({ ...HERMETIC_BASH, cols: 80, rows: 24 });
    const mine = () => h.events.filter((e) => 'sessionId' in e && e.sessionId === id);
    await h.bridge.attach(h.client.id, id);
    h.bridge.write(id, 'seq 1 300000; exit 3\r');
    await waitFor('the view to fall a window behind', () => dataFor(h.events, id).length > FLOW_HIGH_WATERMARK_BYTES);
    clock += VIEW_STALL_MS;
    await h.bridge.tick(clock);
    await waitFor('the exit', () => mine().some((e) => e.type === 'exit'));
    const [last, exit] = mine().slice(-2);
    expect(last).toMatchObject({ type: 'snapshot', session: { state: 'running' } });
    expect(last.type === 'snapshot' && last.data).toContain('300000');
    expect(exit).toMatchObject({ type: 'exit', exitCode: 3 });
  });
});

describe('a view not shown', () => {
  /** A view that acknowledges everything it is sent, as a tab keeping up does. */
  function keepingUp(h: Harness, sessionId: string) {
    const events: HostEvent[] = [];
    const view = h.bridge.connect((e) => {
      events.push(e);
      if (e.type === 'data') h.bridge.ack(view.id, sessionId, e.data.length);
    });
    const mine = () => events.filter((e) => 'sessionId' in e && e.sessionId === sessionId);
    const snapshots = () => mine().filter((e): e is Extract<HostEvent, { type: 'snapshot' }> => e.type === 'snapshot');
    return { view, events, snapshots, bytes: () => dataFor(events, sessionId).length };
  }

  test('stays live for a little output; a flood past HIDDEN_FLOOD_BYTES is not sent to it, and shown again it gets the screen, then live output', async () => {
    h = createHarness();
    const { session_id: id } = h.bridge.start({ ...HERMETIC_BASH, cols: 80, rows: 24 });
    const shown = keepingUp(h, id);
    const hidden = keepingUp(h, id);
    await h.bridge.attach(shown.view.id, id);
    await h.bridge.attach(hidden.view.id, id);
    h.bridge.setVisible(hidden.view.id, id, false);

    h.bridge.write(id, 'echo small-$((1+1))\r');
    await waitFor('a little output to reach the hidden view live', () => dataFor(hidden.events, id).includes('small-2'));
    h.bridge.write(id, 'seq 1 400000; echo FLOOD-$((1+1))\r');
    await waitFor('the flood to reach the shown view', () => dataFor(shown.events, id).includes('FLOOD-2'), 30_000);
    expect(hidden.bytes()).toBeLessThanOrEqual(HIDDEN_FLOOD_BYTES);
    expect(dataFor(hidden.events, id)).not.toContain('FLOOD-2');
    expect(hidden.snapshots()).toHaveLength(1);

    h.bridge.setVisible(hidden.view.id, id, true);
    const fresh = await waitFor('the screen afresh', () => hidden.snapshots()[1]);
    expect(fresh.data).toContain('FLOOD-2');
    expect(await viewText(hidden.events, id)).toBe(await viewText(shown.events, id));

    h.bridge.write(id, 'echo live-$((2+3))\r');
    await waitFor('live output again', () => {
      const after = hidden.events.slice(hidden.events.indexOf(fresh) + 1);
      return Buffer.concat(after.flatMap((e) => (e.type === 'data' && e.sessionId === id ? [e.data] : []))).toString().includes('live-5');
    });
    shown.view.dispose();
    hidden.view.dispose();
  }, 60_000);

  test('one that takes nothing holds the session back for no one: the flood runs on for the view that is shown', async () => {
    h = createHarness();
    const { session_id: id } = h.bridge.start({ ...HERMETIC_BASH, cols: 80, rows: 24 });
    const shown = keepingUp(h, id);
    const stuck: HostEvent[] = [];
    const hidden = h.bridge.connect((e) => stuck.push(e));
    await h.bridge.attach(shown.view.id, id);
    await h.bridge.attach(hidden.id, id);
    h.bridge.setVisible(hidden.id, id, false);
    h.bridge.write(id, 'seq 1 400000; echo FLOOD-$((1+1))\r');
    // Well before VIEW_STALL_MS, after which any view that takes nothing is set aside.
    await waitFor('the flood to reach the shown view', () => dataFor(shown.events, id).includes('FLOOD-2'), VIEW_STALL_MS / 2);
    expect(dataFor(stuck, id).length).toBeLessThanOrEqual(FLOW_HIGH_WATERMARK_BYTES);
    shown.view.dispose();
    hidden.dispose();
  }, 60_000);

  test('shown again before it has taken what it was sent, it gets the screen once it has', async () => {
    h = createHarness();
    const { session_id: id } = h.bridge.start({ ...HERMETIC_BASH, cols: 80, rows: 24 });
    const events: HostEvent[] = [];
    const view = h.bridge.connect((e) => events.push(e));
    const snapshots = () => events.filter((e) => e.type === 'snapshot');
    await h.bridge.attach(view.id, id);
    h.bridge.setVisible(view.id, id, false);
    // Acknowledged all but its last byte, so it still owes one when set aside.
    h.bridge.write(id, 'seq 1 400000; echo FLOOD-$((1+1))\r');
    let acked = 0;
    await waitFor('the flood to end without the view', async () => {
      const sent = dataFor(events, id).length;
      if (sent - 1 > acked) h.bridge.ack(view.id, id, sent - 1 - acked);
      acked = Math.max(acked, sent - 1);
      return (await h.bridge.read(id, 200)).includes('FLOOD-2');
    }, 30_000);
    h.bridge.setVisible(view.id, id, true);
    await new Promise((r) => setTimeout(r, 200));
    expect(snapshots()).toHaveLength(1);
    h.bridge.ack(view.id, id, 1);
    const fresh = await waitFor('the screen afresh', () => snapshots()[1]);
    expect(fresh.type === 'snapshot' && fresh.data).toContain('FLOOD-2');
    view.dispose();
  }, 60_000);

  test('set aside when its session exits, it gets the last screen before the exit', async () => {
    h = createHarness();
    const { session_id: id } = h.bridge.start({ ...HERMETIC_BASH, cols: 80, rows: 24 });
    const hidden = keepingUp(h, id);
    await h.bridge.attach(hidden.view.id, id);
    h.bridge.setVisible(hidden.view.id, id, false);
    h.bridge.write(id, 'seq 1 400000; exit 3\r');
    await waitFor('the exit', () => hidden.events.some((e) => e.type === 'exit'), 30_000);
    const mine = hidden.events.filter((e) => 'sessionId' in e && e.sessionId === id);
    const [last, exit] = mine.slice(-2);
    expect(last.type === 'snapshot' && last.data).toContain('\n400000\r');
    expect(exit).toMatchObject({ type: 'exit', exitCode: 3 });
    expect(hidden.bytes()).toBeLessThanOrEqual(HIDDEN_FLOOD_BYTES);
    hidden.view.dispose();
  }, 60_000);

  test('an unknown session is a typed error; a view hidden before it attached is shown, as every new view is', async () => {
    h = createHarness();
    expect(() => h.bridge.setVisible(h.client.id, 'nope', false)).toThrow(expect.objectContaining({ code: 'UNKNOWN_SESSION' }));
    const { session_id: id } = h.bridge.start({ ...HERMETIC_BASH, cols: 80, rows: 24 });
    h.bridge.setVisible(h.client.id, id, false);
    await h.bridge.attach(h.client.id, id);
    h.bridge.write(id, 'seq 1 400000; echo FLOOD-$((1+1))\r');
    await waitFor('the flood to reach a view that never said it was hidden', () => {
      const sent = dataFor(h.events, id);
      h.bridge.ack(h.client.id, id, 1 << 30);
      return sent.includes('FLOOD-2');
    }, 30_000);
  }, 60_000);
});

describe('input', () => {
  test('a 5 MB paste reaches the process whole', async () => {
    h = createHarness();
    const SIZE = 5 * 1024 * 1024;
    const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789 .,;\n';
    let paste = '';
    const piece = Array.from({ length: 4096 }, (_, i) => alphabet[(i * 7919) % alphabet.length]).join('');
    while (paste.length < SIZE) paste += piece;
    paste = paste.slice(0, SIZE);
    const script = `stty raw -echo; printf READY; head -c ${SIZE} | sha256sum`;
    const { session_id: id } = h.bridge.start({ command: 'bash', args: ['--noprofile', '--norc', '-c', script], cols: 80, rows: 24 });
    await h.bridge.attach(h.client.id, id);
    await waitFor('raw mode', () => dataFor(h.events, id).includes('READY'));
    h.bridge.write(id, paste);
    const expected = createHash('sha256').update(paste).digest('hex');
    await waitFor('the checksum', () => dataFor(h.events, id).includes(expected), 60_000);
  }, 90_000);

  test('resize reaches the program and the mirror', async () => {
    h = createHarness();
    const { session_id: id } = h.bridge.start({ ...HERMETIC_BASH, cols: 80, rows: 24 });
    await h.bridge.attach(h.client.id, id);
    h.bridge.resize(id, 132, 43);
    h.bridge.write(id, 'stty size\r');
    await waitFor('new size', () => dataFor(h.events, id).includes('43 132'));
    expect(h.bridge.stats().sessions[0]).toMatchObject({ cols: 132, rows: 43 });
  });

  test('a storm of resizes costs one reflow of the mirror, and the last size wins', async () => {
    h = createHarness();
    const { session_id: id } = h.bridge.start({ ...HERMETIC_BASH, cols: 1000, rows: 1000 });
    await h.bridge.read(id, 10);
    const reflows = vi.spyOn(headless.Terminal.prototype, 'resize');
    for (let i = 0; i < 200; i++) h.bridge.resize(id, i % 2 ? 1000 : 999, i % 2 ? 999 : 1000);
    h.bridge.resize(id, 120, 40);
    expect(h.bridge.stats().sessions[0]).toMatchObject({ cols: 120, rows: 40 });
    h.bridge.write(id, 'stty size\r');
    await waitFor('the last size', async () => /^40 120$/m.test(await h.bridge.read(id, 4000)));
    expect(reflows.mock.calls).toEqual([[120, 40]]);
  });

  test('the shell title (OSC 0) becomes the session title', async () => {
    h = createHarness();
    const { session_id: id } = h.bridge.start({ ...HERMETIC_BASH, cols: 80, rows: 24 });
    h.bridge.write(id, "printf '\\033]0;my build\\007'\r");
    await waitFor('title', () => h.bridge.stats().sessions[0].title === 'my build');
  });
});

describe('hibernation of detached sessions', () => {
  test('a detached, quiet session hibernates; reattach shows its screen without waking it; read wakes it as it was', async () => {
    h = createHarness();
    const { session_id: id } = h.bridge.start({ ...HERMETIC_BASH, cols: 80, rows: 24 });
    await h.bridge.attach(h.client.id, id);
    h.bridge.write(id, "printf 'kept %s\\n' 1 2 3\r");
    await waitFor('output', () => dataFor(h.events, id).includes('kept 3'));
    const session = h.bridge.session(id);

    await h.bridge.tick(Date.now() + 60_000);
    expect(session.isHibernating).toBe(false); // a view is attached

    h.bridge.detach(h.client.id, id);
    await h.bridge.tick(Date.now() + 1000);
    expect(session.isHibernating).toBe(false); // not quiet for long enough
    await h.bridge.tick(Date.now() + 60_000);
    expect(session.isHibernating).toBe(true);

    h.bridge.write(id, 'echo while-asleep\r');
    await waitFor('output while hibernating', async () => (await h.bridge.read(id, 4000)).includes('\nwhile-asleep'));
    await h.bridge.tick(Date.now() + 60_000);
    expect(session.isHibernating).toBe(true);

    const events: HostEvent[] = [];
    const view = h.bridge.connect((e) => events.push(e));
    await h.bridge.attach(view.id, id);
    expect(session.isHibernating).toBe(true);
    const shown = await viewText(events, id);
    expect(shown).toMatch(/^kept 3$/m);
    expect(shown).toMatch(/^while-asleep$/m);

    // Live output reaches the view after that screen; the mirror, woken by a read, has it all too.
    h.bridge.write(id, 'echo awake-$((1+1))\r');
    await waitFor('live output', () => dataFor(events, id).includes('awake-2'));
    expect(await viewText(events, id)).toMatch(/^while-asleep$[\s\S]*^awake-2$/m);
    const read = await h.bridge.read(id, 4000);
    expect(session.isHibernating).toBe(false);
    expect(read).toMatch(/^kept 3$[\s\S]*^while-asleep$[\s\S]*^awake-2$/m);
    view.dispose();
  });
});

test("shells get neither the host's secrets nor Electron's switches, and get the user's desktop back", async () => {
  h = createHarness({}, undefined, {
    LINGER_TOKEN: 'secret',
    ELECTRON_RUN_AS_NODE: '1',
    ORIGINAL_XDG_CURRENT_DESKTOP: 'GNOME',
    XDG_CURRENT_DESKTOP: 'Unity',
  });
  const { session_id: id } = h.bridge.start({ ...HERMETIC_BASH, cols: 80, rows: 24 });
  h.bridge.write(id, 'echo "[$LINGER_TOKEN|$ELECTRON_RUN_AS_NODE|$XDG_CURRENT_DESKTOP|$ORIGINAL_XDG_CURRENT_DESKTOP|$TERM]"\r');
  await waitFor('the env line', async () => /^\[.*\]$/m.test(await h.bridge.read(id, 4000)));
  expect(await h.bridge.read(id, 4000)).toMatch(/^\[\|\|GNOME\|\|xterm-256color\]$/m);
});
