/** Choices that survive a reload of this tab: the community and model picked, whether recording is paused. */
type Preference = 'community' | 'model' | 'paused';

export function readPreference(name: Preference): string | null {
  try {
    return (name === 'paused' ? sessionStorage : localStorage).getItem(`openfeedback.chat.${name}`);
  } catch {
    return null;
  }
}

export function writePreference(name: Preference, value: string | null): void {
  try {
    const store = name === 'paused' ? sessionStorage : localStorage;
    if (value === null) store.removeItem(`openfeedback.chat.${name}`);
    else store.setItem(`openfeedback.chat.${name}`, value);
  } catch {
    // no storage: the choice lasts for this page only
  }
}
