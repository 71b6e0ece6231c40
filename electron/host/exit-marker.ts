/**
 * Why a wrapper: on Linux, when a pty's session leader exits, the kernel hangs up its
 * controlling terminal, and the hangup flushes whatever output the master side has not read
 * yet (tty_ldisc_hangup → pty_flush_buffer). node-pty's child *is* the session leader, so the
 * last few KB of a fast process (`seq 1 200000`) are discarded before we can read them —
 * measured here: 2 of 12 runs complete (node-pty #72, #726).
 *
 * So every session runs under a tiny POSIX `sh` that is the session leader instead: it runs
 * the command, then prints an exit marker carrying a per-session nonce and the exit status,
 * and sleeps. The pty delivers bytes in order, so when the host reads the marker it has read
 * every byte the command wrote; only then does it end the wrapper. Measured with the wrapper:
 * 30 of 30 runs complete.
 *
 * `trap : INT QUIT` gives the wrapper a handler (not "ignore", which the command would
 * inherit) so Ctrl+C ends the command but not the wrapper, and the exit is still reported.
 * If the host dies, the master closes and the hangup's SIGHUP ends the sleeping wrapper.
 */
export const EXIT_MARKER_OSC = 6973;

export const WRAPPER_SHELL = '/bin/sh';

export const WRAPPER_SCRIPT = [
  'n=$1; shift',
  'trap : INT QUIT',
  '"$@"',
  's=$?',
  `printf '\\033]${EXIT_MARKER_OSC};%s;%s\\007' "$n" "$s"`,
  'exec sleep 2147483647',
].join('\n');

/** argv for node-pty: the wrapper, its name in `ps`, the nonce, then the command and its args. */
export function wrapperArgs(nonce: string, command: string, args: readonly string[]): string[] {
  return ['-c', WRAPPER_SCRIPT, 'linger-session', nonce, command, ...args];
}

/** A shell reports death by signal N as status 128+N. */
export function decodeExitStatus(status: number): { exitCode: number; signal: number | null } {
  return { exitCode: status, signal: status > 128 && status < 128 + 65 ? status - 128 : null };
}

export interface ScanResult {
  /** Output to pass on: everything before the marker, never any part of it. */
  data: string;
  /** Set once the marker has been read: the command's exit status. */
  exitStatus?: number;
}

/**
 * Finds the exit marker in the output stream and strips it. A chunk that ends with what could
 * be the start of the marker holds those few characters back until the next chunk decides.
 */
export class ExitMarkerScanner {
  private readonly prefix: string;
  private carry = '';
  private done = false;

  constructor(nonce: string) {
    this.prefix = `\x1b]${EXIT_MARKER_OSC};${nonce};`;
  }

  push(chunk: string): ScanResult {
    if (this.done) return { data: '' };
    const text = this.carry ? this.carry + chunk : chunk;
    this.carry = '';
    const at = text.indexOf(this.prefix);
    if (at >= 0) {
      const end = text.indexOf('\x07', at + this.prefix.length);
      if (end >= 0) {
        const status = Number.parseInt(text.slice(at + this.prefix.length, end), 10);
        this.done = true;
        return { data: text.slice(0, at), exitStatus: Number.isFinite(status) ? status : 0 };
      }
      // The status digits have not arrived yet.
      this.carry = text.slice(at);
      return { data: text.slice(0, at) };
    }
    const hold = this.partialPrefixLength(text);
    if (hold === 0) return { data: text };
    this.carry = text.slice(text.length - hold);
    return { data: text.slice(0, text.length - hold) };
  }

  /** Whatever was held back, for when the stream ends without a marker. */
  flush(): string {
    const rest = this.carry;
    this.carry = '';
    return rest;
  }

  /** Length of the longest tail of `text` that is a proper prefix of the marker. */
  private partialPrefixLength(text: string): number {
    const from = Math.max(0, text.length - this.prefix.length + 1);
    const esc = text.indexOf('\x1b', from);
    if (esc < 0) return 0;
    for (let i = esc; i < text.length; i++) {
      if (text.charCodeAt(i) === 0x1b && this.prefix.startsWith(text.slice(i))) return text.length - i;
    }
    return 0;
  }
}
