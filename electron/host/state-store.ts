/**
 * The saved sessions on disk: `<data dir>/sessions/`, private (0700, files 0600: scrollback
 * holds secrets). One small `index.json` lists the sessions (their facts, in order) and the tab
 * layout; each session's screen is a file of its own (`<id>.screen`), so a session whose screen
 * did not change is not rewritten, and a stopped session's screen is one unlink.
 *
 * Every file is written whole and atomically: a temp file in the same folder, written, fsynced,
 * renamed over the old one, and the folder fsynced — a crash leaves the old file or the new one,
 * never half of either. Screens are written before the index that lists them, so an index never
 * names a screen older than itself; a screen the index lists but the disk lacks belongs to a
 * session stopped just before a crash, and is skipped.
 *
 * Anything unreadable (torn, garbage, from a newer Linger, too large) is moved aside as
 * `<file>.corrupt-<time>` (an index with every screen beside it) and reported as a notice; the app
 * starts without it. Nothing here throws at a caller for a bad file.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { requestSchemas, type Layout, type StateNotice } from '../contract';
import { PRIVATE_FILE_MODE } from './ledger';
import { writePrivateFile } from './private-file';
import { readProcText, statFields } from './proc';
import type { SavedScreen } from './mirror';
import { PRIVATE_DIR_MODE } from './startup';

/** Bump when the shape changes; a newer file is set aside, never misread. */
export const STATE_VERSION = 1;
export const STATE_DIR = 'sessions';
export const INDEX_FILE = 'index.json';
const OWNER_FILE = 'owner.json';
const SCREEN_SUFFIX = '.screen';

/** Per session (the cap): ~30 times a typical 1000-line screen, room for colourful ones. */
export const MAX_SCREEN_BYTES = 2 * 1024 * 1024;
/** All screens together: what a restart reads and parses before the first window shows. */
export const MAX_TOTAL_SCREEN_BYTES = 20 * 1024 * 1024;
/**
 * The index holds facts, not screens: a session's record is a few hundred bytes (its args and
 * env at most ~17 MB by the start request's own limits, which no real session comes near). A
 * larger index is not one we wrote.
 */
export const MAX_INDEX_BYTES = 8 * 1024 * 1024;
/** A screen file's header line: a few small fields. */
const MAX_HEADER_BYTES = 1024;

/** Ids become file names: nothing that could leave the folder. The host's are UUIDs. */
const fileSafeId = z.string().regex(/^[A-Za-z0-9_-]{1,128}$/);

const recordSchema = z.object({
  id: fileSafeId,
  profile: z.string().max(64),
  command: z.string().min(1).max(4096),
  args: z.array(z.string()).max(256),
  /** The session's own env overrides (from its start request), not the whole environment. */
  env: z.record(z.string(), z.string()),
  /** Where it was last known to be: its revived shell starts there. */
  cwd: z.string().min(1).max(4096),
  /** The title its program set (OSC 0/2), empty when none. */
  title: z.string().max(4096),
  kept: z.boolean(),
  /** Its process had ended by itself: it comes back screen-only. */
  exited: z.boolean(),
  created_at: z.number(),
  /**
   * Its recording (recorder.ts), when it has one: the folder under `<data>/recordings/` that holds
   * `<id>.cast`, and whether it was still recording. Optional, so an index written before it
   * reads as it did, and the version stays: an older Linger drops the field (the session comes
   * back unrecorded), it misreads nothing.
   */
  recording: z.object({ folder: z.string().regex(/^[0-9]{1,10}$/), active: z.boolean() }).optional(),
});
export type SessionRecord = z.infer<typeof recordSchema>;

/**
 * The index as written. Read, its records are checked one by one (`readIndex`): a record the
 * schema refuses costs that session alone, never the others.
 */
const indexSchema = z.object({
  version: z.literal(STATE_VERSION),
  /** When it was written: the time a revived screen says it is from. */
  saved_at: z.number(),
  layout: requestSchemas.saveLayout.nullable(),
  sessions: z.array(z.unknown()),
});
export type StateIndex = Omit<z.infer<typeof indexSchema>, 'sessions'> & { sessions: SessionRecord[] };

