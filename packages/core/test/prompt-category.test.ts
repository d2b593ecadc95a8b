import { describe, expect, it } from 'vitest';
import { countWords, isCodingPrompt, isMathPrompt, promptCategories } from '../src/index.js';

/** The leaderboard's categories, found from the battle's user turns: clear cases either way, in English and Portuguese. */
describe('promptCategories', () => {
  it('is always overall, and only overall for an everyday question', () => {
    expect(promptCategories(['What is the capital of Portugal?'])).toEqual(['overall']);
    expect(promptCategories([])).toEqual(['overall']);
  });

  it('lists the categories in the order of the enum, each once', () => {
    const long = `${'word '.repeat(600)}`;
    expect(promptCategories([`${long}\n\`\`\`python\nprint(1 + 2)\n\`\`\``, 'And the integral of x^2?'])).toEqual(['overall', 'coding', 'math', 'longer_query', 'multi_turn']);
  });

  const coding = [
    'Write a Python function that removes duplicates from a list.',
    'Why does this fail?\n```\nconst x = items.map(i => i.id)\n```',
    'def fib(n):\n    return n if n < 2 else fib(n - 1) + fib(n - 2)',
    'How do I fix "TypeError: undefined is not a function" in my React app?',
    'Explain what `SELECT name FROM users WHERE age > 30` returns.',
    'My compiler says the variable is not declared.',
    'Escreva uma função em JavaScript que inverta uma string.',
    'Como faço para depurar um loop infinito no meu código?',
    'Qual é a diferença entre uma classe e um objeto em Java? Dê um exemplo de método.',
    '#include <stdio.h>\nint main() { return 0; }',
    'git commit keeps failing with a hook error, what should I check?',
  ];
  it.each(coding)('finds coding in %j', (prompt) => {
    expect(isCodingPrompt(prompt)).toBe(true);
    expect(promptCategories([prompt])).toContain('coding');
  });

  const notCoding = [
    'What is the capital of Portugal?',
    'Write a short poem about the sea at night.',
    'What does the dress code "smart casual" mean?',
    'Tell me about the price range of flats in Porto (roughly).',
    'How do plants react to light?',
    'Qual é a melhor época para visitar Lisboa?',
    'Escreva um poema sobre o mar e a saudade.',
    'Quero programar uma viagem ao Algarve em agosto.',
    'Let x = 3 and y = 4: what is x + y?',
  ];
  it.each(notCoding)('finds no coding in %j', (prompt) => {
    expect(isCodingPrompt(prompt)).toBe(false);
  });

  const math = [
    'Solve for x: 3x + 5 = 20',
    'What is the derivative of sin(x) cos(x)?',
    'Compute \\frac{1}{2} + \\frac{1}{3}.',
    'How much is 17 * 23?',
    'Prove that the square root of 2 is irrational.',
    'Calculate the average of these numbers: 4, 8, 15, 16, 23, 42.',
    'Resolva a equação 2x - 4 = 10.',
    'Quanto é 12 × 12?',
    'Qual é a probabilidade de tirar dois seis com dois dados?',
    'Calcule a área de um triângulo com base 10 e altura 5.',
    'f(x) = x^2 + 1; where is it increasing?',
    'What is ∫ x dx from 0 to 1?',
  ];
  it.each(math)('finds math in %j', (prompt) => {
    expect(isMathPrompt(prompt)).toBe(true);
    expect(promptCategories([prompt])).toContain('math');
  });

  const notMath = [
    'What is the capital of Portugal?',
    'My shift is 9-5 and the meeting is on 2024-05-12 at 10:30.',
    'Write a short story about a dragon who learns to read.',
    'Call me at 555-1234 tomorrow.',
    'How big is the area around Sintra worth visiting?',
    'Qual é o melhor restaurante de Lisboa?',
    'Escreva uma carta de apresentação para uma vaga de enfermeira.',
    'Nasci em 1990 e moro no número 12 da rua.',
  ];
  it.each(notMath)('finds no math in %j', (prompt) => {
    expect(isMathPrompt(prompt)).toBe(false);
  });

  it('counts a longer query from 500 words of the first turn only', () => {
    const words = (n: number) => Array.from({ length: n }, (_, i) => `palavra${i}`).join(' ');
    expect(promptCategories([words(500)])).toContain('longer_query');
    expect(promptCategories([words(499)])).not.toContain('longer_query');
    expect(promptCategories(['short', words(800)])).not.toContain('longer_query');
    expect(countWords('one two  three\nfour')).toBe(4);
    // Chinese and Japanese have no spaces between words: each character counts.
    expect(countWords('你好世界')).toBe(4);
    expect(countWords(words(2000), 500)).toBe(500);
  });

  it('is multi-turn with more than one user turn', () => {
    expect(promptCategories(['Hi', 'And then?'])).toContain('multi_turn');
    expect(promptCategories(['Hi'])).not.toContain('multi_turn');
  });
});
