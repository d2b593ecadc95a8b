/*
 * Near-duplicate text detection with MinHash and locality-sensitive hashing (Broder 1997; Leskovec,
 * Rajaraman & Ullman, "Mining of Massive Datasets", ch. 3). A text becomes its set of character
 * shingles; a signature of NUM_HASHES minimum hashes estimates the Jaccard similarity of two sets
 * (the share of positions where their signatures agree); cutting the signature into LSH_BANDS bands
 * of LSH_ROWS rows makes two texts candidates when any band matches whole, so that a store finds
 * candidates by band key instead of comparing every pair. Pure and deterministic.
 */

/** Characters per shingle: 5 keeps short prompts (a few sentences) comparable after a few words change. */
export const SHINGLE_CHARS = 5;
export const NUM_HASHES = 128;
export const LSH_BANDS = 32;
export const LSH_ROWS = NUM_HASHES / LSH_BANDS;
/**
 * Two texts whose estimated Jaccard similarity reaches this are near-duplicates. With 32 bands of 4
 * rows, a pair at 0.5 becomes a candidate with probability 1 − (1 − 0.5⁴)³² ≈ 0.87, at 0.7 ≈ 0.9998,
 * at 0.2 ≈ 0.05 (and is then dropped by this check).
 */
export const NEAR_DUPLICATE_JACCARD = 0.5;
/**
 * Shorter prompts are not compared: "hello" or "What is the capital of Portugal?" are typed by many
 * people independently; a pasted text is longer.
 */
export const MIN_PROMPT_WORDS = 8;

/**
 * Lowercase, compatibility-normalised, punctuation and runs of space folded to one space.
 * @example normalizeText('  Hello,   WORLD! ') // 'hello world'
 */
export function normalizeText(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}

/** Whether a text is long enough to be compared (MIN_PROMPT_WORDS words after normalising). */
export function isComparableText(text: string): boolean {
  const n = normalizeText(text);
  return n !== '' && n.split(' ').length >= MIN_PROMPT_WORDS;
}

/**
 * The distinct character shingles of the normalised text, as 32-bit hashes (FNV-1a).
 * @example shingleHashes('abcdef').length // 2 ('abcde', 'bcdef')
 */
export function shingleHashes(text: string, k = SHINGLE_CHARS): number[] {
  const n = normalizeText(text);
  const out = new Set<number>();
  if (n.length <= k) {
    if (n !== '') out.add(fnv1a(n));
    return [...out];
  }
  for (let i = 0; i + k <= n.length; i++) out.add(fnv1a(n.slice(i, i + k)));
  return [...out];
}

/** Per-position seeds of the hash family, from a fixed generator: every signature uses the same ones. */
const SEEDS: Uint32Array = (() => {
  const seeds = new Uint32Array(NUM_HASHES);
  let s = 0x9e3779b9;
  for (let i = 0; i < NUM_HASHES; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    seeds[i] = fmix32(s);
  }
  return seeds;
})();

/**
 * The MinHash signature of a text: for each of NUM_HASHES seeded hash functions, the smallest hash
 * of any of its shingles. Empty text: all 0xffffffff.
 * @example estimatedJaccard(minhashSignature(a), minhashSignature(a)) // 1
 */
export function minhashSignature(text: string): Uint32Array {
  const sig = new Uint32Array(NUM_HASHES).fill(0xffffffff);
  for (const h of shingleHashes(text)) {
    for (let i = 0; i < NUM_HASHES; i++) {
      const v = fmix32((h ^ SEEDS[i]!) >>> 0);
      if (v < sig[i]!) sig[i] = v;
    }
  }
  return sig;
}

/**
 * The share of positions where two signatures agree: an unbiased estimate of the Jaccard similarity
 * of the two shingle sets (standard error about 0.04 with 128 hashes).
 */
export function estimatedJaccard(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error('signatures of different lengths');
  let same = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++;
  return a.length === 0 ? 0 : same / a.length;
}

