/** The renderer's entry: one API client, one store, one controller, one React root. */
import '@xterm/xterm/css/xterm.css';
import './styles.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createApi } from './api';
import { App } from './components/App';
import { AppContext } from './components/context';
import { SessionController } from './controller';
import { createNotifier } from './notifier';
import { PREFS_KEY, parsePrefs } from './persist';
import { createAppStore } from './store';
import { e2eRequested, installTestHooks } from './test-hooks';

const prefs = parsePrefs(localStorage.getItem(PREFS_KEY));
document.documentElement.dataset.theme = prefs.theme;
const store = createAppStore(prefs);
const api = createApi();
const controller = new SessionController(api, store, localStorage, {
  notifier: createNotifier(api, window),
  looking: () => document.visibilityState === 'visible' && document.hasFocus(),
});
const stopController = controller.start();
const removeTestHooks = e2eRequested() ? installTestHooks(controller) : () => undefined;
// The page owns these for its whole life; a page kept in the back/forward cache comes back whole.
window.addEventListener('pagehide', (e) => {
  if (e.persisted) return;
  removeTestHooks();
  stopController();
});

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element.');
createRoot(root).render(
  <StrictMode>
    <AppContext.Provider value={{ store, controller }}>
      <App />
    </AppContext.Provider>
  </StrictMode>,
);
