import { useCallback, useMemo, useRef, useState } from 'react';
import { selectionSpan, type SourceSpan } from '../lib/selection-span';

export type AnswerDialog = { kind: 'critique'; messageId: string; span: SourceSpan | null } | { kind: 'flag'; messageId: string | null } | { kind: 'help' } | null;
export type AnswerPanel = { kind: 'rate' | 'correct'; messageId: string } | null;

/**
 * What the person is doing with the answers on screen: which one has focus (j/k), which panel is
 * open under which answer (rate, correct), which dialog is open (critique, flag, help), and where
 * each answer's rendered text is (to read a selection back as a span of its source).
 */
export function useAnswerUi(answerIds: readonly string[], contentOf: (id: string) => string) {
  const [focusedId, setFocusedId] = useState<string | null>(null);
  const [dialog, setDialog] = useState<AnswerDialog>(null);
  const [panel, setPanel] = useState<AnswerPanel>(null);
  const bodies = useRef(new Map<string, HTMLElement>());
  const refs = useRef(new Map<string, (el: HTMLElement | null) => void>());

  const bodyRef = useCallback((id: string) => {
    let ref = refs.current.get(id);
    if (ref === undefined) {
      ref = (el: HTMLElement | null) => {
        if (el === null) bodies.current.delete(id);
        else bodies.current.set(id, el);
      };
      refs.current.set(id, ref);
    }
    return ref;
  }, []);

  /** The focused answer, or else the last one: what a shortcut acts on. */
  const target = focusedId !== null && answerIds.includes(focusedId) ? focusedId : (answerIds.at(-1) ?? null);

  const move = useCallback(
    (delta: 1 | -1) => {
      if (answerIds.length === 0) return;
      const at = target === null ? -1 : answerIds.indexOf(target);
      const next = at === -1 ? (delta === 1 ? 0 : answerIds.length - 1) : Math.min(answerIds.length - 1, Math.max(0, at + delta));
      setFocusedId(answerIds[next]!);
    },
    [answerIds, target],
  );

  /** A critique: on the answer holding the selected text (and that span), else on the target. */
  const openCritique = useCallback(
    (messageId?: string) => {
      for (const [id, el] of bodies.current) {
        if (messageId !== undefined && id !== messageId) continue;
        const span = selectionSpan(el, contentOf(id));
        if (span !== null) {
          setDialog({ kind: 'critique', messageId: id, span });
          return;
        }
      }
      const id = messageId ?? target;
      if (id !== null) setDialog({ kind: 'critique', messageId: id, span: null });
    },
    [contentOf, target],
  );

  const togglePanel = useCallback((kind: 'rate' | 'correct', messageId: string | null) => {
    if (messageId === null) return;
    setPanel((p) => (p?.kind === kind && p.messageId === messageId ? null : { kind, messageId }));
  }, []);

  return useMemo(
    () => ({ focusedId, setFocusedId, target, move, dialog, setDialog, panel, setPanel, togglePanel, bodyRef, openCritique }),
    [focusedId, target, move, dialog, panel, togglePanel, bodyRef, openCritique],
  );
}

export type AnswerUi = ReturnType<typeof useAnswerUi>;
