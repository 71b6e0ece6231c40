/** The baseline: node-pty alone, reading the flood as fast as it comes, no processing at all. */
import * as pty from 'node-pty';
import { FLOOD_INPUT_BYTES, floodCommand } from './workload';
import { MB } from './stats';

export async function rawThroughputMbps(): Promise<number> {
  const started = performance.now();
  let chars = 0;
  await new Promise<void>((resolve) => {
    const term = pty.spawn('/bin/sh', ['-c', floodCommand(FLOOD_INPUT_BYTES)], { cols: 120, rows: 40, env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } });
    term.onData((data) => (chars += data.length));
    term.onExit(() => resolve());
  });
  return chars / MB / ((performance.now() - started) / 1000);
}
