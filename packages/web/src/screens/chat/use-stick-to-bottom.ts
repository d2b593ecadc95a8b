import { useCallback, useEffect, useLayoutEffect, useRef, type RefObject } from 'react';

/**
 * Keeps a scrolling list at its end while it grows (a streaming answer), unless the person has
 * scrolled up to read: then it stays where they are until they come back down or send a message.
 */
export function useStickToBottom(ref: RefObject<HTMLElement | null>, change: unknown): () => void {
  const stuck = useRef(true);
  useEffect(() => {
    const el = ref.current;
    if (el === null) return;
    const onScroll = () => {
      stuck.current = el.scrollHeight - el.scrollTop - el.clientHeight < 80;
    };
    el.addEventListener('scroll', onScroll, { passive: true });
    return () => el.removeEventListener('scroll', onScroll);
  }, [ref]);
  useLayoutEffect(() => {
    const el = ref.current;
    if (el !== null && stuck.current) el.scrollTop = el.scrollHeight;
  }, [ref, change]);
  return useCallback(() => {
    stuck.current = true;
    const el = ref.current;
    if (el !== null) el.scrollTop = el.scrollHeight;
  }, [ref]);
}
