/** The kinds of personal data and secrets the scrubber finds, and what replaces each. */
export const PII_KINDS = ['email', 'phone', 'payment_card', 'iban', 'ip_address', 'mac_address', 'national_id', 'secret', 'street_address'] as const;
export type PiiKind = (typeof PII_KINDS)[number];

export const PII_PLACEHOLDERS: Record<PiiKind, string> = {
  email: '[EMAIL]',
  phone: '[PHONE]',
  payment_card: '[CARD]',
  iban: '[IBAN]',
  ip_address: '[IP]',
  mac_address: '[MAC]',
  national_id: '[NATIONAL_ID]',
  secret: '[SECRET]',
  street_address: '[ADDRESS]',
};

/** A stretch of the input: UTF-16 offsets (as String.prototype.slice counts them), end exclusive. */
export interface PiiSpan {
  kind: PiiKind;
  start: number;
  end: number;
}

/** How many of each kind were removed: never the originals. */
export type PiiCounts = Partial<Record<PiiKind, number>>;
