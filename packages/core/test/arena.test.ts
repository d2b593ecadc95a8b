import { describe, expect, it } from 'vitest';
import { drawArenaPair, identityTerms, namesItself, seededRandom } from '../src/index.js';

describe('drawArenaPair', () => {
  const candidates = [
    { id: 'x', weight: 1 },
    { id: 'y', weight: 2 },
    { id: 'z', weight: 3 },
    { id: 'never', weight: 0 },
  ];

  it('draws two different models, never one of weight 0, about as often as their weights say, sides at random', () => {
    const random = seededRandom(20_261_128);
    const draws = 30_000;
    const seen = new Map<string, number>();
    const onSideA = new Map<string, number>();
    for (let i = 0; i < draws; i++) {
      const pair = drawArenaPair(candidates, random)!;
      expect(pair.a).not.toBe(pair.b);
      for (const id of [pair.a, pair.b]) seen.set(id, (seen.get(id) ?? 0) + 1);
      onSideA.set(pair.a, (onSideA.get(pair.a) ?? 0) + 1);
    }
    expect(seen.has('never')).toBe(false);
    // Drawn by weight, then the second by weight among the rest: P(i in the pair) = p_i + Σ_j p_j·p_i/(1−p_j).
    const expected = { x: 5 / 12, y: 11 / 15, z: 51 / 60 };
    for (const [id, p] of Object.entries(expected)) {
      expect(seen.get(id)! / draws, id).toBeCloseTo(p, 1);
      expect(Math.abs(seen.get(id)! / draws - p), id).toBeLessThan(0.015);
      // Each model is side a in about half the battles it is in.
      expect(Math.abs(onSideA.get(id)! / seen.get(id)! - 0.5), id).toBeLessThan(0.02);
    }
  });

  it('needs two models with weight', () => {
    const random = seededRandom(1);
    expect(drawArenaPair([{ id: 'x', weight: 1 }, { id: 'y', weight: 0 }], random)).toBeNull();
    expect(drawArenaPair([], random)).toBeNull();
    expect(drawArenaPair([{ id: 'x', weight: 1 }, { id: 'y', weight: 0.001 }], random)).not.toBeNull();
  });

  it('is repeatable with the same seed', () => {
    const a = seededRandom(7);
    const b = seededRandom(7);
    const run = (r: () => number) => Array.from({ length: 20 }, () => drawArenaPair(candidates, r));
    expect(run(a)).toEqual(run(b));
  });
});

describe('namesItself', () => {
  const llama = identityTerms({ name: 'Llama 3.1 8B', slug: 'llama-3-1-8b', model_name: 'llama3.1:8b-instruct-q4_K_M' });
  const gpt = identityTerms({ name: 'GPT-4o mini', slug: 'gpt-4o-mini', model_name: 'gpt-4o-mini' });
  const claude = identityTerms({ name: 'Claude 3.5 Sonnet', slug: 'claude-sonnet', model_name: 'claude-3-5-sonnet-20241022' });
  const sabia = identityTerms({ name: 'Sabiá', slug: 'sabia', model_name: 'sabia-7b' });

  it('finds a model naming itself, its family, whatever the case and separators', () => {
    expect(namesItself('I am Llama 3, a model trained by Meta.', llama)).toBe(true);
    expect(namesItself('As an AI (LLAMA3), I cannot browse.', llama)).toBe(true);
    expect(namesItself('Speaking as GPT-4, I would say…', gpt)).toBe(true);
    expect(namesItself('Claude here! Happy to help.', claude)).toBe(true);
    expect(namesItself('Sou o Sabiá, um modelo brasileiro.', sabia)).toBe(true);
    expect(namesItself('I am gpt-4o-mini.', gpt)).toBe(true);
  });

  it('does not fire on other words, parts of words or generic name parts', () => {
    expect(namesItself('Llamas live in the Andes.', llama)).toBe(false);
    expect(namesItself('Lisbon is the capital of Portugal.', llama)).toBe(false);
    expect(namesItself('Here is an instruct-style answer, mini and turbo.', gpt)).toBe(false);
    expect(namesItself('The sonnets of Shakespeare.', claude)).toBe(false);
    expect(namesItself('I am Claude.', llama)).toBe(false);
  });

  it('counts a single word of a name only where it is used as a name, not as an ordinary word', () => {
    const pool = identityTerms({ name: 'Pool model (Rivers)', slug: 'pool-rivers', model_name: 'pool' });
    const mistral = identityTerms({ name: 'Mistral', slug: 'mistral', model_name: 'mistral' });
    // Ordinary words: no vote is voided for answering the question asked.
    expect(namesItself('Here is a sonnet about the sea: fourteen lines, as you asked.', claude)).toBe(false);
    expect(namesItself('The pool is 25 m long, so four lengths make 100 m.', pool)).toBe(false);
    expect(namesItself('O sabiá canta na palmeira.', sabia)).toBe(false);
    expect(namesItself('The mistral is a cold wind that blows through the Rhône valley.', mistral)).toBe(false);
    expect(namesItself('I am happy to write a sonnet for you.', claude)).toBe(false);
    // Used as a name: after "I am", "call me", "sou", "as"; before "here"; with a version.
    expect(namesItself("I'm Claude, an AI assistant made by Anthropic.", claude)).toBe(true);
    expect(namesItself('You can call me Sonnet.', claude)).toBe(true);
    expect(namesItself('I am the pool model of this community.', pool)).toBe(true);
    expect(namesItself('Eu sou o Sabiá e posso ajudar.', sabia)).toBe(true);
    expect(namesItself('Answering as Mistral: the capital is Paris.', mistral)).toBe(true);
    expect(namesItself('Mistral here, happy to help.', mistral)).toBe(true);
    expect(namesItself('This answer was written by Mistral 7B.', mistral)).toBe(true);
    // A whole name of several parts counts anywhere.
    expect(namesItself('Answer generated with Claude 3.5 Sonnet.', claude)).toBe(true);
  });

  it('takes the family words, not sizes or tunings, from the names', () => {
    expect(llama).toContain('llama');
    expect(gpt).toContain('gpt');
    expect(claude).toEqual(expect.arrayContaining(['claude', 'sonnet']));
    for (const generic of ['instruct', 'mini', 'b', 'k', 'm']) expect([...llama, ...gpt]).not.toContain(generic);
  });
});
