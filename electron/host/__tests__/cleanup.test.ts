/** The cleanup loop, Stop and shutdown, against real processes and the real process table. */
import fs from 'node:fs';
import { afterEach, describe, expect, test } from 'vitest';
import { sessionMembers } from '../process-tree';
import { HERMETIC_BASH, createHarness, pidAlive, waitFor, type Harness } from './harness';

let h: Harness;
afterEach(async () => h?.close());

/** Every live descendant of `pid`, from the process table. */
function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] === 'Z') continue;
      const ppid = Number(fields[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // gone meanwhile
    }
  }
  const found: number[] = [];
  const walk = (p: number) => (children.get(p) ?? []).forEach((c) => (found.push(c), walk(c)));
  walk(pid);
  return found;
}

/** How many descendants of `pid` are running `name` (bash may exec its last command). */
function running(pid: number, name: string): number {
  return descendants(pid).filter((p) => {
    try {
      return fs.readFileSync(`/proc/${p}/comm`, 'utf8').trim() === name;
    } catch {
      return false;
    }
  }).length;
}

describe('staleness with an injected clock', () => {
  test('the sweep ends detached sessions idle past the TTL, and spares attached and kept ones', async () => {
    let now = Date.now();
    h = createHarness({ sessionTtlSeconds: 300, killGraceMs: 500 }, () => now);
    const start = () => h.bridge.start({ ...HERMETIC_BASH, cols: 80, rows: 24 }).session_id;
    const detached = start();
    const attached = start();
    const kept = start();
    const touchedLater = start();
    await h.bridge.attach(h.client.id, attached);
    h.bridge.keep(kept, true);
    const pid = h.bridge.session(detached).pid;

    now += 200_000;
    h.bridge.write(touchedLater, 'true\r');
    expect(await h.bridge.sweep()).toEqual([]);
    expect(h.bridge.stats().sessions.find((s) => s.session_id === detached)?.expires_in_seconds).toBe(100);

    now += 100_001;
    expect(h.bridge.stats().stale).toBe(1);
    expect(await h.bridge.sweep()).toEqual([detached]);
    expect(h.bridge.has(detached)).toBe(false);
    expect(pidAlive(pid)).toBe(false);
    expect([attached, kept, touchedLater].every((id) => h.bridge.has(id))).toBe(true);

    const cleaned = h.ledger.recent(50).find((e) => e.type === 'pty_session_cleaned');
    expect(cleaned).toMatchObject({ session_id: detached, data: { reason: 'stale', idle_seconds: 300, state: 'detached' } });

    now += 300_001;
    expect(await h.bridge.sweep()).toEqual([touchedLater]);
  });
});

test('in real time: a 1 s TTL and a 200 ms sweep end a detached shell and log it', async () => {
  h = createHarness({ sessionTtlSeconds: 1, cleanupIntervalSeconds: 0.2, killGraceMs: 500 });
  const stopLoops = h.bridge.run();
  try {
    const { session_id: id, pid } = h.bridge.start({ ...HERMETIC_BASH, cols: 80, rows: 24 });
    await waitFor('the cleanup', () => !h.bridge.has(id), 5000);
    // The row goes at once; the ledger line is written once the process is gone.
    await waitFor('the ledger line', () => h.ledger.recent(20).some((e) => e.type === 'pty_session_cleaned' && e.session_id === id));
    expect(pidAlive(pid)).toBe(false);
    await waitFor('a sessions push without it', () => h.events.some((e) => e.type === 'sessions' && e.stats.total_sessions === 0));
  } finally {
    stopLoops();
  }
});

