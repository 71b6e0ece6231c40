/**
 * For work nobody awaits (timers, exit handling): a failure is reported and the host goes on,
 * instead of becoming an unhandled rejection that ends the process and every session with it.
 */
export function reportFailure(what: string): (err: unknown) => void {
  return (err) => console.error(`Linger: ${what} failed; the host keeps running.`, err);
}
