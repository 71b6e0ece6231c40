/**
 * Sessions are sealed from each other and input is bounded: what hostile testing found (issue 9,
 * items 1, 2, 8 and 9), each with real shells.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { Guardian } from '../guardian';
import { MAX_PENDING_INPUT_BYTES } from '../pty-input';
import { sessionMembers } from '../process-tree';
import { HERMETIC_BASH, createHarness, dataFor, waitFor, type Harness } from './harness';

let h: Harness;
afterEach(async () => {
  vi.restoreAllMocks();
  await h?.close();
});

const shell = { ...HERMETIC_BASH, cols: 80, rows: 24 };
/** A program that never reads its input: whatever is sent to it waits in the pty and in our queue. */
const NOT_READING = { command: 'bash', args: ['--noprofile', '--norc', '-c', 'stty raw -echo; printf READY; exec sleep 600'], cols: 80, rows: 24 };

/** What each process of a session has open: fd number → target. */
function openFiles(sid: number): Map<string, string>[] {
  return sessionMembers(sid).map((pid) => {
    const fds = new Map<string, string>();
    for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
      try {
        fds.set(fd, fs.readlinkSync(`/proc/${pid}/fd/${fd}`));
      } catch {
        // closed while we looked
      }
    }
    return fds;
  });
}

describe('one session cannot reach another', () => {
  test("no process of a session holds another session's terminal, or any pty master", async () => {
    h = createHarness();
    const a = h.bridge.start(shell);
    const b = h.bridge.start(shell);
    await h.bridge.attach(h.client.id, b.session_id);
    // What a user in B would try: list the shell's fds, looking for A's master.
    h.bridge.write(b.session_id, 'ls -l /proc/$$/fd | grep -c ptmx; echo counted\r');
    await waitFor('the count', () => /^\d+\r\ncounted/m.test(dataFor(h.events, b.session_id)));
    expect(dataFor(h.events, b.session_id)).toMatch(/^0\r\ncounted/m);

    const aTty = fs.readlinkSync(`/proc/${a.pid}/fd/0`);
    for (const fds of openFiles(b.pid)) {
      const targets = [...fds.values()];
      expect(targets.filter((t) => t.includes('ptmx'))).toEqual([]);
      expect(targets).not.toContain(aTty);
    }
  });
});

describe('input to a stopped session', () => {
  test('is dropped: it never reaches a later session, and nothing is written to a closed fd', async () => {
    h = createHarness();
    const errors = vi.spyOn(console, 'error');
    for (let round = 0; round < 3; round++) {
      const stuck = h.bridge.start(NOT_READING);
      await waitFor('raw mode', async () => (await h.bridge.read(stuck.session_id, 100)).includes('READY'));
      h.bridge.write(stuck.session_id, `LEAKED-INPUT-${round} `.repeat(30_000));
      expect(h.bridge.session(stuck.session_id).pendingInput).toBeGreaterThan(0);
      const stopping = h.bridge.stop(stuck.session_id);
      // New sessions take the fd numbers the stopped one frees.
      const fresh = Array.from({ length: 3 }, () => h.bridge.start({ command: 'cat', args: [], cols: 80, rows: 24 }));
      await stopping;
      await new Promise((r) => setTimeout(r, 300));
      for (const row of fresh) {
        expect(await h.bridge.read(row.session_id, 100_000)).not.toContain('LEAKED-INPUT');
        await h.bridge.stop(row.session_id);
      }
    }
    expect(errors.mock.calls.flat().join(' ')).not.toMatch(/pty write error|EBADF/);
  });
});

describe('input to a program that does not read', () => {
  test(`is bounded at ${MAX_PENDING_INPUT_BYTES / 1024 / 1024} MiB with a typed error, and waiting for it does not spin`, async () => {
    h = createHarness();
    const { session_id: id } = h.bridge.start(NOT_READING);
    await waitFor('raw mode', async () => (await h.bridge.read(id, 100)).includes('READY'));
    const chunk = 'x'.repeat(4 * 1024 * 1024);
    const outcomes: string[] = [];
    for (let i = 0; i < 20; i++) {
      try {
        h.bridge.write(id, chunk);
        outcomes.push('ok');
      } catch (err) {
        outcomes.push((err as { code: string }).code);
      }
    }
    const fits = MAX_PENDING_INPUT_BYTES / chunk.length;
    expect(outcomes).toEqual([...Array(fits).fill('ok'), ...Array(20 - fits).fill('INPUT_BACKLOG_FULL')]);
    expect(h.bridge.session(id).pendingInput).toBeLessThanOrEqual(MAX_PENDING_INPUT_BYTES);

    // node-pty's own queue retried on every turn of the event loop (~80 % of a core, measured);
    // ours backs off to one try per 64 ms while nothing is read. CPU time, not wall time: a busy
    // machine slows the test, it does not make us use more CPU.
    const before = process.cpuUsage();
    await new Promise((r) => setTimeout(r, 1000));
    const used = process.cpuUsage(before);
    expect((used.user + used.system) / 1000).toBeLessThan(250);
  });
});

