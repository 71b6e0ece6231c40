/**
 * The session controller: the one place that turns user intent (new tab, close, stop, keep,
 * open) into requests, and host events into terminal writes and tab state. It owns the
 * terminal views (one per open tab) and every subscription it makes; `start()` returns the
 * disposer for all of them.
 */
import {
  DEFAULT_PROFILE,
  MAX_NOTICE_BODY_CHARS,
  MAX_NOTICE_TITLE_CHARS,
  type ExportFormat,
  type HostEvent,
  type LedgerEvent,
  type ProfileInfo,
  type SessionRow,
} from '../electron/contract';
import { alertFor, isSeen, noticeText, withAlert, withoutAlert, type AttentionEvent } from './attention';
import { downloadExport } from './download';
import type { OsNotifier } from './notifier';
import { PREFS_KEY, TABS_KEY, layoutOf, parseTabs, saveJson, serializeTabs, startupTabs, unseenNotices, type KeyValueStore, type Theme } from './persist';
import type { ShortcutAction } from './shortcuts';
import { mergeEvents } from './stats-view';
import { pushToast, setPrefs, updateTabs, type AppStore } from './store';
import {
  LOST_WHILE_DISCONNECTED,
  activateTab,
  addTab,
  closeTab,
  createTab,
  cycleTab,
  exitLine,
  findTab,
  markActivity,
  markAttached,
  markExited,
  markGone,
  markReattaching,
  markRestarting,
  markStarted,
  moveTab,
  removedNotice,
  renameTab,
  syncTitles,
  tabIndex,
  type TabStatus,
} from './tabs';
import { TerminalView, estimateSize } from './terminal-view';
import { terminalTheme } from './theme';
import type { ConnectionInfo, RendererApi } from './ws-client';

const FALLBACK_PROFILE: ProfileInfo = { name: DEFAULT_PROFILE, label: 'Shell', command: '', args: [], available: true };

/** How many ledger events the activity list shows. */
const ACTIVITY_EVENTS = 50;

/** How this window tells its user about a session that asks for attention. */
export interface AttentionOutlets {
  notifier: OsNotifier;
  /** The user is looking at this window (shown and focused): its shown tab needs no notice. */
  looking(): boolean;
}

export class SessionController {
  private readonly views = new Map<string, TerminalView>();
  /** Sessions this window asked to stop: their `removed` event closes the tab, not marks it. */
  private readonly stopping = new Set<string>();
  private paneElement: HTMLElement | null = null;
  private booting = false;
  /** The layout the host last heard from this window (JSON), so only changes are sent. */
  private sentLayout: string | null = null;

  constructor(
    private readonly api: RendererApi,
    private readonly store: AppStore,
    private readonly storage: KeyValueStore,
    private readonly attention: AttentionOutlets,
  ) {}

  start(): () => void {
    const offEvent = this.api.onEvent((event) => this.onHostEvent(event));
    const offConnection = this.api.onConnection((info) => this.onConnection(info));
    // The desktop menu's commands are the same actions as the keyboard's.
    const offMenu = this.api.onMenuCommand?.((command) => this.runShortcut(command)) ?? (() => undefined);
    const offNotificationClick = this.attention.notifier.onClick((sessionId) => this.openSession(sessionId));
    this.store.setState({ notifyPermission: this.attention.notifier.permission() });
    const offPersist = this.store.subscribe((state, prev) => {
      if (state.activeId !== prev.activeId) {
        if (prev.activeId) this.sendVisibility(prev.activeId, false);
        // A tab shown is a session seen: its badge goes.
        if (state.activeId) {
          this.sendVisibility(state.activeId, this.isShown(state.activeId));
          this.clearAlert(state.activeId);
        }
      }
      if (!state.ready) return;
      if (state.tabs !== prev.tabs || state.activeId !== prev.activeId) {
        saveJson(this.storage, TABS_KEY, serializeTabs(state));
        this.sendLayout();
      }
      if (state.prefs !== prev.prefs) saveJson(this.storage, PREFS_KEY, state.prefs);
    });
    // A minimized window, or a browser tab behind another, shows none of its tabs.
    const onPageVisibility = () => {
      const active = this.store.getState().activeId;
      if (active) this.sendVisibility(active, this.isShown(active));
    };
    document.addEventListener('visibilitychange', onPageVisibility);
    return () => {
      document.removeEventListener('visibilitychange', onPageVisibility);
      offEvent();
      offConnection();
      offMenu();
      offNotificationClick();
      offPersist();
      for (const view of this.views.values()) view.dispose();
      this.views.clear();
    };
  }