/** The exact Jaccard similarity of two texts' shingle sets (for tests and small inputs). */
export function jaccard(a: string, b: string): number {
  const x = new Set(shingleHashes(a));
  const y = new Set(shingleHashes(b));
  if (x.size === 0 && y.size === 0) return 1;
  let both = 0;
  for (const h of x) if (y.has(h)) both++;
  return both / (x.size + y.size - both);
}

/**
 * One key per LSH band (`<band>:<hash of its rows>`): texts that share any key are candidates.
 * @example lshBandKeys(minhashSignature(text)).length // 32
 */
export function lshBandKeys(signature: ArrayLike<number>): string[] {
  const keys: string[] = [];
  for (let b = 0; b < LSH_BANDS; b++) {
    let h = 0x811c9dc5 ^ b;
    for (let r = 0; r < LSH_ROWS; r++) h = fmix32((Math.imul(h, 0x01000193) ^ signature[b * LSH_ROWS + r]!) >>> 0);
    keys.push(`${b}:${h.toString(16).padStart(8, '0')}`);
  }
  return keys;
}

/** A signature as text (hex), to be stored, and back. */
export function encodeSignature(signature: ArrayLike<number>): string {
  let out = '';
  for (let i = 0; i < signature.length; i++) out += signature[i]!.toString(16).padStart(8, '0');
  return out;
}

export function decodeSignature(hex: string): Uint32Array {
  const sig = new Uint32Array(hex.length / 8);
  for (let i = 0; i < sig.length; i++) sig[i] = Number.parseInt(hex.slice(i * 8, i * 8 + 8), 16);
  return sig;
}

export interface DuplicatePair {
  a: string;
  b: string;
  /** Estimated Jaccard similarity of the two texts. */
  similarity: number;
}

/**
 * Every pair of near-duplicate texts among these, found through LSH buckets and confirmed by the
 * estimated similarity; texts shorter than MIN_PROMPT_WORDS are left out.
 * @example nearDuplicatePairs([{ id: 'x', text }, { id: 'y', text: text + ' thanks' }]) // [{ a: 'x', b: 'y', similarity: 0.9… }]
 */
export function nearDuplicatePairs(items: readonly { id: string; text: string }[], threshold = NEAR_DUPLICATE_JACCARD): DuplicatePair[] {
  const signatures = new Map<string, Uint32Array>();
  const buckets = new Map<string, string[]>();
  for (const { id, text } of items) {
    if (!isComparableText(text)) continue;
    const sig = minhashSignature(text);
    signatures.set(id, sig);
    for (const key of lshBandKeys(sig)) {
      const bucket = buckets.get(key);
      if (bucket === undefined) buckets.set(key, [id]);
      else bucket.push(id);
    }
  }
  return confirmCandidates(buckets.values(), (id) => signatures.get(id), threshold);
}

/**
 * The pairs of ids that share a bucket and whose signatures reach the threshold, each once (a < b).
 * Shared by the in-memory search above and the store's band index.
 */
export function confirmCandidates(
  buckets: Iterable<readonly string[]>,
  signatureOf: (id: string) => ArrayLike<number> | undefined,
  threshold = NEAR_DUPLICATE_JACCARD,
): DuplicatePair[] {
  const seen = new Set<string>();
  const out: DuplicatePair[] = [];
  for (const bucket of buckets) {
    if (bucket.length < 2) continue;
    const ids = [...new Set(bucket)].sort();
    for (let i = 0; i < ids.length; i++) {
      for (let j = i + 1; j < ids.length; j++) {
        const key = `${ids[i]}\u0000${ids[j]}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const x = signatureOf(ids[i]!);
        const y = signatureOf(ids[j]!);
        if (x === undefined || y === undefined) continue;
        const similarity = estimatedJaccard(x, y);
        if (similarity >= threshold) out.push({ a: ids[i]!, b: ids[j]!, similarity });
      }
    }
  }
  return out;
}

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** MurmurHash3's 32-bit finaliser: spreads every input bit over the output. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