describe('requests racing a stop', () => {
  test('an attach in flight when the session is stopped fails with UNKNOWN_SESSION', async () => {
    h = createHarness();
    const { session_id: id } = h.bridge.start(shell);
    const attaching = h.bridge.attach(h.client.id, id);
    const stopping = h.bridge.stop(id);
    await expect(attaching).rejects.toMatchObject({ code: 'UNKNOWN_SESSION' });
    await stopping;
    expect(h.events.filter((e) => e.type === 'snapshot')).toEqual([]);
  });

  test('a recording begun as the session is stopped fails with UNKNOWN_SESSION and leaves no file open or on disk', async () => {
    h = createHarness();
    const { session_id: id } = h.bridge.start({ command: 'seq', args: ['1', '100000'], cols: 80, rows: 24 });
    await waitFor('output', async () => (await h.bridge.read(id, 100)).length > 0);
    const recording = h.bridge.record(id, true);
    const stopping = h.bridge.stop(id);
    await expect(recording).rejects.toMatchObject({ code: 'UNKNOWN_SESSION' });
    await stopping;
    const casts = (dir: string): string[] =>
      fs.existsSync(dir) ? fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.includes(id)) : [];
    expect(casts(path.join(h.dataDir, 'recordings'))).toEqual([]);
    const held = fs.readdirSync('/proc/self/fd').flatMap((fd) => {
      try {
        return [fs.readlinkSync(`/proc/self/fd/${fd}`)];
      } catch {
        return [];
      }
    });
    expect(held.filter((target) => target.includes(id))).toEqual([]);
  });

  test('resizes racing a command as it exits are never an uncaught error', async () => {
    h = createHarness();
    const uncaught: unknown[] = [];
    const onUncaught = (err: unknown) => uncaught.push(err);
    process.on('uncaughtException', onUncaught);
    try {
      for (let round = 0; round < 10; round++) {
        const { session_id: id } = h.bridge.start({ command: 'seq', args: ['1', '30000'], cols: 80, rows: 24 });
        for (let i = 0; h.bridge.stats().sessions.find((r) => r.session_id === id)?.state !== 'exited'; i++) {
          h.bridge.resize(id, 80 + (i % 2), 24);
          await new Promise((r) => setImmediate(r));
        }
        await h.bridge.stop(id);
      }
    } finally {
      process.off('uncaughtException', onUncaught);
    }
    expect(uncaught).toEqual([]);
  });

  test('a read in flight when the session goes fails with UNKNOWN_SESSION', async () => {
    h = createHarness();
    const { session_id: id } = h.bridge.start(shell);
    const session = h.bridge.session(id);
    const reading = session.read(100);
    session.dispose();
    await expect(reading).rejects.toMatchObject({ code: 'UNKNOWN_SESSION' });
    await expect(session.snapshot()).rejects.toMatchObject({ code: 'UNKNOWN_SESSION' });
  });
});

describe('a host that dies without a word', () => {
  test("its guardian ends every session it leaves, SIGHUP-ignorers included, once the host's end of the pipe closes", async () => {
    const guardian = new Guardian(500);
    h = createHarness({ killGraceMs: 500 }, undefined, {}, { watch: guardian });
    const ignorer = h.bridge.start({ command: 'bash', args: ['--noprofile', '--norc', '-c', "trap '' HUP; exec sleep 1000"], cols: 80, rows: 24 });
    const interactive = h.bridge.start(shell);
    await h.bridge.attach(h.client.id, interactive.session_id);
    h.bridge.write(interactive.session_id, "(trap '' HUP; exec sleep 1001) & echo started-$!\r");
    await waitFor('the background job', () => /started-\d+/.test(dataFor(h.events, interactive.session_id)));
    const sids = [ignorer.pid, interactive.pid];
    expect(sids.map((sid) => sessionMembers(sid).length).every((n) => n >= 2)).toBe(true);

    // The pipe's write end closing is all the guardian sees of a SIGKILLed host.
    guardian.dispose();
    await waitFor('every process of both sessions to be gone', () => sids.every((sid) => sessionMembers(sid).length === 0), 5000);
    await waitFor('the guardian itself to exit', () => !fs.existsSync(`/proc/${guardian.pid}`) || fs.readFileSync(`/proc/${guardian.pid}/stat`, 'utf8').includes(') Z '), 5000);
  });
});
