/** The window: tab bar and toolbar, terminal panes, the sessions panel, toasts, shortcuts. */
import { useEffect } from 'react';
import type { NotifyPermission } from '../notifier';
import { shortcutFor, SHORTCUT_HINTS } from '../shortcuts';
import { ConnectionBanner, LedgerBanner } from './ConnectionBanner';
import { Panes } from './Panes';
import { SessionsPanel } from './SessionsPanel';
import { TabBar } from './TabBar';
import { Toasts } from './Toasts';
import { useAppState, useController } from './context';

export function App() {
  const controller = useController();
  const panelOpen = useAppState((s) => s.prefs.panelOpen);
  const theme = useAppState((s) => s.prefs.theme);
  const detached = useAppState((s) => s.stats?.detached ?? 0);
  const total = useAppState((s) => s.stats?.total_sessions ?? 0);
  const permission = useAppState((s) => s.notifyPermission);
  const osNotifications = useAppState((s) => s.prefs.osNotifications);
  const notifying = permission === 'granted' && osNotifications;

  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);

  // Capture phase: a shortcut is handled before xterm.js sees the key, so it never reaches the
  // shell. Paste keeps its default action: the browser's paste event feeds xterm.js.
  useEffect(() => {
    const onKeyDown = (e: KeyboardEvent) => {
      const action = shortcutFor(e);
      if (!action) return;
      e.stopPropagation();
      if (action !== 'paste') e.preventDefault();
      controller.runShortcut(action);
    };
    window.addEventListener('keydown', onKeyDown, true);
    return () => window.removeEventListener('keydown', onKeyDown, true);
  }, [controller]);

  return (
    <div className={panelOpen ? 'app with-panel' : 'app'}>
      <header className="topbar">
        <TabBar />
        <div className="toolbar">
          <button
            type="button"
            className={panelOpen ? 'tool-button pressed' : 'tool-button'}
            data-testid="sessions-toggle"
            aria-pressed={panelOpen}
            title={`Sessions panel (${SHORTCUT_HINTS['toggle-sessions']})`}
            onClick={() => controller.togglePanel()}
          >
            Sessions
            <span className="count" title={`${total} sessions`}>
              {total}
            </span>
            {detached > 0 && (
              <span className="count detached" title={`${detached} detached: running with no tab`}>
                {detached} detached
              </span>
            )}
          </button>
          {permission !== 'unsupported' && (
            <button
              type="button"
              className={notifying ? 'tool-button pressed' : 'tool-button'}
              data-testid="notifications-toggle"
              aria-pressed={notifying}
              title={notificationsHint(permission, notifying)}
              onClick={() => void controller.toggleOsNotifications()}
            >
              {permission !== 'granted' ? 'Enable notifications' : notifying ? 'Notifications on' : 'Notifications off'}
            </button>
          )}
          <button
            type="button"
            className="icon-button"
            data-testid="theme-toggle"
            title={theme === 'dark' ? 'Light theme' : 'Dark theme'}
            aria-label={theme === 'dark' ? 'Switch to the light theme' : 'Switch to the dark theme'}
            onClick={() => controller.setTheme(theme === 'dark' ? 'light' : 'dark')}
          >
            {theme === 'dark' ? (
              <svg viewBox="0 0 16 16" aria-hidden="true">
                <circle cx="8" cy="8" r="3" />
                <path d="M8 1v2M8 13v2M1 8h2M13 8h2M3 3l1.4 1.4M11.6 11.6 13 13M3 13l1.4-1.4M11.6 4.4 13 3" />
              </svg>
            ) : (
              <svg viewBox="0 0 16 16" aria-hidden="true">
                <path d="M13 10A6 6 0 0 1 6 3a6 6 0 1 0 7 7z" />
              </svg>
            )}
          </button>
        </div>
      </header>
      <ConnectionBanner />
      <LedgerBanner />
      <div className="workspace">
        <Panes />
        {panelOpen && <SessionsPanel />}
      </div>
      <Toasts />
    </div>
  );
}

function notificationsHint(permission: NotifyPermission, notifying: boolean): string {
  if (permission === 'denied') return "Notifications are blocked for this page: allow them in the browser's site settings, then click here";
  if (permission === 'default') return 'Show a system notification when a long command finishes or the bell rings where you are not looking';
  return notifying ? 'System notifications are on: click to turn them off' : 'System notifications are off: click to turn them on';
}
