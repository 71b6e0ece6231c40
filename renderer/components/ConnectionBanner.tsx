/** Browser mode's socket dropped: say so, and that the tabs re-attach by themselves. */
import { useAppState } from './context';

export function ConnectionBanner() {
  const connection = useAppState((s) => s.connection);
  if (connection.state === 'open') return null;
  const text =
    connection.state === 'connecting'
      ? 'Connecting to Linger…'
      : `Connection to Linger lost — reconnecting${connection.retryInMs ? ` (next try in ${Math.ceil(connection.retryInMs / 1000)} s)` : ''}. Tabs re-attach by themselves.`;
  return (
    <div className="connection-banner" role="status" data-testid="connection-banner" data-state={connection.state}>
      {text}
    </div>
  );
}

/** The host cannot write its ledger: nothing is broken yet, but the user should free space. */
export function LedgerBanner() {
  const problem = useAppState((s) => s.stats?.ledger_problem ?? null);
  if (!problem) return null;
  return (
    <div className="connection-banner ledger-problem" role="alert" data-testid="ledger-banner">
      {problem}
    </div>
  );
}
