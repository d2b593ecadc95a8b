import { useState, type FormEvent } from 'react';
import { isApiError } from '../api/http';

/**
 * A moderator's decision on one item, sent with its reason: the form's submit button says which
 * decision (`value`); an empty reason sends nothing. While sending the form is busy; a failure is
 * kept for the form to show, and an item someone else decided meanwhile (409, 404) makes the list stale.
 */
export function useReasonedDecision<D extends string, R>(decide: (decision: D, reason: string) => Promise<R>, decisionOf: (submitter: string | undefined) => D, onDecided: (result: R) => void, onStale: () => void) {
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const submitter = (e.nativeEvent as SubmitEvent).submitter as HTMLButtonElement | null;
    if (reason.trim() === '') return;
    setBusy(true);
    setError(null);
    try {
      onDecided(await decide(decisionOf(submitter?.value), reason.trim()));
    } catch (err) {
      setError(err);
      setBusy(false);
      if (isApiError(err, 'conflict') || isApiError(err, 'not_found')) onStale();
    }
  };
  return { reason, setReason, busy, error, submit };
}
