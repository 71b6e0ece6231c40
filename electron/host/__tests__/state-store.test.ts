/** The saved-sessions folder on disk: atomic private files, caps, and every kind of bad file. */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { SAVED_DELTA_MAX_CHARS, ScreenMirror } from '../mirror';
import { screenBudgets } from '../state';
import { INDEX_FILE, MAX_INDEX_BYTES, MAX_SCREEN_BYTES, STATE_DIR, STATE_VERSION, StateStore, processIdentity, type SessionRecord, type StateIndex } from '../state-store';
import { tempDir, waitFor } from './harness';

const record = (id: string, overrides: Partial<SessionRecord> = {}): SessionRecord => ({
  id,
  profile: 'shell',
  command: '/bin/bash',
  args: [],
  env: {},
  cwd: '/tmp',
  title: `title ${id}`,
  kept: false,
  exited: false,
  created_at: 1_700_000_000_000,
  ...overrides,
});

const index = (records: SessionRecord[]): StateIndex => ({ version: STATE_VERSION, saved_at: 1_700_000_100_000, layout: null, sessions: records });

async function storeWith(records: SessionRecord[]): Promise<StateStore> {
  const store = new StateStore(tempDir());
  store.prepare();
  for (const r of records) await store.writeScreen(r.id, { data: `screen of ${r.id}\r\n`, cols: 80, rows: 24 });
  await store.writeIndex(index(records));
  return store;
}

const files = (store: StateStore) => fs.readdirSync(store.dir).sort();

describe('writing', () => {
  test('a private folder of private files, written whole, read back as written', async () => {
    const store = await storeWith([record('a'), record('b', { kept: true, exited: true, env: { FOO: 'bar' } })]);
    expect(fs.statSync(store.dir).mode & 0o777).toBe(0o700);
    expect(files(store)).toEqual(['a.screen', 'b.screen', INDEX_FILE]);
    for (const name of files(store)) expect(fs.statSync(path.join(store.dir, name)).mode & 0o777, name).toBe(0o600);
    const loaded = store.load();
    expect(loaded.notices).toEqual([]);
    expect(loaded.savedAt).toBe(1_700_000_100_000);
    expect(loaded.sessions.map((s) => s.record)).toEqual([record('a'), record('b', { kept: true, exited: true, env: { FOO: 'bar' } })]);
    expect(loaded.sessions[1]!.screen).toEqual({ data: 'screen of b\r\n', cols: 80, rows: 24 });
  });

  test('an existing folder others can read is made private', () => {
    const dataDir = tempDir();
    fs.mkdirSync(path.join(dataDir, STATE_DIR), { mode: 0o755 });
    new StateStore(dataDir).prepare();
    expect(fs.statSync(path.join(dataDir, STATE_DIR)).mode & 0o777).toBe(0o700);
  });

  test('a screen the index lists but the disk lacks (stopped just before a crash) is skipped quietly; unlisted files are deleted', async () => {
    const store = await storeWith([record('a'), record('b')]);
    fs.rmSync(path.join(store.dir, 'b.screen'));
    fs.writeFileSync(path.join(store.dir, 'orphan.screen'), 'secret');
    fs.writeFileSync(path.join(store.dir, '.index.json.123.0.tmp'), '{"half');
    const loaded = store.load();
    expect(loaded.sessions.map((s) => s.record.id)).toEqual(['a']);
    expect(loaded.notices).toEqual([]);
    expect(files(store)).toEqual(['a.screen', INDEX_FILE]);
  });

  test('removeAll leaves nothing to restore', async () => {
    const store = await storeWith([record('a')]);
    await store.removeAll();
    expect(store.load().sessions).toEqual([]);
    expect(files(store)).toEqual([]);
  });
});