/** Whether a record can be read back: the writer keeps out what the reader would refuse. */
export function isRestorable(record: SessionRecord): boolean {
  return recordSchema.safeParse(record).success;
}

const headerSchema = z.object({
  version: z.literal(STATE_VERSION),
  id: fileSafeId,
  cols: z.number().int().min(1).max(1000),
  rows: z.number().int().min(1).max(1000),
  bytes: z.number().int().min(0).max(MAX_SCREEN_BYTES),
});

/** What the last app left, as far as it could be read. */
export interface LoadedState {
  savedAt: number;
  layout: Layout | null;
  sessions: Array<{ record: SessionRecord; screen: SavedScreen }>;
  notices: StateNotice[];
}

/** Why a file was set aside, in words for the notice. */
class Unreadable extends Error {}

export class StateStore {
  readonly dir: string;
  private tempCounter = 0;

  constructor(
    dataDir: string,
    private readonly now: () => number = Date.now,
  ) {
    this.dir = path.join(dataDir, STATE_DIR);
  }

  /** The folder, made private if it is not (it is ours alone, unlike the data dir itself). */
  prepare(): void {
    fs.mkdirSync(this.dir, { recursive: true, mode: PRIVATE_DIR_MODE });
    fs.chmodSync(this.dir, PRIVATE_DIR_MODE);
  }

  /**
   * Claims the folder for this process, unless another live Linger holds it (two apps on one
   * data dir would overwrite each other's sessions): then returns that one's pid, and this app
   * neither restores nor saves. A claim left by a process that is gone — crashed, or before a
   * reboot — is taken over.
   */
  claim(self: ProcessIdentity = processIdentity(process.pid)): number | null {
    const file = path.join(this.dir, OWNER_FILE);
    const owner = readOwner(file);
    if (owner && owner.pid !== self.pid && isRunning(owner)) return owner.pid;
    // Synchronously: the claim is made before anything else runs.
    writePrivateFile(file, JSON.stringify(self));
    return null;
  }

  /** Gives the folder up (an orderly exit), so the next app need not check whose it was. */
  release(self: ProcessIdentity = processIdentity(process.pid)): void {
    const file = path.join(this.dir, OWNER_FILE);
    if (readOwner(file)?.pid === self.pid) fs.rmSync(file, { force: true });
  }

  /**
   * Reads what the last app saved. Unreadable files are set aside with a notice each (an
   * unreadable index with its screens); files no index lists (left by a crash between writes)
   * are deleted.
   */
  load(): LoadedState {
    const notices: StateNotice[] = [];
    const indexFile = path.join(this.dir, INDEX_FILE);
    let index: { savedAt: number; layout: Layout | null; records: SessionRecord[]; refused: number } | null = null;
    try {
      index = readIndex(indexFile);
    } catch (err) {
      notices.push(this.setIndexAside(indexFile, err));
    }
    const sessions: LoadedState['sessions'] = [];
    const lost: string[] = [];
    for (const record of index?.records ?? []) {
      const file = this.screenFile(record.id);
      try {
        const screen = readScreen(file, record.id);
        if (screen) sessions.push({ record, screen });
      } catch (err) {
        const { reason, where } = this.moveAside(file, err);
        lost.push(`the saved screen of "${record.title || record.command}": ${reason}. ${where}`);
      }
    }
    // One notice however many went wrong: a toast each would bury the window.
    const refused = index?.refused ?? 0;
    if (lost.length > 0 || refused > 0) {
      const parts = [...lost, ...(refused > 0 ? [`${refused} saved session${refused === 1 ? ' was' : 's were'} not in a form this Linger reads, and left out.`] : [])];
      notices.push({ id: `sessions-${this.now()}`, message: `Linger could not restore every session. ${parts.join(' ')} The others are back.` });
    }
    this.removeOthers(new Set(sessions.map((s) => s.record.id)));
    return { savedAt: index?.savedAt ?? 0, layout: index?.layout ?? null, sessions, notices };
  }

  /** Writes one session's screen (before the index that lists it). */
  async writeScreen(id: string, screen: SavedScreen): Promise<void> {
    const data = Buffer.from(screen.data, 'utf8');
    const header = JSON.stringify({ version: STATE_VERSION, id, cols: screen.cols, rows: screen.rows, bytes: data.length });
    await this.writeAtomic(this.screenFile(id), Buffer.concat([Buffer.from(`${header}\n`), data]));
  }