  /** The element panes fill: new sessions start at its size in cells. */
  setPaneElement(element: HTMLElement | null): void {
    this.paneElement = element;
  }

  view(sessionId: string): TerminalView | undefined {
    return this.views.get(sessionId);
  }

  isKept(sessionId: string): boolean {
    return this.store.getState().stats?.sessions.some((s) => s.session_id === sessionId && s.kept) ?? false;
  }

  /** What the new-tab menu offers; the shell alone until the host has said. */
  profiles(): ProfileInfo[] {
    const profiles = this.store.getState().profiles;
    return profiles.length ? profiles : [FALLBACK_PROFILE];
  }

  /** For `window.__lingerTest.screen`. */
  screen(sessionId: string): string {
    return this.openView(sessionId).screenText();
  }

  /** For `window.__lingerTest.droppedOutput`. */
  droppedOutput(sessionId: string): number {
    return this.openView(sessionId).droppedOutput;
  }

  /** For `window.__lingerTest.receivedOutput`. */
  receivedOutput(sessionId: string): number {
    return this.openView(sessionId).receivedOutput;
  }

  /** For `window.__lingerTest.onWriteParsed`. */
  onWriteParsed(sessionId: string, listener: () => void): () => void {
    return this.openView(sessionId).onWriteParsed(listener);
  }

  private openView(sessionId: string): TerminalView {
    const view = this.view(sessionId);
    if (!view) throw new Error(`No open tab shows session ${sessionId}.`);
    return view;
  }

  // -- user intent ---------------------------------------------------------------------------

  async newTab(profile: string = DEFAULT_PROFILE): Promise<void> {
    const size = this.activeView()?.size ?? estimateSize(this.paneElement);
    let row: SessionRow;
    try {
      row = await this.api.request('start', { profile, cols: size.cols, rows: size.rows });
    } catch (err) {
      this.toast(`Could not start a new ${profile} tab`, err);
      return;
    }
    this.openTab(row.session_id, row.profile, row.title);
  }

  /** Open from the sessions panel, a toast or a notification: focus its tab, or attach it in a new one. */
  openSession(sessionId: string): void {
    this.clearAlert(sessionId);
    if (findTab(this.store.getState(), sessionId)) {
      this.activate(sessionId);
      return;
    }
    const row = this.store.getState().stats?.sessions.find((s) => s.session_id === sessionId);
    this.openTab(sessionId, row?.profile ?? DEFAULT_PROFILE, row?.title ?? '');
  }

  /** Close = detach: the tab goes, the session keeps running. */
  closeTab(sessionId: string): void {
    const tab = findTab(this.store.getState(), sessionId);
    if (!tab) return;
    this.dropTab(sessionId);
    if (tab.status === 'gone') return;
    this.api.request('detach', { sessionId }).catch((err: unknown) => {
      if (!isCode(err, 'UNKNOWN_SESSION')) this.toast('Could not detach the session', err);
    });
  }

  async stopSession(sessionId: string): Promise<void> {
    this.stopping.add(sessionId);
    try {
      await this.api.request('stop', { sessionId });
      this.dropTab(sessionId);
    } catch (err) {
      if (isCode(err, 'UNKNOWN_SESSION')) this.dropTab(sessionId);
      else this.toast('Could not stop the session', err);
    } finally {
      this.stopping.delete(sessionId);
    }
  }

  async setKept(sessionId: string, kept: boolean): Promise<void> {
    try {
      this.replaceRow(await this.api.request('keep', { sessionId, kept }));
    } catch (err) {
      this.toast(kept ? 'Could not keep the session' : 'Could not unkeep the session', err);
    }
  }

