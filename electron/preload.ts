/**
 * The preload: runs sandboxed with context isolation, so it is bundled into one CommonJS file
 * that needs only `electron`. It exposes the contract as `window.linger` and nothing else.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { createLingerApi } from './preload-api';

contextBridge.exposeInMainWorld('linger', createLingerApi(ipcRenderer));
