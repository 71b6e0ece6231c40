/**
 * Records one session's output as asciicast v2 (https://docs.asciinema.org/manual/asciicast/v2/),
 * appended live to a file in the data dir: a header line, then one `[seconds, "o", data]` line
 * per batch of output and `[seconds, "r", "COLSxROWS"]` per resize. Scrollback holds secrets,
 * so the folder is 0700 and the file 0600, and the bridge deletes the file when the session ends —
 * except when the app quits with the session saved: its recording then goes on after the restart,
 * in the same file (`resume`), marked `[seconds, "m", "Linger restarted"]`.
 *
 * Each event is one synchronous write of one whole line (as the ledger does), so the file is
 * complete and in order at any moment and `export` can read it while recording goes on. A batch
 * is at most 64 KB; interactive output brings one every 16 ms at most, and a flood, which brings
 * them back to back, meets the cap after 16 MiB of writes, when the writes stop.
 */
import fs from 'node:fs';
import path from 'node:path';
import { LingerError } from '../contract';
import { castHeader } from './export';
import { reportFailure } from './log';
import { PRIVATE_DIR_MODE, makeDirs } from './startup';
import type { OutputRecorder } from './session';

/**
 * A recording stops growing past this. asciicast players (asciinema-player in a browser,
 * `asciinema play`) load the whole file into memory, and `export` sends it in one frame; 16 MiB is
 * hours of interactive work, so what it cuts is a flood (a `cat` of a big log), not a day's typing.
 */
export const RECORDING_MAX_BYTES = 16 * 1024 * 1024;

export const RECORDINGS_DIR = 'recordings';

/** The marker (asciicast v2 "m" event) where a recording goes on after the app restarted. */
export const RESTART_MARKER = 'Linger restarted';

/**
 * How much of a resumed recording's end is read to find its last event's time: a line is one
 * batch of at most 64 KB, escaped as JSON to at most 6 times that, so the last whole line is in it.
 */
const RESUME_TAIL_BYTES = 1024 * 1024;

/** Clears a player's terminal before the screen a revived session starts with. */
const RESET_TERMINAL = '\x1bc';

export interface RecorderOptions {
  file: string;
  title: string;
  now: () => number;
  maxBytes?: number;
  /** Go on with the recording in `file` (a revived session's), instead of starting a new one. */
  resume?: boolean;
}

export class Recorder implements OutputRecorder {
  readonly file: string;
  /** Past the cap: later output was not recorded. */
  truncated = false;
  private readonly title: string;
  private readonly now: () => number;
  private readonly maxBytes: number;
  private readonly resume: boolean;
  private fd: number | null = null;
  private stopped = false;
  private startedAt = 0;
  private bytes = 0;

  constructor(options: RecorderOptions) {
    this.file = options.file;
    this.title = options.title;
    this.now = options.now;
    this.maxBytes = options.maxBytes ?? RECORDING_MAX_BYTES;
    this.resume = options.resume ?? false;
  }

  begin(cols: number, rows: number, screen: string): boolean {
    if (this.stopped) return false;
    if (this.resume) return this.reopen(cols, rows, screen);
    this.startedAt = this.now();
    try {
      // A recording restarted on the same session replaces the old one.
      this.fd = fs.openSync(this.file, 'w', 0o600);
    } catch (err) {
      throw new LingerError('SAVE_FAILED', `Could not start recording to ${this.file}: ${(err as Error).message}. Check that folder's permissions and free space.`);
    }
    this.append(castHeader(cols, rows, this.startedAt, this.title));
    if (screen) this.append(JSON.stringify([0, 'o', screen]));
    return true;
  }

  output(data: string): void {
    this.event('o', data);
  }

  resize(cols: number, rows: number): void {
    this.event('r', `${cols}x${rows}`);
  }

  /** Until stopped: a second request to record while this one begins finds it here. */
  get recording(): boolean {
    return !this.stopped;
  }

  /** Stops appending; the file stays for `export`. */
  stop(): void {
    this.stopped = true;
    if (this.fd === null) return;
    fs.closeSync(this.fd);
    this.fd = null;
  }

  /** Stops and deletes the file. */
  remove(): void {
    this.stop();
    fs.rmSync(this.file, { force: true });
  }

  /** The recording so far: header and events, one a line. */
  content(): string {
    return fs.readFileSync(this.file, 'utf8');
  }

  /** Seconds since the recording began, as asciicast times them. */
  elapsed(): number {
    return Math.max(0, (this.now() - this.startedAt) / 1000);
  }

