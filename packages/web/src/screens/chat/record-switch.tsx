import { useTranslation } from 'react-i18next';

/**
 * The recording indicator, always visible, and its one-click pause. While paused nothing is sent
 * to be stored: the chat goes to the model with its history and stays in this page only.
 */
export function RecordSwitch({ recording, onToggle }: { recording: boolean; onToggle: () => void }) {
  const { t } = useTranslation();
  return (
    <button
      type="button"
      role="switch"
      aria-checked={recording}
      className={recording ? 'record-switch on' : 'record-switch off'}
      onClick={onToggle}
      title={`${recording ? t('chat.pauseRecording') : t('chat.resumeRecording')} (p)`}
      data-testid="record-toggle"
      data-recording={recording ? 'true' : 'false'}
    >
      <span className="dot" aria-hidden="true" />
      <span>{recording ? t('chat.recordingOn') : t('chat.recordingOff')}</span>
    </button>
  );
}
