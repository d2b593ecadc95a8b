/**
 * A stable id from content, for records that carry none (HH-RLHF pairs, TRL rows): importing the
 * same file twice then finds the same ids and adds nothing. Two independently seeded 53-bit
 * hashes (cyrb53), 106 bits in all: collisions are negligible at billions of records. Pure
 * JavaScript so that core stays free of I/O and platform modules.
 * @example contentId('Human: hi') // '1c3e…' (26 hex digits, always the same for the same text)
 */
export function contentId(text: string): string {
  return cyrb53(text, 0x9e3779b9).toString(16).padStart(14, '0') + cyrb53(text, 0x85ebca6b).toString(16).padStart(14, '0');
}

function cyrb53(text: string, seed: number): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}