  async setRecording(sessionId: string, on: boolean): Promise<void> {
    try {
      this.replaceRow(await this.api.request('record', { sessionId, on }));
    } catch (err) {
      this.toast(on ? 'Could not start recording' : 'Could not stop recording', err);
    }
  }

  /**
   * Run again: the command of a session restored without it starts in that session (same id,
   * old screen above), and its tab — opened if it had none — takes input again.
   */
  async rerun(sessionId: string): Promise<void> {
    let row: SessionRow;
    try {
      row = await this.api.request('rerun', { sessionId });
    } catch (err) {
      this.toast('Could not run it again', err);
      return;
    }
    this.replaceRow(row);
    if (findTab(this.store.getState(), sessionId)) {
      updateTabs(this.store, (s) => markAttached(s, row, true));
      this.activate(sessionId);
    } else this.openSession(sessionId);
  }

  /**
   * Quit and discard sessions: every session ends and none comes back. The desktop app quits;
   * browser mode's server keeps running (it serves other windows and is stopped where it was
   * started), so this window starts over with one new shell.
   */
  async discardSessions(): Promise<void> {
    if (this.api.quitAndDiscard) {
      this.api.quitAndDiscard();
      return;
    }
    const open = this.store.getState().tabs.map((t) => t.sessionId);
    for (const id of open) this.stopping.add(id);
    try {
      await this.api.request('discard', {});
      for (const id of open) this.dropTab(id);
      await this.newTab();
    } catch (err) {
      this.toast('Could not discard the sessions', err);
    } finally {
      for (const id of open) this.stopping.delete(id);
    }
  }

  /** Whether discarding the sessions quits the app (desktop) or leaves the server running (browser mode). */
  quitsOnDiscard(): boolean {
    return this.api.quitAndDiscard !== undefined;
  }

  /** The desktop app saves through its Save dialog; browser mode downloads. */
  async exportSession(sessionId: string, format: ExportFormat): Promise<void> {
    try {
      if (this.api.saveExport) await this.api.saveExport(sessionId, format);
      else downloadExport(await this.api.request('export', { sessionId, format }));
    } catch (err) {
      this.toast('Could not export the session', err);
    }
  }

  /** Whether that session's long commands and bells notify, for every view (the host keeps it). */
  async setNotify(sessionId: string, enabled: boolean): Promise<void> {
    try {
      this.replaceRow(await this.api.request('notify', { sessionId, enabled }));
    } catch (err) {
      this.toast(enabled ? 'Could not turn notifications on' : 'Could not turn notifications off', err);
    }
  }

  isNotifying(sessionId: string): boolean {
    return this.store.getState().stats?.sessions.find((s) => s.session_id === sessionId)?.notify ?? true;
  }

  /**
   * The toolbar's button: in a browser, until allowed, a click asks for permission (never asked
   * unprompted; a blocked page re-reads it, in case the user allowed it in the site settings);
   * once allowed, or in the desktop app, it turns OS notifications on and off.
   */
  async toggleOsNotifications(): Promise<void> {
    if (this.store.getState().notifyPermission !== 'granted') {
      const permission = await this.attention.notifier.request();
      this.store.setState({ notifyPermission: permission });
      if (permission === 'granted') setPrefs(this.store, { osNotifications: true });
      return;
    }
    setPrefs(this.store, { osNotifications: !this.store.getState().prefs.osNotifications });
  }

  /** After a click on a tab's button the keyboard goes back to the shown terminal. */
  focusActive(): void {
    requestAnimationFrame(() => this.activeView()?.focus());
  }

  activate(sessionId: string): void {
    updateTabs(this.store, (s) => activateTab(s, sessionId));
  }

  rename(sessionId: string, name: string): void {
    updateTabs(this.store, (s) => renameTab(s, sessionId, name));
  }

  moveTo(sessionId: string, index: number): void {
    updateTabs(this.store, (s) => moveTab(s, sessionId, index));
  }

  togglePanel(open = !this.store.getState().prefs.panelOpen): void {
    setPrefs(this.store, { panelOpen: open });
  }

  setTheme(theme: Theme): void {
    setPrefs(this.store, { theme });
    for (const view of this.views.values()) view.setTheme(terminalTheme(theme));
  }

  closeFind(): void {
    this.store.setState({ findOpen: false });
    this.activeView()?.focus();
  }

