import { useEffect, useRef } from 'react';

export type ShortcutMap = Partial<Record<string, (e: KeyboardEvent) => void>>;

/** True when a key press belongs to what has focus (typing, a menu, a dialog), not to the page. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof Element)) return false;
  return target.closest('input, textarea, select, [contenteditable="true"], [contenteditable=""]') !== null;
}

/**
 * Single-key shortcuts on the whole page (j, k, +, -, r, c, e, f, …), off while typing or while a
 * dialog is open, and never with Ctrl, Alt or Meta (those belong to the browser).
 */
export function useShortcuts(map: ShortcutMap, enabled = true): void {
  const ref = useRef(map);
  ref.current = map;
  useEffect(() => {
    if (!enabled) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return;
      if (document.querySelector('dialog[open]') !== null) return;
      if (e.key !== 'Escape' && isTypingTarget(e.target)) return;
      const key = e.key === '=' ? '+' : e.key === '_' ? '-' : e.key;
      const handler = ref.current[key];
      if (handler === undefined) return;
      e.preventDefault();
      handler(e);
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [enabled]);
}
