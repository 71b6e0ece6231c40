// Where the `linger` CLI's bundle lives: apart from build-node.mjs so that bin/linger.mjs can find
// a built CLI without loading esbuild (an install without dev dependencies has none).
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const CLI_BUNDLE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'cli', 'linger.mjs');