  /** The recent ledger, fetched at boot and after a reconnect; the host pushes each new event. */
  private async loadEvents(): Promise<void> {
    try {
      const events = await this.api.request('events', { limit: ACTIVITY_EVENTS });
      this.addEvents(events);
    } catch {
      // A disconnect is already on screen; the reconnect fetches again.
    }
  }

  private addEvents(events: LedgerEvent[]): void {
    const known = this.store.getState().events;
    const merged = mergeEvents(known, events, ACTIVITY_EVENTS);
    if (merged !== known) this.store.setState({ events: merged });
  }

  runShortcut(action: ShortcutAction): void {
    const state = this.store.getState();
    const active = state.activeId;
    switch (action) {
      case 'new-tab':
        void this.newTab();
        break;
      case 'close-tab':
        if (active) this.closeTab(active);
        break;
      case 'stop-session':
        if (active) void this.stopSession(active);
        break;
      case 'next-tab':
        updateTabs(this.store, (s) => cycleTab(s, 1));
        break;
      case 'prev-tab':
        updateTabs(this.store, (s) => cycleTab(s, -1));
        break;
      case 'move-tab-left':
      case 'move-tab-right':
        if (active) this.moveTo(active, tabIndex(state, active) + (action === 'move-tab-left' ? -1 : 1));
        break;
      case 'toggle-sessions':
        this.togglePanel();
        break;
      case 'find':
        this.store.setState({ findOpen: !state.findOpen });
        break;
      case 'copy':
        void this.copySelection();
        break;
      case 'paste':
        // The browser's own paste (Ctrl+Shift+V is "paste as plain text") reaches xterm.js's
        // paste handler, which needs no clipboard permission.
        break;
    }
  }

  // -- host events ---------------------------------------------------------------------------

  private onHostEvent(event: HostEvent): void {
    switch (event.type) {
      case 'data':
        this.onData(event.sessionId, event.data);
        break;
      case 'snapshot':
        this.onSnapshot(event);
        break;
      case 'exit':
        this.onExit(event.sessionId, event.exitCode, event.signal);
        break;
      case 'removed': {
        const { sessionId, reason } = event;
        this.clearAlert(sessionId);
        if (this.stopping.has(sessionId)) break;
        if (reason === 'restart') updateTabs(this.store, (s) => markRestarting(s, sessionId));
        else updateTabs(this.store, (s) => markGone(s, sessionId, removedNotice(reason)));
        break;
      }
      case 'sessions':
        this.store.setState({ stats: event.stats });
        updateTabs(this.store, (s) => syncTitles(s, event.stats));
        break;
      case 'attention':
        this.onAttention(event);
        break;
      case 'ledger':
        this.addEvents([event.event]);
        break;
    }
  }

  /**
   * Unless the user is looking at that very tab: a badge on its tab or card (not on the tab
   * shown in a window they have left: showing it again is seeing it), a toast with Open, and an
   * OS notification if they have them on.
   */
  private onAttention(event: AttentionEvent): void {
    const state = this.store.getState();
    if (isSeen(event.sessionId, state.activeId, this.attention.looking())) return;
    const { title, body } = noticeText(event, state.stats?.sessions.find((s) => s.session_id === event.sessionId));
    if (state.activeId !== event.sessionId) this.store.setState({ alerts: withAlert(state.alerts, event.sessionId, alertFor(event)) });
    pushToast(this.store, body ? `${title} — ${body}` : title, event.sessionId);
    if (state.prefs.osNotifications) {
      this.attention.notifier.show({
        sessionId: event.sessionId,
        title: title.slice(0, MAX_NOTICE_TITLE_CHARS),
        body: body.slice(0, MAX_NOTICE_BODY_CHARS),
      });
    }
  }

  private clearAlert(sessionId: string): void {
    const alerts = this.store.getState().alerts;
    const next = withoutAlert(alerts, sessionId);
    if (next !== alerts) this.store.setState({ alerts: next });
  }

