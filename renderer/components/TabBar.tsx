/**
 * The tab strip: one tab per open session (title, starting/activity/exited marker, a badge when
 * it asked for attention, detach and stop buttons), rename by double-click or F2, reorder by
 * drag or Ctrl+Shift+PageUp/Down, a context menu, and the new-tab button with its profile menu.
 */
import { useCallback, useRef, useState, type DragEvent, type KeyboardEvent, type MouseEvent } from 'react';
import type { Alert } from '../attention';
import { SHORTCUT_HINTS } from '../shortcuts';
import { detachHint } from '../stats-view';
import { tabLabel, type Tab } from '../tabs';
import { Menu, type MenuItem } from './Menu';
import { useAppState, useController } from './context';

const TAB_DRAG_TYPE = 'application/x-linger-tab';

interface MenuState {
  x: number;
  y: number;
  items: MenuItem[];
  label: string;
}

export function TabBar() {
  const tabs = useAppState((s) => s.tabs);
  const activeId = useAppState((s) => s.activeId);
  const ttl = useAppState((s) => s.stats?.ttl_seconds ?? null);
  const alerts = useAppState((s) => s.alerts);
  const controller = useController();
  const [editing, setEditing] = useState<string | null>(null);
  const [menu, setMenu] = useState<MenuState | null>(null);
  const [dropIndex, setDropIndex] = useState<number | null>(null);
  const closeMenu = useCallback(() => setMenu(null), []);

  const openTabMenu = (tab: Tab, x: number, y: number) => {
    const kept = controller.isKept(tab.sessionId);
    const notifying = controller.isNotifying(tab.sessionId);
    setMenu({
      x,
      y,
      label: `Tab ${tabLabel(tab)}`,
      items: [
        { label: 'Rename', hint: 'F2', onSelect: () => setEditing(tab.sessionId) },
        { label: 'Detach (close tab)', hint: SHORTCUT_HINTS['close-tab'], title: detachHint(ttl), onSelect: () => controller.closeTab(tab.sessionId) },
        {
          label: kept ? 'Unkeep' : 'Keep (never expire)',
          disabled: tab.status === 'gone',
          onSelect: () => void controller.setKept(tab.sessionId, !kept),
        },
        {
          label: notifying ? 'Stop notifying when done' : 'Notify when done',
          disabled: tab.status === 'gone',
          title: 'A command that runs long finishing, or the bell, while this tab is not shown',
          onSelect: () => void controller.setNotify(tab.sessionId, !notifying),
        },
        {
          label: 'Stop',
          hint: SHORTCUT_HINTS['stop-session'],
          danger: true,
          disabled: tab.status === 'gone',
          title: 'End the process now',
          onSelect: () => void controller.stopSession(tab.sessionId),
        },
      ],
    });
  };

  const openProfileMenu = (e: MouseEvent<HTMLButtonElement>) => {
    const rect = e.currentTarget.getBoundingClientRect();
    const profiles = controller.profiles();
    setMenu({
      x: rect.left,
      y: rect.bottom + 2,
      label: 'New tab with profile',
      items: profiles.map((p) => ({
        label: p.label,
        title: p.available ? `${p.command} ${p.args.join(' ')}`.trim() : `"${p.command}" is not on PATH`,
        disabled: !p.available,
        onSelect: () => void controller.newTab(p.name),
      })),
    });
  };

  const onTabKeyDown = (e: KeyboardEvent<HTMLDivElement>, tab: Tab, index: number) => {
    if (editing === tab.sessionId) return;
    if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
      e.preventDefault();
      const next = tabs[(index + (e.key === 'ArrowRight' ? 1 : -1) + tabs.length) % tabs.length];
      if (next) focusTab(next.sessionId);
    } else if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      controller.activate(tab.sessionId);
      controller.view(tab.sessionId)?.focus();
    } else if (e.key === 'F2') {
      e.preventDefault();
      setEditing(tab.sessionId);
    } else if (e.key === 'Delete') {
      e.preventDefault();
      controller.closeTab(tab.sessionId);
    } else if (e.key === 'ContextMenu' || (e.key === 'F10' && e.shiftKey)) {
      e.preventDefault();
      const rect = e.currentTarget.getBoundingClientRect();
      openTabMenu(tab, rect.left, rect.bottom);
    }
  };

  const onDragOver = (e: DragEvent<HTMLElement>, index: number) => {
    if (!e.dataTransfer.types.includes(TAB_DRAG_TYPE)) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'move';
    const rect = e.currentTarget.getBoundingClientRect();
    setDropIndex(e.clientX < rect.left + rect.width / 2 ? index : index + 1);
  };

  const onDrop = (e: DragEvent<HTMLElement>) => {
    const id = e.dataTransfer.getData(TAB_DRAG_TYPE);
    setDropIndex(null);
    if (!id || dropIndex === null) return;
    e.preventDefault();
    const from = tabs.findIndex((t) => t.sessionId === id);
    controller.moveTo(id, dropIndex > from ? dropIndex - 1 : dropIndex);
  };

  return (
    <div className="tabbar">
      <div className="tabs" role="tablist" aria-label="Terminal tabs" onDragLeave={() => setDropIndex(null)}>
        {tabs.map((tab, index) => {
          const active = tab.sessionId === activeId;
          const label = tabLabel(tab);
          return (
            <div
              key={tab.sessionId}
              id={`tab-${tab.sessionId}`}
              role="tab"
              className={[
                'tab',
                active ? 'active' : '',
                dropIndex === index ? 'drop-before' : '',
                dropIndex === index + 1 && index === tabs.length - 1 ? 'drop-after' : '',
              ].join(' ')}
              aria-selected={active}
              aria-controls={`pane-${tab.sessionId}`}
              tabIndex={active ? 0 : -1}
              draggable={editing !== tab.sessionId}
              data-testid="tab"
              data-session-id={tab.sessionId}
              data-active={active ? 'true' : 'false'}
              data-status={tab.status}
              title={`${label} — ${statusText(tab)}`}
              onClick={() => {
                controller.activate(tab.sessionId);
                // Clicking the tab already shown changes nothing the panes react to, so the
                // keyboard would stay on the tab and typed keys would be lost: hand it over here.
                controller.view(tab.sessionId)?.focus();
              }}
              onMouseUp={(e) => {
                if (e.button === 1) controller.closeTab(tab.sessionId);
              }}
              onDoubleClick={() => setEditing(tab.sessionId)}
              onContextMenu={(e) => {
                e.preventDefault();
                openTabMenu(tab, e.clientX, e.clientY);
              }}
              onKeyDown={(e) => onTabKeyDown(e, tab, index)}
              onDragStart={(e) => {
                e.dataTransfer.setData(TAB_DRAG_TYPE, tab.sessionId);
                e.dataTransfer.effectAllowed = 'move';
              }}
              onDragOver={(e) => onDragOver(e, index)}
              onDrop={onDrop}
              onDragEnd={() => setDropIndex(null)}
            >
              <TabMarker tab={tab} />
              {editing === tab.sessionId ? (
                <RenameInput
                  initial={label}
                  onDone={(name) => {
                    setEditing(null);
                    if (name !== null) controller.rename(tab.sessionId, name);
                    focusTab(tab.sessionId);
                  }}
                />
              ) : (
                <span className="tab-label">{label}</span>
              )}
              {alerts[tab.sessionId] && <TabBadge alert={alerts[tab.sessionId]!} />}
              <button
                type="button"
                className="tab-button tab-stop"
                data-testid="tab-stop"
                tabIndex={-1}
                title={`Stop — end the process now (${SHORTCUT_HINTS['stop-session']})`}
                aria-label={`Stop ${label}`}
                disabled={tab.status === 'gone'}
                onClick={(e) => {
                  e.stopPropagation();
                  void controller.stopSession(tab.sessionId).then(() => controller.focusActive());
                }}
              >
                <svg viewBox="0 0 10 10" aria-hidden="true">
                  <rect x="2" y="2" width="6" height="6" rx="1" />
                </svg>
              </button>
              <button
                type="button"
                className="tab-button tab-close"
                data-testid="tab-close"
                tabIndex={-1}
                title={tab.status === 'gone' ? 'Close tab' : detachHint(ttl)}
                aria-label={`Detach ${label}`}
                onClick={(e) => {
                  e.stopPropagation();
                  controller.closeTab(tab.sessionId);
                  controller.focusActive();
                }}
              >
                <svg viewBox="0 0 10 10" aria-hidden="true">
                  <path d="M2 2 8 8M8 2 2 8" />
                </svg>
              </button>
            </div>
          );
        })}
      </div>
      <div className="new-tab-group">
        <button
          type="button"
          className="icon-button"
          data-testid="new-tab"
          title={`New shell tab (${SHORTCUT_HINTS['new-tab']})`}
          aria-label="New shell tab"
          onClick={() => void controller.newTab()}
        >
          <svg viewBox="0 0 12 12" aria-hidden="true">
            <path d="M6 1.5v9M1.5 6h9" />
          </svg>
        </button>
        <button
          type="button"
          className="icon-button narrow"
          data-testid="new-tab-menu"
          title="New tab with a profile…"
          aria-label="New tab with a profile"
          aria-haspopup="menu"
          onClick={openProfileMenu}
        >
          <svg viewBox="0 0 10 10" aria-hidden="true">
            <path d="M2 3.5 5 6.5 8 3.5" />
          </svg>
        </button>
      </div>
      {menu && <Menu {...menu} onClose={closeMenu} />}
    </div>
  );
}

