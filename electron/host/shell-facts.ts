/**
 * What a session's shell has told us about itself, from the sequences OscScanner found: the
 * working directory (OSC 7), the command running and the last one finished (OSC 133/633
 * marks), and the command line (OSC 633 E, trusted only with this session's nonce).
 *
 * Anything a program prints can imitate these sequences, so every value is only ever stored
 * and shown as text: a path must be a `file://` URL of this machine, a command line must carry
 * the session's nonce (which printed text cannot know; see shell-integration.ts), lengths are
 * capped and control characters dropped.
 * A forged mark can at worst make the panel say something untrue about that same session.
 *
 * Pure: a function of the sequences and the clock readings passed in.
 */
import type { CommandSummary } from '../contract';
import type { OscSequence } from './osc-scanner';

/** A command line is shown in a card and a toast: past this it is cut with an ellipsis. */
export const MAX_COMMAND_CHARS = 500;
/** A tab shows a few dozen characters of a title and a card a line: this keeps any real one whole. */
export const MAX_TITLE_CHARS = 256;

/** A path longer than PATH_MAX is not one the kernel would give a process. */
export const MAX_PATH_CHARS = 4096;

/** A shell's exit status is 0–255. */
const EXIT_STATUS = /^\d{1,3}$/;
const CONTROL_CHARS = /[\x00-\x1f\x7f-\x9f]+/g;

interface Running {
  command: string | null;
  startedAt: number;
}

export class ShellFacts {
  /** The directory the shell last reported (OSC 7); null until it does. */
  cwd: string | null = null;
  running: Running | null = null;
  last: CommandSummary | null = null;
  /**
   * Moves when a fact a user sees changes (cwd, running command, last command): a prompt marks
   * `133;A`/`B` and repeats the same OSC 7 on every line, and none of those is worth a stats push.
   */
  revision = 0;
  /** A trusted command line waiting for its command to start (E comes before C). */
  private pendingCommand: string | null = null;

  constructor(
    /** Only `633;E` carrying this nonce gives a command line. */
    private readonly nonce: string,
    /** Host names an OSC 7 URL may name: this machine's. */
    private readonly hostnames: ReadonlySet<string>,
  ) {}

  /** Applies one sequence at `now`; returns the command it finished, if it finished one. */
  apply(sequence: OscSequence, now: number): CommandSummary | null {
    if (sequence.code === 7) {
      const path = parseFileUrl(sequence.text, this.hostnames);
      if (path !== null && path !== this.cwd) {
        this.cwd = path;
        this.revision += 1;
      }
      return null;
    }
    const [mark = '', ...params] = sequence.text.split(';');
    switch (mark) {
      case 'A':
        // A prompt while a command runs: its end was never marked (a prompt that marks only
        // A, or a shell that replaced ours); it has ended, status unknown.
        return this.running ? this.finish(null, now) : null;
      case 'C':
        if (!this.running) this.running = { command: this.pendingCommand, startedAt: now };
        else this.running.command ??= this.pendingCommand;
        this.pendingCommand = null;
        this.revision += 1;
        return null;
      case 'D':
        // A D without a C is a prompt after an empty line, or a second integration's copy.
        return this.running ? this.finish(parseExitCode(params[0]), now) : null;
      case 'E':
        if (sequence.code === 633) this.commandLine(params);
        return null;
      default:
        return null;
    }
  }

  private commandLine(params: string[]): void {
    // E;<escaped line>;<nonce>: the escaping leaves no `;` inside the line.
    if (params.length !== 2 || params[1] !== this.nonce || !this.nonce) return;
    const command = oneLine(unescapeCommand(params[0]!), MAX_COMMAND_CHARS);
    // Some shells (fish 4) mark C themselves before our script's E arrives.
    if (this.running && this.running.command === null) {
      this.running.command = command;
      this.revision += 1;
    } else this.pendingCommand = command;
  }

  private finish(exitCode: number | null, now: number): CommandSummary {
    const { command, startedAt } = this.running!;
    this.running = null;
    this.pendingCommand = null;
    this.last = { command, exit_code: exitCode, duration_ms: Math.max(0, now - startedAt) };
    this.revision += 1;
    return this.last;
  }
}

/** `file://host/path` naming this machine (empty host, `localhost`, or one of `hostnames`) → the path. */
export function parseFileUrl(url: string, hostnames: ReadonlySet<string>): string | null {
  const match = /^file:\/\/([^/]*)(\/.*)$/s.exec(url);
  if (!match) return null;
  const host = match[1]!.toLowerCase();
  if (host !== '' && host !== 'localhost' && !hostnames.has(host)) return null;
  let path: string;
  try {
    path = decodeURIComponent(match[2]!);
  } catch {
    return null;
  }
  if (path.length > MAX_PATH_CHARS || /[\x00-\x1f\x7f-\x9f]/.test(path)) return null;
  return path;
}

function parseExitCode(param: string | undefined): number | null {
  if (param === undefined || !EXIT_STATUS.test(param)) return null;
  const code = Number(param);
  return code <= 255 ? code : null;
}

/** The scripts' escaping (VS Code's): `\\` is a backslash, `\xHH` a byte. */
export function unescapeCommand(escaped: string): string {
  return escaped.replace(/\\(\\|x[0-9a-fA-F]{2})/g, (_, what: string) =>
    what === '\\' ? '\\' : String.fromCharCode(Number.parseInt(what.slice(1), 16)),
  );
}

/** One line of plain text, at most `max` characters: control characters (newlines too) become a space. */
export function oneLine(text: string, max: number): string {
  const flat = text.replace(CONTROL_CHARS, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

