/**
 * Records one session's output as asciicast v2 (https://docs.asciinema.org/manual/asciicast/v2/),
 * appended live to a file in the data dir: a header line, then one `[seconds, "o", data]` line
 * per batch of output and `[seconds, "r", "COLSxROWS"]` per resize. Scrollback holds secrets,
 * so the folder is 0700 and the file 0600, and the bridge deletes the file when the session ends.
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

export interface RecorderOptions {
  file: string;
  title: string;
  now: () => number;
  maxBytes?: number;
}

export class Recorder implements OutputRecorder {
  readonly file: string;
  /** Past the cap: later output was not recorded. */
  truncated = false;
  private readonly title: string;
  private readonly now: () => number;
  private readonly maxBytes: number;
  private fd: number | null = null;
  private stopped = false;
  private startedAt = 0;
  private bytes = 0;

  constructor(options: RecorderOptions) {
    this.file = options.file;
    this.title = options.title;
    this.now = options.now;
    this.maxBytes = options.maxBytes ?? RECORDING_MAX_BYTES;
  }

  begin(cols: number, rows: number, screen: string): boolean {
    if (this.stopped) return false;
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

  private event(code: 'o' | 'r', data: string): void {
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
