import { createContext, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from 'react';

/**
 * Short messages for everyone: shown as a toast and read out by screen readers through one polite
 * live region ("Feedback saved") or one assertive one for errors. The regions exist from the first
 * render, so that assistive technologies pick up what is put in them later.
 */
export interface Notice {
  id: number;
  text: string;
  tone: 'info' | 'error';
}

const NoticeContext = createContext<(text: string, tone?: Notice['tone']) => void>(() => {});

export const useNotify = () => useContext(NoticeContext);

export function NoticeProvider({ children }: { children: ReactNode }) {
  const [notices, setNotices] = useState<Notice[]>([]);
  const next = useRef(1);
  const notify = useCallback((text: string, tone: Notice['tone'] = 'info') => {
    const id = next.current++;
    setNotices((list) => [...list.slice(-2), { id, text, tone }]);
    setTimeout(() => setNotices((list) => list.filter((n) => n.id !== id)), tone === 'error' ? 8000 : 2500);
  }, []);
  const value = useMemo(() => notify, [notify]);
  const polite = notices.filter((n) => n.tone === 'info').at(-1)?.text ?? '';
  const assertive = notices.filter((n) => n.tone === 'error').at(-1)?.text ?? '';
  return (
    <NoticeContext.Provider value={value}>
      {children}
      <div className="visually-hidden" aria-live="polite" aria-atomic="true" data-testid="live-polite">
        {polite}
      </div>
      <div className="visually-hidden" aria-live="assertive" aria-atomic="true" data-testid="live-assertive">
        {assertive}
      </div>
      <div className="toasts" aria-hidden="true">
        {notices.map((n) => (
          <div key={n.id} className={`toast toast-${n.tone}`} data-testid="toast">
            {n.text}
          </div>
        ))}
      </div>
    </NoticeContext.Provider>
  );
}
