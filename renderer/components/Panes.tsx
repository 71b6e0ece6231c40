/**
 * Every open tab's terminal pane, stacked; only the active one is shown. Hidden panes stay
 * mounted (CSS hides them) so their terminals keep parsing output and keep their screens.
 */
import { useEffect, useLayoutEffect, useRef } from 'react';
import { emptyStateSentence } from '../stats-view';
import { tabLabel, type Tab } from '../tabs';
import { FindBar } from './FindBar';
import { useAppState, useController } from './context';

export function Panes() {
  const tabs = useAppState((s) => s.tabs);
  const activeId = useAppState((s) => s.activeId);
  const ready = useAppState((s) => s.ready);
  const findOpen = useAppState((s) => s.findOpen);
  const ttl = useAppState((s) => s.stats?.ttl_seconds ?? null);
  const controller = useController();
  const ref = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const el = ref.current;
    controller.setPaneElement(el);
    return () => controller.setPaneElement(null);
  }, [controller]);

  // Window and panel resizes fit the shown terminal, at most once a frame.
  useEffect(() => {
    const el = ref.current;
    if (!el || !activeId) return;
    let frame = 0;
    const observer = new ResizeObserver(() => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => controller.view(activeId)?.fit());
    });
    observer.observe(el);
    return () => {
      observer.disconnect();
      cancelAnimationFrame(frame);
    };
  }, [controller, activeId]);

  // A tab that becomes shown takes the pane's size and the keyboard.
  useLayoutEffect(() => {
    if (!activeId) return;
    const view = controller.view(activeId);
    view?.fit();
    if (!findOpen && !isEditingText()) view?.focus();
  }, [controller, activeId, findOpen]);

  return (
    <main className="panes" ref={ref}>
      {tabs.map((tab) => (
        <Pane key={tab.sessionId} tab={tab} active={tab.sessionId === activeId} />
      ))}
      {ready && tabs.length === 0 && (
        <div className="empty-panes">
          <p>No open tabs.</p>
          <p className="hint">{emptyStateSentence(ttl)}</p>
          <div className="empty-actions">
            <button type="button" className="button primary" onClick={() => void controller.newTab()}>
              New shell tab
            </button>
            <button type="button" className="button" onClick={() => controller.togglePanel(true)}>
              Show sessions
            </button>
          </div>
        </div>
      )}
      {findOpen && activeId && <FindBar sessionId={activeId} />}
    </main>
  );
}

function Pane({ tab, active }: { tab: Tab; active: boolean }) {
  const controller = useController();
  const hostRef = useRef<HTMLDivElement>(null);

  useLayoutEffect(() => {
    if (hostRef.current) controller.view(tab.sessionId)?.mount(hostRef.current);
  }, [controller, tab.sessionId]);

  return (
    <section
      id={`pane-${tab.sessionId}`}
      className={active ? 'pane active' : 'pane'}
      role="tabpanel"
      aria-labelledby={`tab-${tab.sessionId}`}
      data-testid={active ? 'terminal' : undefined}
      data-session-id={tab.sessionId}
      data-status={tab.status}
    >
      <div className="pane-terminal" ref={hostRef} />
      {!tab.started && tab.status !== 'gone' && (
        <div className="pane-overlay starting" role="status">
          <span className="spinner" aria-hidden="true" />
          Starting {tabLabel(tab)}…
        </div>
      )}
      {tab.screenOnly && tab.status === 'exited' && (
        <div className="pane-banner restored" role="status" data-testid="restored-banner">
          <span>Restored after Linger restarted. This program is not a shell, so it was not started again by itself.</span>
          <button type="button" className="button primary" data-testid="rerun" onClick={() => void controller.rerun(tab.sessionId)}>
            Run again
          </button>
        </div>
      )}
      {tab.status === 'gone' && (
        <div className="pane-banner" role="alert">
          <span>{tab.notice}</span>
          <button type="button" className="button" onClick={() => controller.closeTab(tab.sessionId)}>
            Close tab
          </button>
        </div>
      )}
    </section>
  );
}

function isEditingText(): boolean {
  const el = document.activeElement;
  return el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement ? !el.classList.contains('xterm-helper-textarea') : false;
}
