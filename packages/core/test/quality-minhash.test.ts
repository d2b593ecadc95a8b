import { describe, expect, it } from 'vitest';
import {
  decodeSignature,
  encodeSignature,
  estimatedJaccard,
  isComparableText,
  jaccard,
  LSH_BANDS,
  lshBandKeys,
  minhashSignature,
  nearDuplicatePairs,
  normalizeText,
  shingleHashes,
} from '../src/index.js';

const SPAM =
  'Earn five thousand dollars a week from home with our proven crypto trading system, no experience needed, ' +
  'click the link in my profile and send me a message today to join hundreds of happy members who already quit their jobs';

const PROMPTS = [
  'Can you explain how photosynthesis works in plants and why chlorophyll makes leaves look green to our eyes?',
  'Write a short poem about the sea at night, in the style of a Portuguese fado, with four stanzas of four lines each.',
  'What are the main differences between TCP and UDP, and when would a game developer choose one over the other?',
  'Summarise the causes of the French Revolution for a high school student in no more than two hundred words please.',
  'How do I make a sourdough starter from scratch, and how often should I feed it during the first two weeks?',
  'Translate the following sentence into German and explain the word order: I would have gone if you had asked me.',
  'Give me a weekly training plan for running my first marathon in sixteen weeks, starting from twenty kilometres a week.',
  'Explain the difference between a mutex and a semaphore with an example in C, and say when each one is the right tool.',
];

/** Changes `n` words of the text (every few words), as someone would to dodge an exact-match filter. */
function changeWords(text: string, n: number): string {
  const words = text.split(' ');
  const step = Math.floor(words.length / (n + 1));
  for (let i = 1; i <= n; i++) words[i * step] = `${words[i * step]}x`;
  return words.join(' ');
}

describe('MinHash near-duplicate detection', () => {
  it('normalises case, punctuation and spacing, and skips short prompts', () => {
    expect(normalizeText('  Hello,   WORLD!\n')).toBe('hello world');
    expect(shingleHashes('Hello, world')).toEqual(shingleHashes('hello world'));
    expect(isComparableText('What is the capital of Portugal?')).toBe(false);
    expect(isComparableText(PROMPTS[0]!)).toBe(true);
  });

  it('estimates the Jaccard similarity of the shingle sets', () => {
    const a = SPAM;
    const b = changeWords(SPAM, 4);
    const exact = jaccard(a, b);
    expect(exact).toBeGreaterThan(0.6);
    expect(Math.abs(estimatedJaccard(minhashSignature(a), minhashSignature(b)) - exact)).toBeLessThan(0.15);
    expect(estimatedJaccard(minhashSignature(a), minhashSignature(a))).toBe(1);
    expect(decodeSignature(encodeSignature(minhashSignature(a)))).toEqual(minhashSignature(a));
    expect(lshBandKeys(minhashSignature(a))).toHaveLength(LSH_BANDS);
  });

  it('finds near-duplicates (a few words changed, case and punctuation changed) and not unrelated prompts', () => {
    const items = [
      ...PROMPTS.map((text, i) => ({ id: `p${i}`, text })),
      { id: 'spam-1', text: SPAM },
      { id: 'spam-2', text: changeWords(SPAM, 3) },
      { id: 'spam-3', text: `${SPAM.toUpperCase()}!!!` },
      { id: 'spam-4', text: changeWords(SPAM, 5) },
      // A close paraphrase of one prompt, a few words changed.
      { id: 'p0-again', text: changeWords(PROMPTS[0]!, 2) },
    ];
    const pairs = nearDuplicatePairs(items).map((p) => `${p.a}|${p.b}`).sort();
    expect(pairs).toEqual(
      ['p0-again|p0', 'spam-1|spam-2', 'spam-1|spam-3', 'spam-1|spam-4', 'spam-2|spam-3', 'spam-2|spam-4', 'spam-3|spam-4'].map((p) => p.split('|').sort().join('|')).sort(),
    );
  });

  it('keeps unrelated prompts apart across many random texts (no false pairs)', () => {
    // 300 prompts built from a shared vocabulary: similar words, different texts.
    const words = 'the a model answer question please explain why how what when write short long story poem code list data river city music history science game plan'.split(' ');
    let seed = 7;
    const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const texts = Array.from({ length: 300 }, (_, i) => ({ id: `t${i}`, text: Array.from({ length: 25 }, () => words[Math.floor(rand() * words.length)]).join(' ') }));
    const pairs = nearDuplicatePairs(texts);
    for (const p of pairs) expect(jaccard(texts[Number(p.a.slice(1))]!.text, texts[Number(p.b.slice(1))]!.text)).toBeGreaterThan(0.4);
    expect(pairs.length).toBeLessThan(3);
  });
});
