/**
 * A small popup menu (tab context menu, new-tab profiles): keyboard first — focus lands on
 * the first item, arrows move, Enter picks, Escape or a click elsewhere closes.
 */
import { useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';

export interface MenuItem {
  label: string;
  hint?: string;
  title?: string;
  danger?: boolean;
  disabled?: boolean;
  testId?: string;
  onSelect(): void;
}

interface MenuProps {
  x: number;
  y: number;
  label: string;
  items: MenuItem[];
  onClose(): void;
}

/** Keeps the menu this far from the window's edges so it is never clipped. */
const EDGE_MARGIN_PX = 4;

export function Menu({ x, y, label, items, onClose }: MenuProps) {
  const ref = useRef<HTMLDivElement>(null);
  const [pos, setPos] = useState({ left: x, top: y });

  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const { width, height } = el.getBoundingClientRect();
    setPos({
      left: Math.max(EDGE_MARGIN_PX, Math.min(x, window.innerWidth - width - EDGE_MARGIN_PX)),
      top: Math.max(EDGE_MARGIN_PX, Math.min(y, window.innerHeight - height - EDGE_MARGIN_PX)),
    });
    el.querySelector<HTMLButtonElement>('button:not(:disabled)')?.focus();
  }, [x, y]);

  useEffect(() => {
    const onPointer = (e: MouseEvent) => {
      if (!ref.current?.contains(e.target as Node)) onClose();
    };
    const onBlur = () => onClose();
    window.addEventListener('mousedown', onPointer, true);
    window.addEventListener('blur', onBlur);
    return () => {
      window.removeEventListener('mousedown', onPointer, true);
      window.removeEventListener('blur', onBlur);
    };
  }, [onClose]);

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const buttons = [...(ref.current?.querySelectorAll<HTMLButtonElement>('button:not(:disabled)') ?? [])];
    const index = buttons.indexOf(document.activeElement as HTMLButtonElement);
    if (e.key === 'Escape') {
      e.preventDefault();
      onClose();
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const step = e.key === 'ArrowDown' ? 1 : -1;
      buttons[(index + step + buttons.length) % buttons.length]?.focus();
    } else if (e.key === 'Tab') {
      onClose();
    }
  };

  return (
    <div ref={ref} className="menu" role="menu" aria-label={label} style={pos} onKeyDown={onKeyDown}>
      {items.map((item) => (
        <button
          key={item.label}
          type="button"
          role="menuitem"
          className={item.danger ? 'menu-item danger' : 'menu-item'}
          disabled={item.disabled}
          title={item.title}
          data-testid={item.testId}
          onClick={() => {
            onClose();
            item.onSelect();
          }}
        >
          <span>{item.label}</span>
          {item.hint && <kbd>{item.hint}</kbd>}
        </button>
      ))}
    </div>
  );
}
