/** The size a session gets from this terminal. */
import { MAX_DIMENSION, MIN_DIMENSION } from '../contract';

/**
 * The app refuses sizes outside the contract's range. A window wider or taller than that still
 * attaches, at the largest size the app allows (the rest of the window stays blank), rather than
 * failing for a size the user never chose to send.
 */
export function clampSize(cols: number, rows: number): { cols: number; rows: number } {
  const clamp = (n: number) => Math.min(MAX_DIMENSION, Math.max(MIN_DIMENSION, Math.floor(n)));
  return { cols: clamp(cols), rows: clamp(rows) };
}
