/** Ctrl+Shift+F: find in the active terminal's screen and scrollback. */
import { useState } from 'react';
import { useController } from './context';

export function FindBar({ sessionId }: { sessionId: string }) {
  const controller = useController();
  const [query, setQuery] = useState('');
  const [missing, setMissing] = useState(false);

  const find = (backwards: boolean) => {
    const found = controller.view(sessionId)?.find(query, backwards) ?? false;
    setMissing(query !== '' && !found);
  };

  const close = () => {
    controller.view(sessionId)?.clearFind();
    controller.closeFind();
  };

  return (
    <div className="findbar" role="search">
      <input
        aria-label="Find in terminal"
        placeholder="Find"
        value={query}
        autoFocus
        className={missing ? 'missing' : ''}
        onChange={(e) => {
          setQuery(e.currentTarget.value);
          setMissing(false);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            find(e.shiftKey);
          } else if (e.key === 'Escape') {
            e.preventDefault();
            close();
          }
        }}
      />
      <span className="find-status" aria-live="polite">
        {missing ? 'No match' : ''}
      </span>
      <button type="button" className="icon-button" title="Previous match (Shift+Enter)" aria-label="Previous match" onClick={() => find(true)}>
        ↑
      </button>
      <button type="button" className="icon-button" title="Next match (Enter)" aria-label="Next match" onClick={() => find(false)}>
        ↓
      </button>
      <button type="button" className="icon-button" title="Close (Escape)" aria-label="Close find" onClick={close}>
        ×
      </button>
    </div>
  );
}
