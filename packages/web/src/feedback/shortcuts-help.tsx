import { useTranslation } from 'react-i18next';
import { Dialog } from '../components/dialog';

/** Every keyboard shortcut of the chat and rate-the-pool screens (the keys live in use-shortcuts.ts). */
export const SHORTCUTS = [
  { keys: ['j', 'k'], action: 'next' },
  { keys: ['+', '-'], action: 'thumbs' },
  { keys: ['r'], action: 'rate' },
  { keys: ['c'], action: 'critique' },
  { keys: ['e'], action: 'correct' },
  { keys: ['f'], action: 'flag' },
  { keys: ['g'], action: 'regenerate' },
  { keys: ['[', ']'], action: 'branch' },
  { keys: ['/'], action: 'compose' },
  { keys: ['p'], action: 'pause' },
  { keys: ['n'], action: 'nextConversation' },
  { keys: ['Esc'], action: 'stop' },
  { keys: ['?'], action: 'help' },
] as const;

export function ShortcutsHelp({ onClose, only }: { onClose: () => void; only?: readonly (typeof SHORTCUTS)[number]['action'][] }) {
  const { t } = useTranslation();
  const list = only === undefined ? SHORTCUTS : SHORTCUTS.filter((s) => only.includes(s.action));
  return (
    <Dialog title={t('shortcuts.title')} onClose={onClose} testId="shortcuts-help">
      <p className="hint">{t('shortcuts.intro')}</p>
      <table className="shortcuts">
        <thead>
          <tr>
            <th scope="col">{t('shortcuts.key')}</th>
            <th scope="col">{t('shortcuts.action')}</th>
          </tr>
        </thead>
        <tbody>
          {list.map((s) => (
            <tr key={s.action}>
              <td>
                {s.keys.map((k, i) => (
                  <span key={k}>
                    {i > 0 && ' / '}
                    <kbd>{k}</kbd>
                  </span>
                ))}
              </td>
              <td>{t(`shortcuts.actions.${s.action}`)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Dialog>
  );
}
