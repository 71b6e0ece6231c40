/**
 * A file written whole and for this user alone, whatever was at that path (`linger export -o`,
 * the state folder's owner claim). Writing in place would keep an existing file's mode (a 0644
 * file stays readable by everyone) and follow a symlink planted there; a fresh temp file renamed
 * over the path does neither.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { PRIVATE_FILE_MODE } from './ledger';

/**
 * Writes `content` to a new private file next to `target` (same folder, so the rename cannot
 * cross file systems), syncs it, then renames it over `target`: a crash leaves the old file or
 * the new one, and a symlink at `target` is replaced, not followed.
 */
export function writePrivateFile(target: string, content: string): void {
  const file = path.resolve(target);
  // Random and exclusive: in a shared folder (/tmp) nobody can have prepared this name for us.
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = fs.openSync(temp, 'wx', PRIVATE_FILE_MODE);
  try {
    try {
      fs.writeFileSync(fd, content);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temp, file);
  } catch (err) {
    fs.rmSync(temp, { force: true });
    throw err;
  }
}
