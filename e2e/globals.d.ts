import type { LingerTestHooks } from '../electron/contract';

declare global {
  interface Window {
    __lingerTest?: LingerTestHooks;
  }
}
