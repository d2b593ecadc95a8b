import { forwardRef, useImperativeHandle, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';

export interface ComposerHandle {
  focus: () => void;
  setText: (text: string) => void;
}

/** Where a person writes: Enter sends, Shift+Enter starts a new line; Stop while an answer streams. */
export const Composer = forwardRef<ComposerHandle, { disabled: boolean; streaming: boolean; placeholder: string; onSend: (text: string) => void; onStop: () => void }>(
  function Composer({ disabled, streaming, placeholder, onSend, onStop }, ref) {
    const { t } = useTranslation();
    const [text, setText] = useState('');
    const area = useRef<HTMLTextAreaElement>(null);
    useImperativeHandle(ref, () => ({ focus: () => area.current?.focus(), setText }), []);
    const submit = (e?: FormEvent) => {
      e?.preventDefault();
      const value = text.trim();
      if (value === '' || disabled || streaming) return;
      setText('');
      onSend(value);
    };
    return (
      <form className="composer" onSubmit={submit} data-testid="composer">
        <label htmlFor="composer-text" className="visually-hidden">
          {t('chat.messageLabel')}
        </label>
        <textarea
          id="composer-text"
          ref={area}
          rows={Math.min(8, Math.max(1, text.split('\n').length))}
          placeholder={placeholder}
          value={text}
          disabled={disabled}
          maxLength={200000}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
              e.preventDefault();
              submit();
            }
            if (e.key === 'Escape' && streaming) {
              e.preventDefault();
              onStop();
            }
          }}
          aria-describedby="composer-hint"
          data-testid="composer-text"
        />
        <span id="composer-hint" className="visually-hidden">
          {t('chat.composerHint')}
        </span>
        {streaming ? (
          <button type="button" className="stop" onClick={onStop} data-testid="stop">
            {t('chat.stop')}
          </button>
        ) : (
          <button type="submit" className="primary" disabled={disabled || text.trim() === ''} data-testid="send">
            {t('chat.send')}
          </button>
        )}
      </form>
    );
  },
);
