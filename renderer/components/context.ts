/** The store and controller, handed to components through React context (one per window). */
import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { SessionController } from '../controller';
import type { AppState, AppStore } from '../store';

export interface AppContextValue {
  store: AppStore;
  controller: SessionController;
}

export const AppContext = createContext<AppContextValue | null>(null);

function useAppContext(): AppContextValue {
  const value = useContext(AppContext);
  if (!value) throw new Error('AppContext is missing: render components inside <AppContext.Provider>.');
  return value;
}

export function useController(): SessionController {
  return useAppContext().controller;
}

export function useAppStore(): AppStore {
  return useAppContext().store;
}

export function useAppState<T>(selector: (state: AppState) => T): T {
  return useStore(useAppContext().store, selector);
}