describe('a bad state file: start clean, set it aside, one notice', () => {
  const cases: Array<[string, (file: string) => void, RegExp]> = [
    ['torn', (f) => fs.writeFileSync(f, fs.readFileSync(f).subarray(0, 40)), /damaged/],
    ['garbage', (f) => fs.writeFileSync(f, Buffer.from([0xff, 0x00, 0x13, 0x37, 0x42])), /damaged/],
    ['not ours', (f) => fs.writeFileSync(f, JSON.stringify({ version: 1, sessions: 'all of them' })), /not a Linger state file/],
    ['from the future', (f) => fs.writeFileSync(f, JSON.stringify({ ...index([]), version: STATE_VERSION + 1, shape: 'new' })), /newer Linger/],
    ['oversized', (f) => fs.truncateSync(f, MAX_INDEX_BYTES + 1), /too large/],
  ];
  for (const [name, spoil, reason] of cases) {
    test(name, async () => {
      const store = await storeWith([record('a'), record('b')]);
      const file = path.join(store.dir, INDEX_FILE);
      spoil(file);
      const loaded = store.load();
      expect(loaded.sessions).toEqual([]);
      expect(loaded.layout).toBeNull();
      expect(loaded.notices).toHaveLength(1);
      expect(loaded.notices[0]!.message).toMatch(reason);
      expect(loaded.notices[0]!.message).toMatch(/started without it.*moved to .*index\.json\.corrupt-.*delete it/);
      const aside = files(store).filter((f) => f.startsWith(`${INDEX_FILE}.corrupt-`));
      expect(aside).toHaveLength(1);
      expect(loaded.notices[0]!.id).toBe(aside[0]);
      // Its screens went aside with it, whole, under the same ending (a newer Linger's, after a
      // downgrade, come back once renamed): none is left where it would be deleted as unlisted.
      const ending = aside[0]!.slice(INDEX_FILE.length);
      expect(files(store)).toEqual([`a.screen${ending}`, `b.screen${ending}`, aside[0]].sort());
      expect(loaded.notices[0]!.message).toMatch(/2 saved screens were moved beside it.*rename them all back/);
      expect(fs.readFileSync(path.join(store.dir, `b.screen${ending}`), 'utf8')).toContain('screen of b');
      // The next start finds nothing to restore, says nothing, and leaves what was set aside.
      expect(store.load().notices).toEqual([]);
      expect(files(store)).toHaveLength(3);
    });
  }

  test('a record this Linger cannot read (a path escape, a huge title) costs only that session', async () => {
    const store = await storeWith([record('a'), record('b')]);
    const file = path.join(store.dir, INDEX_FILE);
    const written = JSON.parse(fs.readFileSync(file, 'utf8')) as { sessions: Array<Record<string, unknown>> };
    written.sessions.push({ ...written.sessions[0], id: '../../etc/passwd' });
    written.sessions[1] = { ...written.sessions[1], title: 'x'.repeat(5000) };
    fs.writeFileSync(file, JSON.stringify(written));
    const loaded = store.load();
    expect(loaded.sessions.map((s) => s.record.id)).toEqual(['a']);
    expect(loaded.notices).toHaveLength(1);
    expect(loaded.notices[0]!.message).toMatch(/2 saved sessions were not in a form this Linger reads, and left out\. The others are back\./);
    expect(files(store).filter((f) => f.includes('.corrupt-'))).toEqual([]);
  });

  test('one bad screen costs only its session', async () => {
    const store = await storeWith([record('a'), record('b'), record('c'), record('d')]);
    const screen = (id: string) => path.join(store.dir, `${id}.screen`);
    fs.appendFileSync(screen('a'), 'more than the header says');
    fs.writeFileSync(screen('b'), `${JSON.stringify({ version: STATE_VERSION + 1, id: 'b', cols: 80, rows: 24, bytes: 0 })}\n`);
    fs.truncateSync(screen('c'), MAX_SCREEN_BYTES + 4096);
    const loaded = store.load();
    expect(loaded.sessions.map((s) => s.record.id)).toEqual(['d']);
    // One notice for all three: a toast each would bury the window.
    expect(loaded.notices).toHaveLength(1);
    expect(loaded.notices[0]!.message).toMatch(/saved screen of "title a".*torn.*saved screen of "title b".*newer Linger.*saved screen of "title c".*too large/);
    expect(files(store).filter((f) => f.includes('.corrupt-'))).toHaveLength(3);
  });
});

describe('the folder has one owner', () => {
  let sleeper: ReturnType<typeof spawn> | null = null;
  afterEach(() => sleeper?.kill('SIGKILL'));

  test('another live app keeps it; a gone one (or one from before a reboot) does not', async () => {
    const store = new StateStore(tempDir());
    store.prepare();
    sleeper = spawn('sleep', ['60']);
    await waitFor('the other process', () => fs.existsSync(`/proc/${sleeper!.pid}/stat`));
    const other = processIdentity(sleeper.pid!);
    expect(store.claim(other)).toBeNull();
    expect(store.claim()).toBe(sleeper.pid);
    // The same pid after a reboot (or reused by another program) is not the app that claimed it.
    expect(store.claim({ ...other, boot: 'a-boot-before-this-one' })).toBeNull();
    expect(store.claim()).toBeNull();
    expect(store.claim(other)).toBe(process.pid);
    store.release();
    expect(store.claim(other)).toBeNull();
    // Killed and not yet reaped (a zombie) is gone too.
    sleeper.kill('SIGKILL');
    await waitFor('it to die', () => !fs.existsSync(`/proc/${sleeper!.pid}`) || fs.readFileSync(`/proc/${sleeper!.pid}/stat`, 'utf8').includes(') Z'));
    expect(store.claim()).toBeNull();
  });
});

