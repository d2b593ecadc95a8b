/**
 * PII scrubbing: what the server applies before anything is written and again when a release is
 * built. Pure (no I/O); its own entry point (`@openfeedback/core/privacy`) so that the web bundle,
 * which imports `@openfeedback/core`, does not carry libphonenumber.
 */
export { PII_KINDS, PII_PLACEHOLDERS, type PiiKind, type PiiSpan, type PiiCounts } from './types.js';
export { findPii } from './find-pii.js';
export { scrubText, mergeCounts, type Scrubbed } from './scrub.js';
export { findEmails } from './email.js';
export { findPhones } from './phone.js';
export { findPaymentCards } from './payment-card.js';
export { findIbans } from './iban.js';
export { findIpAddresses } from './ip-address.js';
export { findMacAddresses } from './mac-address.js';
export { findNationalIds } from './national-id.js';
export { findSecrets } from './secret.js';
export { findStreetAddresses } from './street-address.js';
