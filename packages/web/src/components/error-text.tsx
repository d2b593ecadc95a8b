import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/http';

/** The message for an error, in the reader's language when its code is known. */
export function useErrorText(): (e: unknown) => string {
  const { t, i18n } = useTranslation();
  return (e: unknown) => {
    if (e instanceof ApiError) {
      const key = `errors.${e.code}`;
      if (i18n.exists(key)) return t(key as 'errors.validation_failed', { field: e.field ? ` (${e.field})` : '', detail: e.message });
      return e.message || t('errors.unknown');
    }
    if (e instanceof Error) return e.message;
    return t('errors.unknown');
  };
}

export function ErrorText({ error, testId = 'error' }: { error: unknown; testId?: string }) {
  const text = useErrorText();
  if (error === null || error === undefined) return null;
  return (
    <p className="error-text" role="alert" data-testid={testId}>
      {text(error)}
    </p>
  );
}
