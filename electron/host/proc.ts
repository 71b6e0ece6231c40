/**
 * Reading Linux's /proc, in one place that knows its formats. A process may exit between a
 * listing and a read, and some files are not ours to read: every reader answers null then.
 */
import fs from 'node:fs';

/** A /proc file's text, or null when it is gone or not ours to read. */
export function readProcText(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

/**
 * /proc/<pid>/stat from its third field on: [state, ppid, pgrp, session, tty_nr, tpgid, …,
 * starttime at 19]. The second field, `(comm)`, may hold spaces and parens, so the split starts
 * after its last `)`.
 */
export function statFields(pid: number | string): string[] | null {
  const stat = readProcText(`/proc/${pid}/stat`);
  return stat ? stat.slice(stat.lastIndexOf(')') + 2).trimEnd().split(' ') : null;
}
