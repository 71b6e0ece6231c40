/**
 * Errors from requests, and sessions asking for attention (with Open), shown for a while and
 * dismissable; never a crash.
 */
import { useEffect } from 'react';
import { dismissToast, type Toast } from '../store';
import { useAppState, useAppStore, useController } from './context';

/** Long enough to read a two-line message; the × dismisses sooner. */
const TOAST_MS = 8000;

export function Toasts() {
  const toasts = useAppState((s) => s.toasts);
  return (
    <div className="toasts" aria-live="assertive">
      {toasts.map((toast) => (
        <ToastItem key={toast.id} toast={toast} />
      ))}
    </div>
  );
}

function ToastItem({ toast }: { toast: Toast }) {
  const store = useAppStore();
  const controller = useController();
  useEffect(() => {
    const timer = setTimeout(() => dismissToast(store, toast.id), TOAST_MS);
    return () => clearTimeout(timer);
  }, [store, toast.id]);
  return (
    <div className="toast" role="alert" data-testid="toast">
      <span>{toast.message}</span>
      {toast.sessionId && (
        <button
          type="button"
          className="button"
          data-testid="toast-open"
          onClick={() => {
            dismissToast(store, toast.id);
            controller.openSession(toast.sessionId!);
            controller.focusActive();
          }}
        >
          Open
        </button>
      )}
      <button type="button" className="icon-button" aria-label="Dismiss" onClick={() => dismissToast(store, toast.id)}>
        ×
      </button>
    </div>
  );
}
