/**
 * The sessions panel: every session the host has (open in a tab or not), ticking with each
 * `sessions` push — where its shell is, what runs in it, how the last command ended, and for a
 * detached one the last lines of its screen — with Open / Keep / Notify / Stop (and Run again for
 * one restored without its program); the seed's summary counts; recent ledger events; Quit and
 * discard sessions.
 */
import { useCallback, useMemo, useState, type MouseEvent } from 'react';
import type { ExportFormat } from '../../electron/contract';
import type { Alert } from '../attention';
import { SHORTCUT_HINTS } from '../shortcuts';
import { emptyStateSentence, eventViews, sessionRows, summaryItems, type RowView } from '../stats-view';
import { useAppState, useController } from './context';
import { Menu } from './Menu';

/** The Export menu: what each format is for, in the words a user picks by. */
const EXPORT_CHOICES: Array<{ format: ExportFormat; label: string; title: string }> = [
  { format: 'text', label: 'Text (.txt)', title: 'Scrollback and screen as plain text' },
  { format: 'ansi', label: 'ANSI colours (.ans)', title: 'Scrollback and screen with colours: `cat` redraws it' },
  { format: 'asciicast', label: 'asciicast (.cast)', title: 'For asciinema: the timed recording if it was recorded, else the screen' },
];

export function SessionsPanel() {
  const controller = useController();
  const stats = useAppState((s) => s.stats);
  const tabs = useAppState((s) => s.tabs);
  const events = useAppState((s) => s.events);
  const alerts = useAppState((s) => s.alerts);
  const openIds = useMemo(() => new Set(tabs.map((t) => t.sessionId)), [tabs]);
  const rows = useMemo(() => sessionRows(stats, openIds), [stats, openIds]);
  const activity = useMemo(() => eventViews(events), [events]);
  const [discardMenu, setDiscardMenu] = useState<{ x: number; y: number } | null>(null);
  const closeDiscardMenu = useCallback(() => setDiscardMenu(null), []);
  const quits = controller.quitsOnDiscard();

  return (
    <aside className="sessions-panel" data-testid="sessions-panel" aria-label="Sessions">
      <header className="panel-header">
        <h2>Sessions</h2>
        <button
          type="button"
          className="button danger discard"
          data-testid="discard-sessions"
          aria-haspopup="menu"
          title={
            quits
              ? 'Quit Linger, ending every session; none comes back when it starts again'
              : 'End every session; none comes back when the server restarts (the server keeps running)'
          }
          onClick={(e) => {
            const rect = e.currentTarget.getBoundingClientRect();
            setDiscardMenu({ x: rect.left, y: rect.bottom + 2 });
          }}
        >
          {quits ? 'Quit and discard…' : 'Discard all…'}
        </button>
        <button
          type="button"
          className="icon-button"
          title={`Hide sessions (${SHORTCUT_HINTS['toggle-sessions']})`}
          aria-label="Hide sessions"
          onClick={() => controller.togglePanel(false)}
        >
          ×
        </button>
      </header>
      <p className="summary" data-testid="sessions-summary">
        {summaryItems(stats).map((item) => (
          <span key={item.key} className="summary-item" data-stat={item.key}>
            <b>{item.value}</b> {item.label}
          </span>
        ))}
      </p>
      <div className="panel-scroll">
        {rows.length === 0 ? (
          <p className="empty-state" data-testid="sessions-empty">
            {emptyStateSentence(stats?.ttl_seconds ?? null)}
          </p>
        ) : (
          <ul className="session-list">
            {rows.map((row) => (
              <SessionRowItem key={row.sessionId} row={row} alert={alerts[row.sessionId]} />
            ))}
          </ul>
        )}
        <h3 className="activity-title">Activity</h3>
        {activity.length === 0 ? (
          <p className="empty-state">Nothing yet.</p>
        ) : (
          <ol className="activity" data-testid="activity-list">
            {activity.map((e) => (
              <li key={e.key} className={`activity-item ${e.label.replace(/\s+/g, '-')}`} data-testid="activity-item" title={e.sessionId ?? undefined}>
                <time>{e.time}</time>
                <span className="activity-label">{e.label}</span>
                {e.shortId && <code>{e.shortId}</code>}
                {e.detail && <span className="activity-detail">{e.detail}</span>}
              </li>
            ))}
          </ol>
        )}
      </div>
      {discardMenu && (
        <Menu
          x={discardMenu.x}
          y={discardMenu.y}
          label="Discard sessions"
          onClose={closeDiscardMenu}
          items={[
            {
              label: `${quits ? 'Quit and end' : 'End'} ${rows.length === 1 ? 'the session' : `all ${rows.length} sessions`} for good`,
              danger: true,
              testId: 'discard-confirm',
              onSelect: () => void controller.discardSessions(),
            },
            { label: 'Cancel', onSelect: () => undefined },
          ]}
        />
      )}
    </aside>
  );
}