  /**
   * Goes on with the recording the last app left: its times carry on from its last event (the
   * time the app was down is not played back as a pause), after a marker, the size, and the screen
   * the revived session starts with; still within the size cap. A file it cannot go on with stays
   * as it is, for export, and nothing more is recorded (false): the session itself is unharmed.
   */
  private reopen(cols: number, rows: number, screen: string): boolean {
    try {
      this.fd = fs.openSync(this.file, fs.constants.O_RDWR | fs.constants.O_APPEND | (fs.constants.O_NOFOLLOW ?? 0));
      const { whole, lastTime } = castEnd(this.fd);
      // A line torn by a crash mid-write would run into the next one.
      if (whole < fs.fstatSync(this.fd).size) fs.ftruncateSync(this.fd, whole);
      this.bytes = whole;
      this.startedAt = this.now() - lastTime * 1000;
    } catch (err) {
      reportFailure(`going on with the recording in ${this.file} (it is kept as it was; record again to start a new one)`)(err);
      if (this.fd !== null) fs.closeSync(this.fd);
      this.fd = null;
      this.stopped = true;
      return false;
    }
    this.event('m', RESTART_MARKER);
    this.resize(cols, rows);
    this.output(RESET_TERMINAL + screen);
    return true;
  }

  private event(code: 'o' | 'r' | 'm', data: string): void {
    if (this.fd === null || this.truncated) return;
    this.append(JSON.stringify([Number(this.elapsed().toFixed(6)), code, data]));
  }

  private append(json: string): void {
    const line = Buffer.from(json + '\n');
    if (this.bytes + line.length > this.maxBytes) {
      this.truncated = true;
      return;
    }
    try {
      fs.writeSync(this.fd as number, line);
      this.bytes += line.length;
    } catch (err) {
      // A full disk ends the recording, never the session's output.
      reportFailure(`recording to ${this.file}`)(err);
      this.truncated = true;
    }
  }
}

/**
 * Where a recording's whole lines end, and its last event's time (0 with none). Throws for a file
 * with no whole header line: there is nothing to go on with.
 */
function castEnd(fd: number): { whole: number; lastTime: number } {
  const size = fs.fstatSync(fd).size;
  const start = Math.max(0, size - RESUME_TAIL_BYTES);
  const tail = Buffer.alloc(size - start);
  fs.readSync(fd, tail, 0, tail.length, start);
  const end = tail.lastIndexOf(0x0a) + 1;
  if (end === 0) throw new Error('the recording has no complete line');
  const lines = tail.subarray(0, end).toString('utf8').split('\n');
  for (const line of lines.reverse()) {
    try {
      const event = JSON.parse(line) as unknown;
      if (Array.isArray(event) && typeof event[0] === 'number') return { whole: start + end, lastTime: event[0] };
    } catch {
      // The header, the blank after the last newline, or the cut first line of the tail.
    }
  }
  return { whole: start + end, lastTime: 0 };
}

/**
 * A recording the last app left for a session it saved, moved into this process's folder (before
 * the first new recording clears the folders of processes that are gone). Its path, or null when
 * it is not there (deleted, or cleared by a run that did not restore).
 */
export function adoptRecording(dataDir: string, folder: string, sessionId: string, pid: number = process.pid): string | null {
  const root = path.join(dataDir, RECORDINGS_DIR);
  const from = path.join(root, folder, `${sessionId}.cast`);
  const to = path.join(root, String(pid), `${sessionId}.cast`);
  try {
    makeDirs(path.dirname(to));
    if (from !== to) fs.renameSync(from, to);
    return fs.existsSync(to) ? to : null;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') reportFailure(`keeping the recording of session ${sessionId} (it is left in ${from})`)(err);
    return null;
  }
}

/**
 * This process's recordings folder: `<dataDir>/recordings/<pid>/`, private. Folders left by
 * processes that are gone (a crash skips the deletes) are removed first, so a secret recorded
 * before a crash does not stay on disk. Keyed by pid because two apps may share one data dir.
 */
export function recordingsDir(dataDir: string, pid: number = process.pid): string {
  const root = path.join(dataDir, RECORDINGS_DIR);
  try {
    makeDirs(root);
    fs.chmodSync(root, PRIVATE_DIR_MODE);
    for (const entry of fs.readdirSync(root)) {
      const owner = Number(entry);
      if (Number.isInteger(owner) && owner !== pid && !processExists(owner)) fs.rmSync(path.join(root, entry), { recursive: true, force: true });
    }
    const dir = path.join(root, String(pid));
    makeDirs(dir);
    return dir;
  } catch (err) {
    throw new LingerError('SAVE_FAILED', `Could not prepare ${root} for recordings: ${(err as Error).message}. Check the data folder's permissions.`);
  }
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
