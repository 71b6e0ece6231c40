/**
 * Which URLs are our app, and which may leave it. The renderer is plain files under
 * dist/renderer loaded over file://; nothing else may talk to the host or replace the page.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** True for file:// URLs of files inside `rendererDir` (query and hash ignored). */
export function appUrlMatcher(rendererDir: string): (url: string) => boolean {
  const root = path.resolve(rendererDir);
  return (url) => {
    let file: string;
    try {
      const parsed = new URL(url);
      if (parsed.protocol !== 'file:' || (parsed.host !== '' && parsed.host !== 'localhost')) return false;
      file = fileURLToPath(parsed);
    } catch {
      return false;
    }
    const relative = path.relative(root, file);
    return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
  };
}

/** Links a user may open in their browser: web pages only, never file:, javascript: or custom schemes. */
export function isExternalWebUrl(url: string): boolean {
  try {
    const { protocol } = new URL(url);
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
}
