/**
 * No process outlives the host, even when the host is SIGKILLed and gets no say.
 *
 * The kernel's hangup (the host's pty masters close) ends each session's wrapper, and shells
 * pass SIGHUP to their jobs — but a process that ignores SIGHUP survives (measured: 20 of 20).
 * So the host starts one small guardian: a POSIX `sh` in its own session (a Ctrl+C or SIGHUP
 * aimed at the host's terminal does not reach it), reading the ids of live sessions from a
 * pipe. When the host dies the pipe's write end closes, `read` sees EOF, and the guardian ends
 * every session still listed the way Stop does: SIGHUP, then after the grace period SIGKILL
 * to every process whose session id it is. On an orderly shutdown the host has already ended
 * and released its sessions, so the guardian finds its list empty and just exits.
 *
 * One process for the whole host, asleep in read(2): nothing per session, nothing polling.
 */
import { spawn, type ChildProcess } from 'node:child_process';

/** `$1`: the grace period in seconds. Input: `+ SID` / `- SID` lines. */
export const GUARDIAN_SCRIPT = `
grace=$1
sids=' '
while read -r op sid; do
  case $op in
    +) sids="$sids$sid " ;;
    -) case $sids in *" $sid "*) sids="\${sids%%" $sid "*} \${sids#*" $sid "}" ;; esac ;;
  esac
done
[ "$sids" = ' ' ] && exit 0
signal_sessions() {
  for sid in $sids; do
    if [ -r /proc/self/stat ]; then
      for d in /proc/[0-9]*; do
        { read -r stat < "$d/stat"; } 2>/dev/null || continue
        set -- \${stat##*) }
        [ "$1" != Z ] && [ "$4" = "$sid" ] && kill -s "$sig" "\${d#/proc/}" 2>/dev/null
      done
    else
      pkill "-$sig" -s "$sid" 2>/dev/null
    fi
  done
}
sig=HUP; signal_sessions
sleep "$grace"
sig=KILL; signal_sessions
`;

/** What the bridge tells the guardian; a host without one (tests, benchmarks) passes nothing. */
export interface SessionWatch {
  /** A session started: its leader's pid is its session id. */
  watch(sid: number): void;
  /** Its processes are gone (or were never more than the leader): forget the id before it can be reused. */
  release(sid: number): void;
}

export class Guardian implements SessionWatch {
  private readonly child: ChildProcess;
  private failed = false;

  constructor(graceMs: number, private readonly log: (message: string) => void = console.error) {
    // Whole seconds: POSIX sleep takes no fractions.
    const graceSeconds = String(Math.max(1, Math.ceil(graceMs / 1000)));
    this.child = spawn('/bin/sh', ['-c', GUARDIAN_SCRIPT, 'linger-guardian', graceSeconds], {
      detached: true,
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    this.child.on('error', (err) => this.fail(`could not start (${err.message})`));
    this.child.on('exit', (code, signal) => {
      if (!this.child.stdin?.writableEnded) this.fail(`exited early (${signal ?? code})`);
    });
    this.child.stdin?.on('error', (err) => this.fail(`stopped listening (${err.message})`));
    // Neither the guardian nor its pipe keeps the host running.
    this.child.unref();
    (this.child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  watch(sid: number): void {
    this.send(`+ ${sid}\n`);
  }

  release(sid: number): void {
    this.send(`- ${sid}\n`);
  }

  /**
   * The host is done: closing the pipe lets the guardian end whatever is still listed (nothing,
   * after an orderly shutdown) and exit.
   */
  dispose(): void {
    this.child.stdin?.end();
  }

  private send(line: string): void {
    if (!this.failed && this.child.stdin?.writable) this.child.stdin.write(line);
  }

  private fail(why: string): void {
    if (this.failed) return;
    this.failed = true;
    this.log(`Linger: the session guardian ${why}; if Linger is killed, processes that ignore SIGHUP may survive it.`);
  }
}
