/**
 * Ending a session's processes. A session is a POSIX session (the wrapper is its leader), so
 * "every process of this session" is what must end — including children that put themselves
 * in their own process group (job control) or ignore SIGHUP.
 */
import fs from 'node:fs';
import { statFields } from './proc';

/**
 * How soon `terminateSession` first looks whether the processes are gone: a shell that honours
 * SIGHUP is gone within a few ms, and Stop should feel instant. Later looks back off to
 * POLL_MAX_MS, so a HUP-ignorer's grace period costs a dozen scans of the process table, not 120.
 */
const POLL_MS = 25;
const POLL_MAX_MS = 250;
/** After SIGKILL a process is gone in microseconds; this only bounds a kernel that lags. */
const AFTER_KILL_WAIT_MS = 2000;

/**
 * Ending many sessions at once (quit, a big sweep) polls many sids together: one scan of the
 * process table serves every poll within this window instead of one scan per session.
 */
const SCAN_REUSE_MS = POLL_MS / 2;
let lastScan: { at: number; bySid: Map<number, number[]> } | null = null;

/** Live (non-zombie) pids whose session id is `sid`. Linux reads /proc; elsewhere, the group. */
export function sessionMembers(sid: number): number[] {
  if (process.platform !== 'linux') return groupAlive(sid) ? [sid] : [];
  const now = performance.now();
  if (!lastScan || now - lastScan.at > SCAN_REUSE_MS) lastScan = { at: now, bySid: scanSessions() };
  return lastScan.bySid.get(sid) ?? [];
}

function scanSessions(): Map<number, number[]> {
  const bySid = new Map<number, number[]>();
  for (const entry of fs.readdirSync('/proc')) {
    const code = entry.charCodeAt(0);
    if (code < 48 || code > 57) continue;
    const fields = statFields(entry);
    if (!fields || fields[0] === 'Z') continue;
    const sid = Number(fields[3]);
    const members = bySid.get(sid);
    if (members) members.push(Number(entry));
    else bySid.set(sid, [Number(entry)]);
  }
  return bySid;
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

export function signalProcess(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function waitUntilGone(sid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  let pause = POLL_MS;
  await sleep(pause);
  for (;;) {
    if (sessionMembers(sid).length === 0) return true;
    const left = deadline - Date.now();
    if (left <= 0) return false;
    pause = Math.min(pause * 2, POLL_MAX_MS);
    await sleep(Math.min(pause, left));
  }
}

/**
 * SIGHUP to the leader's process group (a closed terminal's signal: shells save history and
 * pass it to their jobs); after `graceMs`, SIGKILL to every process still in the session.
 * Resolves with whether it had to escalate.
 *
 * Once the leader has been reaped its pid may be reused, so then only the processes the
 * table shows in the session are signalled: Linux keeps a session id out of reuse while any
 * process still belongs to that session.
 */
export async function terminateSession(sid: number, graceMs: number, leaderReaped: boolean): Promise<{ escalated: boolean }> {
  // kill(-0) is the caller's own process group: a session without a process has nothing to end.
  if (!(sid > 0)) return { escalated: false };
  if (!leaderReaped) {
    signalProcess(-sid, 'SIGHUP');
    signalProcess(sid, 'SIGHUP');
  } else for (const pid of sessionMembers(sid)) signalProcess(pid, 'SIGHUP');
  if (await waitUntilGone(sid, graceMs)) return { escalated: false };
  for (const pid of sessionMembers(sid)) signalProcess(pid, 'SIGKILL');
  if (!leaderReaped) signalProcess(-sid, 'SIGKILL');
  await waitUntilGone(sid, AFTER_KILL_WAIT_MS);
  return { escalated: true };
}

/** Synchronous last resort when the host itself is going down and cannot wait. */
export function killSessionNow(sid: number, leaderReaped: boolean): void {
  if (!(sid > 0)) return;
  for (const pid of sessionMembers(sid)) signalProcess(pid, 'SIGKILL');
  if (!leaderReaped) signalProcess(-sid, 'SIGKILL');
}
