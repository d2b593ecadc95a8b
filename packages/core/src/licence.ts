import { z } from 'zod';

/**
 * Licences a contributor may grant for their feedback: open data licences only, so that every record
 * can enter a public release. SPDX identifiers.
 */
export const ContributionLicence = z.enum(['CC0-1.0', 'CC-BY-4.0', 'CC-BY-SA-4.0', 'ODC-By-1.0', 'PDDL-1.0']);
export type ContributionLicence = z.infer<typeof ContributionLicence>;

/** An SPDX licence identifier (or `LicenseRef-…`) naming terms a model's outputs may be released under. */
export const SpdxId = z
  .string()
  .min(2)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9.+-]*$/, 'must be an SPDX licence identifier such as "CC-BY-4.0"');
export type SpdxId = z.infer<typeof SpdxId>;