describe('stop', () => {
  test('a process that ignores SIGHUP is killed after the grace period', async () => {
    h = createHarness({ killGraceMs: 300 });
    const { session_id: id, pid } = h.bridge.start({ command: 'bash', args: ['--noprofile', '--norc', '-c', "trap '' HUP; sleep 1000"], cols: 80, rows: 24 });
    await waitFor('sleep to start', () => running(pid, 'sleep') === 1);
    const began = Date.now();
    await h.bridge.stop(id);
    expect(Date.now() - began).toBeGreaterThanOrEqual(300);
    expect(sessionMembers(pid)).toEqual([]);
    expect(h.ledger.recent(5).at(-1)).toMatchObject({ type: 'pty_session_stopped', session_id: id, data: { killed: true } });
    expect(h.bridge.has(id)).toBe(false);
  });

  test('a shell that honours SIGHUP ends without escalation', async () => {
    h = createHarness({ killGraceMs: 5000 });
    const { session_id: id, pid } = h.bridge.start({ ...HERMETIC_BASH, cols: 80, rows: 24 });
    await h.bridge.stop(id);
    expect(sessionMembers(pid)).toEqual([]);
    expect(h.ledger.recent(5).at(-1)).toMatchObject({ type: 'pty_session_stopped', data: { killed: false, reason: 'user' } });
  });

  test('stopAll leaves no descendant process, including background jobs and HUP-ignorers', async () => {
    h = createHarness({ killGraceMs: 300 });
    const pids: number[] = [];
    for (const script of ['sleep 1000 & sleep 1000 & wait', "trap '' HUP; sleep 1000 & wait", 'bash -c "sleep 1000"']) {
      pids.push(h.bridge.start({ command: 'bash', args: ['--noprofile', '--norc', '-c', script], cols: 80, rows: 24 }).pid);
    }
    const { session_id: interactive, pid: shellPid } = h.bridge.start({ ...HERMETIC_BASH, cols: 80, rows: 24 });
    pids.push(shellPid);
    h.bridge.write(interactive, 'sleep 1000 &\r');
    await waitFor('every sleep to start', () => pids.reduce((n, p) => n + running(p, 'sleep'), 0) === 5);
    const everyone = pids.flatMap((p) => [p, ...descendants(p)]);
    expect(everyone.length).toBeGreaterThanOrEqual(10);

    await h.bridge.stopAll();
    expect(everyone.filter(pidAliveNotZombie)).toEqual([]);
    expect(h.bridge.stats().total_sessions).toBe(0);
  });
});

function pidAliveNotZombie(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

describe('races the host must win', () => {
  test('a tab closed while it is still attaching leaves the session detached, so it can expire', async () => {
    h = createHarness();
    const { session_id: id } = h.bridge.start({ ...HERMETIC_BASH, cols: 80, rows: 24 });
    const attaching = h.bridge.attach(h.client.id, id);
    h.bridge.detach(h.client.id, id);
    await attaching;
    expect(h.bridge.stats().sessions[0]).toMatchObject({ state: 'detached', attached: false });
  });

  test('a connection dropped while it is still attaching leaves the session detached', async () => {
    h = createHarness();
    const { session_id: id } = h.bridge.start({ ...HERMETIC_BASH, cols: 80, rows: 24 });
    const other = h.bridge.connect(() => {});
    const attaching = h.bridge.attach(other.id, id);
    other.dispose();
    await attaching;
    expect(h.bridge.stats().sessions[0]).toMatchObject({ state: 'detached', attached: false });
  });

  test('quitting while a Stop is still in its grace period waits for it: nothing survives, nothing unlogged', async () => {
    h = createHarness({ killGraceMs: 400 });
    const { session_id: id, pid } = h.bridge.start({ command: 'bash', args: ['--noprofile', '--norc', '-c', "trap '' HUP; sleep 1000"], cols: 80, rows: 24 });
    await waitFor('sleep to start', () => running(pid, 'sleep') === 1);
    const stopping = h.bridge.stop(id);
    await h.bridge.stopAll();
    expect(sessionMembers(pid)).toEqual([]);
    expect(h.ledger.recent(10).some((e) => e.type === 'pty_session_stopped' && e.session_id === id)).toBe(true);
    await stopping;
  });
});
