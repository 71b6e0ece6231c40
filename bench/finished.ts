/**
 * The host's word that a session's command finished: its stats row's `last_command` (shell
 * integration), asked for over REST every few ms. A tab behind another is sent no flood
 * (host/view-stalls.ts), so the bench learns the end from the host, as the sessions panel does.
 */
import type { SessionRow, Stats } from '../electron/contract';
import type { E2eServer } from '../e2e/support/server';

/** Often enough to add little to a flood's second; a stats request costs the host ~0.3 ms. */
const POLL_MS = 20;

/** Resolves once `sessionId`'s last finished command contains `marker`. */
export async function commandFinished(server: E2eServer, sessionId: string, marker: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await fetch(`${server.origin}/api/pty/stats`, { headers: { Authorization: `Bearer ${server.token}` } });
    const stats = (await response.json()) as Stats;
    const row: SessionRow | undefined = stats.sessions.find((s) => s.session_id === sessionId);
    if (row?.last_command?.command?.includes(marker)) return;
    if (Date.now() > deadline) throw new Error(`session ${sessionId}: no command with ${marker} finished in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