  /** The hot path: one write, and a store lookup only for a background tab's first output. */
  private onData(sessionId: string, data: Uint8Array): void {
    const view = this.views.get(sessionId);
    if (!view) return;
    view.write(data);
    const state = this.store.getState();
    if (state.activeId !== sessionId && findTab(state, sessionId)?.activity === false) {
      updateTabs(this.store, (s) => markActivity(s, sessionId));
    }
  }

  private onSnapshot(event: Extract<HostEvent, { type: 'snapshot' }>): void {
    const view = this.views.get(event.sessionId);
    if (!view) return;
    const { session } = event;
    view.applySnapshot(event.data, { cols: event.cols, rows: event.rows });
    // A restored screen already ends with its dated line; its program never ran in this app.
    if (session.state === 'exited' && !session.screen_only) view.writeNotice(exitLine(session.exit_code, session.exit_signal));
    updateTabs(this.store, (s) => markAttached(s, session, false));
  }

  private onExit(sessionId: string, exitCode: number | null, signal: number | null): void {
    this.views.get(sessionId)?.writeNotice(exitLine(exitCode, signal));
    updateTabs(this.store, (s) => markExited(s, sessionId, exitCode, signal));
  }

  // -- connection ----------------------------------------------------------------------------

  private onConnection(info: ConnectionInfo): void {
    this.store.setState({ connection: info });
    if (info.state !== 'open') return;
    if (!this.store.getState().ready) void this.boot();
    else if (info.reconnected) {
      // The host may be a restarted one, holding the layout it saved last: tell it this window's.
      this.sentLayout = null;
      this.sendLayout();
      void this.reattachAll();
    }
  }

  /**
   * First start: this browser's stored tabs whose sessions still exist, else the tabs the host
   * saved, else one new shell; and, once, what the host could not restore.
   */
  private async boot(): Promise<void> {
    if (this.booting) return;
    this.booting = true;
    try {
      const [stats, saved] = await Promise.all([this.api.request('stats', {}), this.api.request('restored', {})]);
      this.store.setState({ stats });
      void this.loadProfiles();
      void this.loadEvents();
      for (const notice of unseenNotices(this.storage, saved.notices)) pushToast(this.store, notice.message);
      const restored = startupTabs(parseTabs(this.storage.getItem(TABS_KEY)), saved.layout, stats);
      for (const tab of restored.tabs) this.createView(tab.sessionId);
      this.store.setState({ tabs: restored.tabs, activeId: restored.activeId, ready: true });
      if (restored.tabs.length === 0) await this.newTab();
      else for (const tab of restored.tabs) void this.attach(tab.sessionId);
    } catch (err) {
      // A drop mid-boot: the next `open` boots again.
      if (!isCode(err, 'DISCONNECTED')) this.toast('Could not load sessions', err);
    } finally {
      this.booting = false;
    }
  }

  private sendLayout(): void {
    const state = this.store.getState();
    if (!state.ready) return;
    const layout = layoutOf(state);
    const text = JSON.stringify(layout);
    if (text === this.sentLayout) return;
    this.sentLayout = text;
    this.api.request('saveLayout', layout).catch((err: unknown) => {
      // Sent again on the next change or reconnect.
      this.sentLayout = null;
      if (!isCode(err, 'DISCONNECTED')) this.toast('Could not save the tab layout', err);
    });
  }

  private async reattachAll(): Promise<void> {
    updateTabs(this.store, markReattaching);
    void this.loadProfiles();
    void this.loadEvents();
    for (const tab of this.store.getState().tabs) {
      if (tab.status !== 'gone') void this.attach(tab.sessionId, LOST_WHILE_DISCONNECTED);
    }
  }

  private async loadProfiles(): Promise<void> {
    try {
      this.store.setState({ profiles: await this.api.request('profiles', {}) });
    } catch (err) {
      this.toast('Could not load profiles', err);
    }
  }

  // -- tabs and views ------------------------------------------------------------------------

  private openTab(sessionId: string, profile: string, title: string): void {
    this.createView(sessionId);
    updateTabs(this.store, (s) => addTab(s, createTab({ sessionId, profile, title })));
    void this.attach(sessionId);
  }