function TabMarker({ tab }: { tab: Tab }) {
  if (tab.status === 'gone') return <span className="tab-marker gone" aria-hidden="true" />;
  if (tab.status === 'exited') return <span className="tab-marker exited" aria-hidden="true" />;
  if (!tab.started || tab.status === 'attaching') return <span className="tab-marker starting" aria-hidden="true" />;
  if (tab.activity) return <span className="tab-marker activity" aria-hidden="true" />;
  return <span className="tab-marker" aria-hidden="true" />;
}

function TabBadge({ alert }: { alert: Alert }) {
  return (
    <span className={`alert-badge ${alert.kind}`} data-testid="tab-badge" data-kind={alert.kind} title={alert.label} role="img" aria-label={alert.label}>
      {alert.kind === 'bell' ? (
        <svg viewBox="0 0 10 10" aria-hidden="true">
          <path d="M5 1.2a2.6 2.6 0 0 0-2.6 2.6v2.1L1.4 7.4h7.2L7.6 5.9V3.8A2.6 2.6 0 0 0 5 1.2zM4 8.3a1 1 0 0 0 2 0z" />
        </svg>
      ) : alert.kind === 'failed' ? (
        '✗'
      ) : (
        '✓'
      )}
    </span>
  );
}

function statusText(tab: Tab): string {
  switch (tab.status) {
    case 'gone':
      return 'session ended';
    case 'exited':
      return 'process exited';
    case 'attaching':
      return 'attaching…';
    case 'live':
      if (!tab.started) return 'starting…';
      return tab.activity ? 'new output' : 'running';
  }
}

/** Enter or leaving the field keeps the name, Escape keeps the old one; each ends editing once. */
function RenameInput({ initial, onDone }: { initial: string; onDone(name: string | null): void }) {
  const [value, setValue] = useState(initial);
  const finished = useRef(false);
  const finish = (name: string | null) => {
    if (finished.current) return;
    finished.current = true;
    onDone(name);
  };
  return (
    <input
      className="tab-rename"
      aria-label="Tab name (empty for the automatic title)"
      value={value}
      autoFocus
      onFocus={(e) => e.currentTarget.select()}
      onChange={(e) => setValue(e.currentTarget.value)}
      onClick={(e) => e.stopPropagation()}
      onDoubleClick={(e) => e.stopPropagation()}
      onKeyDown={(e) => {
        e.stopPropagation();
        if (e.key === 'Enter') finish(value);
        else if (e.key === 'Escape') finish(null);
      }}
      onBlur={() => finish(value)}
      maxLength={80}
    />
  );
}

function focusTab(sessionId: string): void {
  document.getElementById(`tab-${sessionId}`)?.focus();
}
