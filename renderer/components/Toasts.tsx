/** Errors from requests, shown for a while and dismissable; never a crash. */
import { useEffect } from 'react';
import { dismissToast, type Toast } from '../store';
import { useAppState, useAppStore } from './context';

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
  useEffect(() => {
    const timer = setTimeout(() => dismissToast(store, toast.id), TOAST_MS);
    return () => clearTimeout(timer);
  }, [store, toast.id]);
  return (
    <div className="toast" role="alert" data-testid="toast">
      <span>{toast.message}</span>
      <button type="button" className="icon-button" aria-label="Dismiss" onClick={() => dismissToast(store, toast.id)}>
        ×
      </button>
    </div>
  );
}