function SessionRowItem({ row, alert }: { row: RowView; alert: Alert | undefined }) {
  const controller = useController();
  const [exportMenu, setExportMenu] = useState<{ x: number; y: number } | null>(null);
  const closeExportMenu = useCallback(() => setExportMenu(null), []);
  const openExportMenu = (e: MouseEvent<HTMLButtonElement>) => {
    const rect = e.currentTarget.getBoundingClientRect();
    setExportMenu({ x: rect.left, y: rect.bottom + 2 });
  };
  return (
    <li
      className={`session-row state-${row.state}`}
      data-testid="session-row"
      data-session-id={row.sessionId}
      data-state={row.state}
      data-kept={row.kept ? 'true' : 'false'}
      data-recording={row.recording ? 'true' : 'false'}
      data-screen-only={row.screenOnly ? 'true' : 'false'}
    >
      <div className="row-head">
        <span className={`badge ${row.state}`}>{row.stateLabel}</span>
        <span className="row-title" title={row.title}>
          {row.title}
        </span>
        {alert && (
          <span className={`alert-badge ${alert.kind}`} data-testid="session-alert" data-kind={alert.kind} title={alert.label}>
            {alert.kind === 'bell' ? 'bell' : alert.kind === 'failed' ? 'failed' : 'done'}
          </span>
        )}
        {row.open && <span className="row-open-note">in a tab</span>}
        {row.restoredFrom && !row.screenOnly && (
          <span className="row-open-note" title={`Restored after Linger restarted; its old screen is from ${row.restoredFrom}`}>
            restored
          </span>
        )}
        {row.recording && (
          <span className="row-recording" title="Its output is being recorded for an asciicast export">
            ● rec
          </span>
        )}
      </div>
      <div className="row-command" title={`${row.command} — now in ${row.cwd}`}>
        <code>{row.command}</code>{' '}
        <span className="row-cwd" data-testid="session-cwd">
          {row.cwd}
        </span>
      </div>
      {row.now && (
        <div className="row-now" title="Running in the foreground now">
          <span className="row-label">now</span>{' '}
          <code data-testid="session-foreground">{row.now}</code>
        </div>
      )}
      {row.last && (
        <div className="row-last" title={row.last.hint}>
          <span className="row-label">last</span>{' '}
          <span
            className={row.last.failed ? 'exit-badge failed' : 'exit-badge'}
            data-testid="session-last-exit"
            data-failed={row.last.failed ? 'true' : 'false'}
          >
            {row.last.exit}
          </span>{' '}
          <code data-testid="session-last-command">{row.last.command}</code> <span className="row-duration">{row.last.duration}</span>
        </div>
      )}
      {row.preview && (
        <pre className="row-preview" data-testid="session-preview" aria-label="Last lines of its screen">
          {row.preview}
        </pre>
      )}
      <dl className="row-facts">
        <div>
          <dt>age</dt>
          <dd data-testid="session-age">{row.age}</dd>
        </div>
        <div>
          <dt>idle</dt>
          <dd data-testid="session-idle">{row.idle}</dd>
        </div>
        <div title={row.expiresHint}>
          <dt>expires</dt>
          <dd data-testid="session-expires" className={row.expiresSoon ? 'soon' : ''}>
            {row.expires}
          </dd>
        </div>
        <div>
          <dt>pid</dt>
          <dd data-testid="session-pid">{row.pid}</dd>
        </div>
        {row.exit && (
          <div>
            <dt>exit</dt>
            <dd data-testid="session-exit">{row.exit}</dd>
          </div>
        )}
      </dl>
      <div className="row-actions">
        {row.screenOnly && (
          <CardButton
            testId="session-rerun"
            label="Run again"
            primary
            title={`Restored after a restart without running it again (its screen is from ${row.restoredFrom}): start ${row.command} now, in this session`}
            onClick={() => void controller.rerun(row.sessionId)}
          />
        )}
        <CardButton
          testId="session-open"
          label={row.open ? 'Show' : 'Open'}
          title={row.open ? 'Show its tab' : 'Attach it in a new tab, screen as it was'}
          onClick={() => controller.openSession(row.sessionId)}
        />
        <CardButton
          testId="session-keep"
          label={row.kept ? 'Unkeep' : 'Keep'}
          pressed={row.kept}
          // A restored screen waiting for Run again can be kept too: keeping it is the only way to
          // hold it past the TTL until its user gets to it.
          disabled={row.state === 'exited' && !row.screenOnly}
          title={row.kept ? 'Let it expire again when left detached' : row.screenOnly ? 'Keep this restored screen until you run it again or stop it' : 'Never expire while it runs'}
          onClick={() => void controller.setKept(row.sessionId, !row.kept)}
        />
        <CardButton
          testId="session-record"
          label={row.recording ? 'Stop rec' : 'Record'}
          pressed={row.recording}
          disabled={row.state === 'exited' && !row.recording}
          title={row.recording ? 'Stop recording; what was recorded is kept for Export until the session ends' : 'Record its output from now on, for an asciicast export'}
          onClick={() => void controller.setRecording(row.sessionId, !row.recording)}
        />
        <CardButton testId="session-export" label="Export" menu title="Save its scrollback and screen (or its recording) as a file" onClick={openExportMenu} />
        <CardButton
          testId="session-notify"
          label={row.notify ? 'Notify' : 'Muted'}
          pressed={row.notify}
          disabled={row.state === 'exited'}
          title={
            row.notify
              ? 'Notifies when a long command finishes or the bell rings while you are not looking; click to stop'
              : 'Notify when a long command finishes or the bell rings while you are not looking'
          }
          onClick={() => void controller.setNotify(row.sessionId, !row.notify)}
        />
        <CardButton testId="session-stop" label="Stop" danger title="End the process now" onClick={() => void controller.stopSession(row.sessionId)} />
      </div>
      {exportMenu && (
        <Menu
          x={exportMenu.x}
          y={exportMenu.y}
          label="Export as"
          onClose={closeExportMenu}
          items={EXPORT_CHOICES.map(({ format, label, title }) => ({
            label,
            title,
            testId: `export-${format}`,
            onSelect: () => void controller.exportSession(row.sessionId, format),
          }))}
        />
      )}
    </li>
  );
}

/** One of a card's actions; `pressed` makes it a toggle, `menu` says it opens one, `primary` the one to do next. */
function CardButton(props: {
  testId: string;
  label: string;
  title: string;
  onClick: (event: MouseEvent<HTMLButtonElement>) => void;
  pressed?: boolean;
  disabled?: boolean;
  danger?: boolean;
  primary?: boolean;
  menu?: boolean;
}) {
  return (
    <button
      type="button"
      className={props.danger ? 'button danger' : props.primary ? 'button primary' : 'button'}
      data-testid={props.testId}
      aria-pressed={props.pressed}
      aria-haspopup={props.menu ? 'menu' : undefined}
      disabled={props.disabled}
      title={props.title}
      onClick={props.onClick}
    >
      {props.label}
    </button>
  );
}
