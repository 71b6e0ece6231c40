/**
 * What the kernel says a session is doing: the program in the foreground of its terminal, and
 * the shell's working directory. Linux only, from /proc; elsewhere every fact is null (macOS
 * would need libproc or a `ps` per session per second, which is not worth its cost here).
 *
 * Every session runs under the exit-marker wrapper (exit-marker.ts), the session leader, which
 * runs the command as its only child. So the command's pid is the wrapper's child, and the
 * terminal's foreground process group is the `tpgid` field of the wrapper's /proc stat: the
 * shell's own group at a prompt, a job's (vim's) while it runs, or the wrapper's group when
 * the command does no job control — then the command itself is in the foreground.
 */
import fs from 'node:fs';
import { readProcText, statFields } from './proc';

/**
 * Facts are read at most this often per session: stats go out once a second, and /proc reads
 * (a few µs each) must not run for every push a burst of changes causes.
 */
export const PROCESS_FACTS_MAX_AGE_MS = 1000;

/** The kernel cuts `comm` at 15 characters; a name that long may be cut, so argv[0] is read instead. */
const COMM_MAX_CHARS = 15;

export interface ProcessSnapshot {
  /** The foreground program's name (`vim`, `bash`), or null when unknown. */
  foreground: string | null;
  /** The command's working directory, or null when unknown or not asked for. */
  cwd: string | null;
}

const NOTHING: ProcessSnapshot = { foreground: null, cwd: null };

export class ProcessFacts {
  private commandPid: number | null = null;
  private cached: ProcessSnapshot = NOTHING;
  private readAt = -Infinity;
  private readWithCwd = false;

  constructor(
    private readonly wrapperPid: number,
    private readonly platform: NodeJS.Platform = process.platform,
  ) {}

  /** The facts as of at most PROCESS_FACTS_MAX_AGE_MS ago; the cwd only when `withCwd`. */
  read(now: number, withCwd: boolean): ProcessSnapshot {
    if (this.platform !== 'linux') return NOTHING;
    if (now - this.readAt < PROCESS_FACTS_MAX_AGE_MS && (this.readWithCwd || !withCwd)) return this.cached;
    this.commandPid ??= firstChild(this.wrapperPid);
    const command = this.commandPid;
    // Until the wrapper has started the command there is nothing to cache: ask again next time.
    // Between its fork and its exec the child is still a copy of the wrapper (same argv), which
    // would show the wrapper's `sh` as the foreground program for a second.
    if (command === null || readProcText(`/proc/${command}/cmdline`) === readProcText(`/proc/${this.wrapperPid}/cmdline`)) return NOTHING;
    this.readAt = now;
    this.readWithCwd = withCwd;
    const group = foregroundGroup(this.wrapperPid);
    const foregroundPid = group === null || group === this.wrapperPid ? command : group;
    this.cached = {
      foreground: programName(foregroundPid),
      cwd: withCwd ? readLink(`/proc/${command}/cwd`) : null,
    };
    return this.cached;
  }

  /** The command's working directory read now, past the cache: where a revived copy starts (state.ts). */
  cwdNow(): string | null {
    if (this.platform !== 'linux') return null;
    this.commandPid ??= firstChild(this.wrapperPid);
    const cwd = this.commandPid === null ? null : readLink(`/proc/${this.commandPid}/cwd`);
    // The cached facts learn it too: a read within the next second must not hand back an older cwd.
    if (cwd !== null && this.readWithCwd) this.cached = { ...this.cached, cwd };
    return cwd;
  }
}

/** `tpgid`: "pid (comm) state ppid pgrp session tty_nr tpgid …", comm may hold spaces and parens. */
function foregroundGroup(pid: number): number | null {
  const tpgid = Number(statFields(pid)?.[5]);
  return Number.isInteger(tpgid) && tpgid > 0 ? tpgid : null;
}

function firstChild(pid: number): number | null {
  const children = readProcText(`/proc/${pid}/task/${pid}/children`);
  const first = Number(children?.trim().split(' ')[0]);
  return Number.isInteger(first) && first > 0 ? first : null;
}

function programName(pid: number): string | null {
  const comm = readProcText(`/proc/${pid}/comm`)?.trim();
  if (!comm) return null;
  if (comm.length < COMM_MAX_CHARS) return comm;
  const argv0 = readProcText(`/proc/${pid}/cmdline`)?.split('\0')[0];
  const base = argv0?.slice(argv0.lastIndexOf('/') + 1).replace(/^-/, '');
  return base && base.startsWith(comm) ? base : comm;
}

function readLink(file: string): string | null {
  try {
    return fs.readlinkSync(file);
  } catch {
    return null;
  }
}
