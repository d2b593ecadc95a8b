import { z } from 'zod';
import { ContributionLicence } from './licence.js';
import { Id, Timestamp } from './primitives.js';

/** How a contributor wants to be credited in releases. */
export const Attribution = z.enum(['pseudonym', 'name', 'none']);
export type Attribution = z.infer<typeof Attribution>;

/** What a person agrees to before anything of theirs is stored. */
export const ConsentInput = z
  .strictObject({
    terms_version: z.string().min(1).max(32),
    adult_confirmed: z.literal(true, { error: 'you must confirm that you are 18 or older' }),
    licence: ContributionLicence,
    attribution: Attribution,
    attribution_name: z.string().min(1).max(80).optional(),
  })
  .refine((c) => c.attribution !== 'name' || c.attribution_name !== undefined, {
    message: 'attribution "name" needs an attribution_name',
    path: ['attribution_name'],
  });
export type ConsentInput = z.infer<typeof ConsentInput>;

export const Consent = z.object({
  id: Id,
  contributor_id: Id,
  terms_version: z.string(),
  accepted_at: Timestamp,
  adult_confirmed: z.boolean(),
  licence: ContributionLicence,
  attribution: Attribution,
  attribution_name: z.string().nullable(),
  withdrawn_at: Timestamp.nullable(),
});
export type Consent = z.infer<typeof Consent>;

/** True when the consent record lets the server store new contributions. */
export function isConsentActive(consent: Pick<Consent, 'withdrawn_at' | 'adult_confirmed'> | undefined): boolean {
  return consent !== undefined && consent.adult_confirmed && consent.withdrawn_at === null;
}