  async writeIndex(index: StateIndex): Promise<void> {
    await this.writeAtomic(path.join(this.dir, INDEX_FILE), Buffer.from(JSON.stringify(index)));
  }

  async removeScreen(id: string): Promise<void> {
    await fs.promises.rm(this.screenFile(id), { force: true });
  }

  /** Everything saved (Quit and discard): the next start finds nothing to restore. */
  async removeAll(): Promise<void> {
    await fs.promises.rm(path.join(this.dir, INDEX_FILE), { force: true });
    for (const name of await fs.promises.readdir(this.dir).catch(() => [])) {
      if (name.endsWith(SCREEN_SUFFIX) || isTempName(name)) await fs.promises.rm(path.join(this.dir, name), { force: true });
    }
  }

  /** Makes the renames before it durable: a crash after this keeps them. */
  async syncDir(): Promise<void> {
    let handle: fs.promises.FileHandle | undefined;
    try {
      handle = await fs.promises.open(this.dir, 'r');
      await handle.sync();
    } catch {
      // Some systems cannot fsync a folder (Windows); the renames still happen in order.
    } finally {
      await handle?.close();
    }
  }

  private screenFile(id: string): string {
    return path.join(this.dir, `${id}${SCREEN_SUFFIX}`);
  }

  private async writeAtomic(file: string, data: Buffer): Promise<void> {
    const temp = path.join(this.dir, `.${path.basename(file)}.${process.pid}.${this.tempCounter++}.tmp`);
    try {
      const handle = await fs.promises.open(temp, 'w', PRIVATE_FILE_MODE);
      try {
        await handle.writeFile(data);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await fs.promises.rename(temp, file);
    } catch (err) {
      await fs.promises.rm(temp, { force: true });
      throw err;
    }
  }

  /** Screens and temp files not in `keep`: stale copies that would only hold secrets. */
  private removeOthers(keep: Set<string>): void {
    let names: string[];
    try {
      names = fs.readdirSync(this.dir);
    } catch {
      return;
    }
    for (const name of names) {
      const orphan = name.endsWith(SCREEN_SUFFIX) && !keep.has(name.slice(0, -SCREEN_SUFFIX.length));
      if (orphan || isTempName(name)) fs.rmSync(path.join(this.dir, name), { force: true });
    }
  }

  /**
   * An index this Linger cannot read goes aside with every screen beside it, each under the same
   * ending: they may be a newer Linger's sessions (a downgrade), which that Linger brings back
   * once they are renamed back. Left in place, the screens would be deleted as listed by nothing.
   */
  private setIndexAside(file: string, err: unknown): StateNotice {
    const aside = this.asideName(file);
    const { reason, where } = this.moveAside(file, err, aside);
    const ending = aside.slice(file.length);
    let screens = 0;
    for (const name of fs.readdirSync(this.dir)) {
      if (!name.endsWith(SCREEN_SUFFIX)) continue;
      try {
        fs.renameSync(path.join(this.dir, name), path.join(this.dir, `${name}${ending}`));
        screens += 1;
      } catch {
        // It stays, listed by nothing, and is deleted below with the other orphans.
      }
    }
    const beside =
      screens > 0
        ? ` Its ${screens} saved screen${screens === 1 ? ' was' : 's were'} moved beside it (<id>.screen${ending}): rename them all back for a Linger that reads that file, or delete them.`
        : '';
    return { id: path.basename(aside), message: `Linger could not restore its saved sessions: ${reason}. It started without it. ${where}${beside}` };
  }

  /** Moves a bad file out of the way: what was wrong with it, and where it went. */
  private moveAside(file: string, err: unknown, aside = this.asideName(file)): { reason: string; where: string } {
    const reason = err instanceof Unreadable ? err.message : `it could not be read (${(err as Error).message})`;
    try {
      fs.renameSync(file, aside);
      return { reason, where: `It was moved to ${aside}; delete it once you no longer need it.` };
    } catch {
      fs.rmSync(file, { force: true });
      return { reason, where: 'It could not be moved aside and was deleted.' };
    }
  }

  private asideName(file: string): string {
    return `${file}.corrupt-${new Date(this.now()).toISOString().replace(/[:.]/g, '-')}`;
  }
}

/**
 * The index, or null when there is none; throws Unreadable (or a read error) for a bad one. Its
 * records are checked one by one: `refused` counts those left out.
 */
function readIndex(file: string): { savedAt: number; layout: Layout | null; records: SessionRecord[]; refused: number } | null {
  const text = readCapped(file, MAX_INDEX_BYTES);
  if (text === null) return null;
  let value: unknown;
  try {
    value = JSON.parse(text.toString('utf8'));
  } catch {
    throw new Unreadable('the file is damaged (not complete JSON)');
  }
  const version = (value as { version?: unknown } | null)?.version;
  if (typeof version === 'number' && version > STATE_VERSION) {
    throw new Unreadable(`it was written by a newer Linger (state version ${version}; this one reads ${STATE_VERSION})`);
  }
  const parsed = indexSchema.safeParse(value);
  if (!parsed.success) throw new Unreadable('the file is not a Linger state file (or is damaged)');
  const records: SessionRecord[] = [];
  for (const raw of parsed.data.sessions) {
    const record = recordSchema.safeParse(raw);
    if (record.success) records.push(record.data);
  }
  return { savedAt: parsed.data.saved_at, layout: parsed.data.layout, records, refused: parsed.data.sessions.length - records.length };
}

/** A session's screen, or null when its file is missing; throws for a bad one. */
function readScreen(file: string, id: string): SavedScreen | null {
  const raw = readCapped(file, MAX_SCREEN_BYTES + MAX_HEADER_BYTES);
  if (raw === null) return null;
  const newline = raw.indexOf(0x0a);
  if (newline < 0 || newline > MAX_HEADER_BYTES) throw new Unreadable('the file is damaged (no header)');
  let header: z.infer<typeof headerSchema>;
  try {
    const parsed = JSON.parse(raw.subarray(0, newline).toString('utf8')) as { version?: unknown };
    if (typeof parsed?.version === 'number' && parsed.version > STATE_VERSION) {
      throw new Unreadable(`it was written by a newer Linger (state version ${parsed.version})`);
    }
    header = headerSchema.parse(parsed);
  } catch (err) {
    throw err instanceof Unreadable ? err : new Unreadable('the file is damaged (bad header)');
  }
  if (header.id !== id) throw new Unreadable('the file belongs to another session');
  const body = raw.subarray(newline + 1);
  if (body.length !== header.bytes) throw new Unreadable(`the file is torn (${body.length} of ${header.bytes} bytes)`);
  return { data: body.toString('utf8'), cols: header.cols, rows: header.rows };
}

/** The file's bytes, null if it does not exist; never reads more than `max` (a bigger file is refused). */
function readCapped(file: string, max: number): Buffer | null {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) throw new Unreadable('it is not a regular file');
    if (stat.size > max) throw new Unreadable(`it is too large (${stat.size} bytes; at most ${max} are expected)`);
    return fs.readFileSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

const isTempName = (name: string): boolean => name.startsWith('.') && name.endsWith('.tmp');

/**
 * A process as it can be told apart from a later one given the same pid: on Linux its start time
 * (in clock ticks since boot) and the boot's id, so neither a reused pid nor a reboot passes for
 * the app that wrote the claim.
 */
export interface ProcessIdentity {
  pid: number;
  boot: string | null;
  start: string | null;
}

export function processIdentity(pid: number): ProcessIdentity {
  return { pid, boot: readProcText('/proc/sys/kernel/random/boot_id')?.trim() ?? null, start: statFields(pid)?.[19] ?? null };
}

/** Alive (not a zombie: an app that died but was not reaped yet is gone), and the same process. */
function isRunning(owner: ProcessIdentity): boolean {
  try {
    process.kill(owner.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (statFields(owner.pid)?.[0] === 'Z') return false;
  const now = processIdentity(owner.pid);
  return now.boot === owner.boot && now.start === owner.start;
}

function readOwner(file: string): ProcessIdentity | null {
  try {
    const value = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<ProcessIdentity>;
    if (!Number.isInteger(value.pid)) return null;
    return { pid: value.pid as number, boot: value.boot ?? null, start: value.start ?? null };
  } catch {
    return null;
  }
}
