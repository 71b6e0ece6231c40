// Every test file's temp folders (data dirs, HOMEs: scrollback, ledgers) go when the file is done.
import { afterAll } from 'vitest';
import { removeTempDirs } from './electron/host/__tests__/harness';

afterAll(removeTempDirs);
