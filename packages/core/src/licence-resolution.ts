/**
 * Which licence a record may be released under. A record joins terms from several parties: the
 * licence its author granted (or its source dataset's), and the terms each model that wrote part of
 * it allows its outputs to be released under. The release licence must honour every grant (keep each
 * grant's conditions: attribution, share-alike, non-commercial) and be one every model allows; of
 * those, the most permissive (fewest conditions) is chosen. Unknown licences resolve to nothing: such
 * a record never enters a public release.
 */

export interface LicenceTerms {
  /** Credit must be given. */
  attribution: boolean;
  /** Adaptations must carry the same licence. */
  shareAlike: boolean;
  nonCommercial: boolean;
  /** Known to this resolver, in the order it prefers among equally permissive licences. */
  order: number;
}

const t = (attribution: boolean, shareAlike: boolean, nonCommercial: boolean, order: number): LicenceTerms => ({ attribution, shareAlike, nonCommercial, order });

/** The licences the resolver knows, by SPDX id. */
export const KNOWN_LICENCES: Readonly<Record<string, LicenceTerms>> = {
  'CC0-1.0': t(false, false, false, 0),
  'PDDL-1.0': t(false, false, false, 1),
  'CC-BY-4.0': t(true, false, false, 2),
  'ODC-By-1.0': t(true, false, false, 3),
  'CC-BY-3.0': t(true, false, false, 4),
  MIT: t(true, false, false, 5),
  'Apache-2.0': t(true, false, false, 6),
  'CC-BY-SA-4.0': t(true, true, false, 7),
  'ODbL-1.0': t(true, true, false, 8),
  'CC-BY-SA-3.0': t(true, true, false, 9),
  'CC-BY-NC-4.0': t(true, false, true, 10),
  'CC-BY-NC-SA-4.0': t(true, true, true, 11),
};

const conditions = (l: LicenceTerms) => Number(l.attribution) + Number(l.shareAlike) + Number(l.nonCommercial) * 2;

/**
 * True when releasing a work under `release` honours `grant`. A share-alike grant can only be kept
 * by releasing under that same licence; every other condition of the grant must be kept by `release`.
 */
export function honours(release: string, grant: string): boolean {
  if (release === grant) return KNOWN_LICENCES[release] !== undefined;
  const r = KNOWN_LICENCES[release];
  const g = KNOWN_LICENCES[grant];
  if (r === undefined || g === undefined) return false;
  if (g.shareAlike) return false;
  if (g.attribution && !r.attribution) return false;
  if (g.nonCommercial && !r.nonCommercial) return false;
  // A share-alike release of a permissive grant is allowed (the grant's terms are kept), but it only
  // matters when a model demands it; the choice below still prefers the fewest conditions.
  return true;
}

export interface LicenceConstraints {
  /** Grants the release must honour: the author's licence, the conversation's licence, a source's. */
  grants: readonly (string | null)[];
  /** For each model that wrote part of the record: the licences its outputs may be released under. */
  modelTerms: readonly (readonly string[])[];
}

/**
 * The most permissive licence that honours every grant and that every model allows; null when none
 * does (or a grant is missing or unknown).
 */
export function resolveReleaseLicence(c: LicenceConstraints): string | null {
  if (c.grants.length === 0 || c.grants.some((g) => g === null || KNOWN_LICENCES[g] === undefined)) return null;
  const grants = c.grants as readonly string[];
  let best: string | null = null;
  for (const [id, terms] of Object.entries(KNOWN_LICENCES)) {
    if (!grants.every((g) => honours(id, g))) continue;
    if (!c.modelTerms.every((allowed) => allowed.includes(id))) continue;
    if (best === null) {
      best = id;
      continue;
    }
    const b = KNOWN_LICENCES[best]!;
    if (conditions(terms) < conditions(b) || (conditions(terms) === conditions(b) && terms.order < b.order)) best = id;
  }
  return best;
}