  private async attach(sessionId: string, goneNotice = 'This session no longer exists (stopped or expired). Close the tab.'): Promise<void> {
    try {
      await this.api.request('attach', { sessionId });
      // Views start shown; one that was hidden while it attached says so now.
      if (!this.isShown(sessionId)) this.sendVisibility(sessionId, false);
    } catch (err) {
      if (isCode(err, 'UNKNOWN_SESSION')) {
        updateTabs(this.store, (s) => markGone(s, sessionId, goneNotice));
      } else if (!isCode(err, 'DISCONNECTED')) {
        updateTabs(this.store, (s) => markGone(s, sessionId, `Could not attach: ${errorMessage(err)}`));
      }
    }
  }

  private createView(sessionId: string): TerminalView {
    const existing = this.views.get(sessionId);
    if (existing) return existing;
    const size = this.activeView()?.size ?? estimateSize(this.paneElement);
    const view = new TerminalView(sessionId, terminalTheme(this.store.getState().prefs.theme), size, {
      input: (data) => this.sendInput(sessionId, data),
      resized: (cols, rows) => this.sendResize(sessionId, cols, rows),
      firstText: () => updateTabs(this.store, (s) => markStarted(s, sessionId)),
      ack: (bytes) => this.api.ack(sessionId, bytes),
    });
    this.views.set(sessionId, view);
    return view;
  }

  private dropTab(sessionId: string): void {
    updateTabs(this.store, (s) => closeTab(s, sessionId));
    this.views.get(sessionId)?.dispose();
    this.views.delete(sessionId);
  }

  /** A row the host just answered with, shown before the next stats push. */
  private replaceRow(row: SessionRow): void {
    const stats = this.store.getState().stats;
    if (!stats) return;
    const sessions = stats.sessions.map((s) => (s.session_id === row.session_id ? row : s));
    this.store.setState({ stats: { ...stats, sessions } });
  }

  private activeView(): TerminalView | undefined {
    const active = this.store.getState().activeId;
    return active ? this.views.get(active) : undefined;
  }

  private sendInput(sessionId: string, data: string): void {
    if (!isAttachedStatus(findTab(this.store.getState(), sessionId)?.status)) return;
    this.api.request('write', { sessionId, data }).catch((err: unknown) => {
      if (!isCode(err, 'DISCONNECTED') && !isCode(err, 'SESSION_EXITED')) this.toast('Typing did not reach the session', err);
    });
  }

  private sendResize(sessionId: string, cols: number, rows: number): void {
    if (!isAttachedStatus(findTab(this.store.getState(), sessionId)?.status)) return;
    this.api.request('resize', { sessionId, cols, rows }).catch((err: unknown) => {
      // A session that just went away says so through its `removed` event.
      if (!isCode(err, 'DISCONNECTED') && !isCode(err, 'UNKNOWN_SESSION')) this.toast('Could not resize the session', err);
    });
  }

  /** Whether a tab is in front, in a window that is shown. */
  private isShown(sessionId: string): boolean {
    return this.store.getState().activeId === sessionId && document.visibilityState === 'visible';
  }

  /** Tells the host whether a tab is in front, so a flood behind it is not sent (host/view-stalls.ts). */
  private sendVisibility(sessionId: string, visible: boolean): void {
    if (!this.views.has(sessionId) || !isAttachedStatus(findTab(this.store.getState(), sessionId)?.status)) return;
    this.api.request('visibility', { sessionId, visible }).catch((err: unknown) => {
      if (!isCode(err, 'DISCONNECTED') && !isCode(err, 'UNKNOWN_SESSION')) this.toast('Could not tell the session whether its tab is shown', err);
    });
  }

  private async copySelection(): Promise<void> {
    const text = this.activeView()?.selection();
    if (!text) return;
    try {
      await navigator.clipboard.writeText(text);
    } catch (err) {
      this.toast('Could not copy the selection', err);
    }
  }

  private toast(what: string, err: unknown): void {
    pushToast(this.store, `${what}: ${errorMessage(err)}`);
  }
}

/** Input and resizes go to a session that is running; one still attaching is about to be. */
function isAttachedStatus(status: TabStatus | undefined): boolean {
  return status === 'live' || status === 'attaching';
}

function isCode(err: unknown, code: string): boolean {
  return err instanceof Error && 'code' in err && (err as { code: unknown }).code === code;
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