describe('caps', () => {
  test('screens over the total keep the small ones whole and share the rest equally', () => {
    expect(screenBudgets(new Map([['a', 10], ['b', 20]]), 30)).toEqual(new Map());
    expect(screenBudgets(new Map([['a', 10], ['b', 100], ['c', 100]]), 100)).toEqual(new Map([['b', 45], ['c', 45]]));
    expect(screenBudgets(new Map([['a', 50], ['b', 50], ['c', 50]]), 90)).toEqual(new Map([['a', 30], ['b', 30], ['c', 30]]));
  });

  test('a colourful screen over its cap drops its oldest lines, keeps its newest, and replays to the same screen', async () => {
    const m = new ScreenMirror(80, 24, 1000, () => {});
    for (let i = 0; i < 1000; i++) {
      const cells = Array.from({ length: 30 }, (_, j) => `\x1b[38;2;${i % 256};${j * 8};99m#`).join('');
      m.write(`line-${i} ${cells}\x1b[0m\r\n`, () => {});
    }
    const whole = await m.savedScreen(Number.MAX_SAFE_INTEGER);
    const cap = 100_000;
    expect(Buffer.byteLength(whole.data)).toBeGreaterThan(cap * 4);
    const saved = await m.savedScreen(cap);
    expect(Buffer.byteLength(saved.data)).toBeLessThanOrEqual(cap);
    // Close to the cap, not far below it: the estimate is measured, not guessed low.
    expect(Buffer.byteLength(saved.data)).toBeGreaterThan(cap * 0.75);
    const replay = new ScreenMirror(saved.cols, saved.rows, 1000, () => {});
    replay.write(saved.data, () => {});
    await replay.settled();
    const text = replay.text(10_000_000);
    expect(text).toMatch(/^line-999 #+$/m);
    expect(text).not.toMatch(/^line-0 /m);
    expect(replay.serialize()).toBe(saved.data);
    m.dispose();
    replay.dispose();
  });

  test('saved again, a screen is the last one saved plus the output since — until a resize or a flood, which serialize anew', async () => {
    const m = new ScreenMirror(40, 5, 100, () => {});
    const reference = new ScreenMirror(40, 5, 100, () => {});
    const both = (data: string) => [m, reference].forEach((x) => x.write(data, () => {}));
    const replays = async (saved: { data: string; cols: number; rows: number }) => {
      const replay = new ScreenMirror(saved.cols, saved.rows, 100, () => {});
      replay.write(saved.data, () => {});
      await replay.settled();
      await reference.settled();
      expect(replay.serialize()).toBe(reference.serialize());
      replay.dispose();
    };
    both('\x1b[1;32mfirst\x1b[0m\r\n');
    const first = await m.savedScreen(MAX_SCREEN_BYTES);
    both('second\r\n\x1b[?1049hin vim');
    const second = await m.savedScreen(MAX_SCREEN_BYTES);
    expect(second.data).toBe(`${first.data}second\r\n\x1b[?1049hin vim`);
    await replays(second);

    [m, reference].forEach((x) => x.resize(30, 6));
    const resized = await m.savedScreen(MAX_SCREEN_BYTES);
    expect(resized.data.startsWith(first.data)).toBe(false);
    expect([resized.cols, resized.rows]).toEqual([30, 6]);
    await replays(resized);

    both('x'.repeat(SAVED_DELTA_MAX_CHARS + 1));
    const flooded = await m.savedScreen(MAX_SCREEN_BYTES);
    expect(flooded.data.startsWith(resized.data)).toBe(false);
    await replays(flooded);
    m.dispose();
    reference.dispose();
  });

  test('output since a saved screen is saved after it only while it adds no more than the scrollback in lines; with no scrollback, never', async () => {
    const lines = (n: number, from = 0) => Array.from({ length: n }, (_, i) => `line ${from + i}\r\n`).join('');
    const m = new ScreenMirror(40, 5, 10, () => {});
    m.write(lines(3), () => {});
    const first = await m.savedScreen(MAX_SCREEN_BYTES);
    m.write(lines(10, 3), () => {});
    expect((await m.savedScreen(MAX_SCREEN_BYTES)).data).toBe(first.data + lines(10, 3));
    m.write(lines(11, 13), () => {});
    const anew = await m.savedScreen(MAX_SCREEN_BYTES);
    expect(anew.data.startsWith(first.data)).toBe(false);
    // The file holds what a replay would keep: 10 lines of scrollback and the screen, no more.
    expect(anew.data).not.toContain('line 0\r\n');
    m.dispose();

    const none = new ScreenMirror(40, 5, 0, () => {});
    none.write('secret\r\n', () => {});
    await none.savedScreen(MAX_SCREEN_BYTES);
    none.write(lines(6), () => {});
    const screenOnly = await none.savedScreen(MAX_SCREEN_BYTES);
    expect(screenOnly.data).not.toContain('secret');
    none.dispose();
  });

  test('a hibernated screen is saved as it sleeps, without waking', async () => {
    const m = new ScreenMirror(40, 5, 100, () => {});
    m.write('before\r\n', () => {});
    expect(await m.hibernate()).toBe(true);
    m.write('while asleep\r\n', () => {});
    const saved = await m.savedScreen(MAX_SCREEN_BYTES);
    expect(m.isHibernating).toBe(true);
    const replay = new ScreenMirror(saved.cols, saved.rows, 100, () => {});
    replay.write(saved.data, () => {});
    await replay.settled();
    expect(replay.text(1000)).toBe('before\nwhile asleep');
    m.dispose();
    replay.dispose();
  });
});
