import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from './run-command.js';
import { AgreementReport, LeaderboardReport, leaderboard, seededRandom, type BattleOutcome } from '@openfeedback/core';

/**
 * `openfeedback leaderboard` and `agreement`, run as a user runs them, on a temp SQLite pool filled
 * by `openfeedback import arena` with battles between three models of known strength.
 */
const STRENGTH: Record<string, number> = { 'alpha-7b': 1.2, 'beta-7b': 0.2, 'gamma-7b': -1.2 };

let root: string;
let db: string;
const battles: BattleOutcome[] = [];

const run = (args: string[]) => runCommand(args, root);

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'openfeedback-leaderboard-cli-'));
  db = join(root, 'pool.db');
  const random = seededRandom(3);
  const names = Object.keys(STRENGTH);
  const rows: object[] = [];
  for (let i = 0; i < 150; i++) {
    const a = names[i % 3]!;
    const b = names[(i + 1 + (i % 2)) % 3]!;
    const r = random();
    const winner = r < 0.08 ? 'tie' : random() < 1 / (1 + Math.exp(STRENGTH[b]! - STRENGTH[a]!)) ? 'model_a' : 'model_b';
    battles.push({ a, b, winner: winner === 'model_a' ? 'a' : winner === 'model_b' ? 'b' : 'tie' });
    const prompt = i % 3 === 0 ? `Write a Python function that sorts ${i} numbers.` : `Tell me about the sea, take ${i}.`;
    const side = (answer: string) => [{ role: 'user', content: prompt }, { role: 'assistant', content: answer }];
    rows.push({ question_id: `q${i}`, model_a: a, model_b: b, winner, judge: `judge_${i % 23}`, conversation_a: side(`A${i}`), conversation_b: side(`B${i}`), turn: 1, anony: true, language: 'English', tstamp: 1682351591 + i });
  }
  const file = join(root, 'arena.jsonl');
  writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n'));
  const imported = await run(['import', 'arena', file, '--db', db, '--licence', 'CC-BY-4.0', '--json']);
  expect(imported.code, imported.stderr).toBe(0);
  expect(JSON.parse(imported.stdout).feedback.imported).toBe(150);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('openfeedback leaderboard', () => {
  it('prints the ranking as an aligned table and the win-rate matrix', async () => {
    const res = await run(['leaderboard', '--db', db, '--bootstrap', '30']);
    expect(res.code, res.stderr).toBe(0);
    const lines = res.stdout.split('\n');
    expect(lines[0]).toBe('Leaderboard of the whole pool');
    expect(lines[1]).toBe('150 battles (0 left out), 30 bootstrap rounds, seed 1');
    const header = lines.findIndex((l) => l.startsWith('rank'));
    expect(lines[header]).toMatch(/^rank\s+model\s+rating\s+95% interval\s+battles\s+W\s+T\s+L$/);
    const table = lines.slice(header + 1, header + 4);
    expect(table.map((l) => l.trim().split(/\s+/)[1])).toEqual(['alpha-7b', 'beta-7b', 'gamma-7b']);
    // Aligned: numbers to the right, so every line of the table ends in the same column.
    expect(new Set([lines[header]!, ...table].map((l) => l.length)).size).toBe(1);
    expect(res.stdout).toContain('Win rate of the row against the column (ties count half):');
    const matrix = lines.slice(lines.indexOf('Win rate of the row against the column (ties count half):') + 2, lines.indexOf('Win rate of the row against the column (ties count half):') + 5);
    expect(matrix.map((l) => l.trim().split(/\s+/).slice(0, 2))).toEqual([
      ['1', 'alpha-7b'],
      ['2', 'beta-7b'],
      ['3', 'gamma-7b'],
    ]);
    expect(matrix[0]).toMatch(/·\s+\d+%\s+\d+%$/);
  });

  it('prints JSON that parses as the API report, equal to core on the same battles', async () => {
    const res = await run(['leaderboard', '--db', db, '--json', '--bootstrap', '25', '--seed', '4']);
    expect(res.code, res.stderr).toBe(0);
    const report = LeaderboardReport.parse(JSON.parse(res.stdout));
    const core = leaderboard(battles, { models: Object.keys(STRENGTH).sort(), bootstrap: 25, seed: 4 });
    expect(report.rows.map((r) => [r.model.key, r.model.slug, r.rating, r.lower, r.upper, r.rank, r.wins, r.ties, r.losses])).toEqual(
      core.entries.map((e) => [e.model, null, e.rating, e.lower, e.upper, e.rank, e.wins, e.ties, e.losses]),
    );
    expect(report).toMatchObject({ community: null, bootstrap_rounds: 25, seed: 4, battles: 150, ignored: 0 });
  });

  it('takes the category, anchor and bootstrap options, and refuses bad ones naming them', async () => {
    const coding = LeaderboardReport.parse(JSON.parse((await run(['leaderboard', '--db', db, '--json', '--category', 'coding', '--anchor', 'gamma-7b', '--anchor-rating', '1100', '--bootstrap', '0'])).stdout));
    expect(coding.battles).toBe(50);
    expect(coding.anchor).toEqual({ model: 'gamma-7b', rating: 1100 });
    expect(coding.rows.find((r) => r.model.key === 'gamma-7b')!.rating).toBeCloseTo(1100, 9);
    const table = await run(['leaderboard', '--db', db, '--category', 'coding', '--anchor', 'gamma-7b', '--bootstrap', '0']);
    expect(table.stdout).toContain('50 battles (0 left out), 0 bootstrap rounds, seed 1, gamma-7b anchored at 1000');

    const [category, bootstrap, anchor, community] = await Promise.all([
      run(['leaderboard', '--db', db, '--category', 'poetry']),
      run(['leaderboard', '--db', db, '--bootstrap', '-3']),
      run(['leaderboard', '--db', db, '--anchor', 'nobody-7b']),
      run(['leaderboard', '--db', db, '--community', 'nowhere']),
    ]);
    expect(category.code).not.toBe(0);
    expect(category.stderr).toContain("'--category <category>' argument 'poetry' is invalid");
    expect(bootstrap.code).toBe(1);
    expect(bootstrap.stderr).toContain('--bootstrap:');
    expect(anchor.code).toBe(1);
    expect(anchor.stderr).toContain('anchor: no model "nobody-7b"');
    expect(community.code).toBe(1);
    expect(community.stderr).toContain('community not found');
  });
});

describe('openfeedback agreement', () => {
  it('prints one line per figure, and JSON that parses as the API report', async () => {
    const text = await run(['agreement', '--db', db]);
    expect(text.code, text.stderr).toBe(0);
    const lines = text.stdout.trim().split('\n');
    expect(lines[0]).toBe('Agreement in every community (items judged by two or more people)');
    expect(lines[2]).toMatch(/^figure\s+level\s+alpha\s+fleiss\s+cohen\s+linear\s+quadratic\s+items\s+raters\s+ratings$/);
    // Each battle had one judge: nothing is judged by two people yet, and the figures say so.
    expect(lines.slice(3).map((l) => l.split(/\s{2,}/)[0])).toEqual(['overall rating', 'thumbs', 'pairwise']);
    expect(lines.find((l) => l.startsWith('pairwise'))).toMatch(/^pairwise\s+nominal\s+—\s+—\s+—\s+—\s+—\s+0\s+0\s+0$/);

    const json = await run(['agreement', '--db', db, '--json', '--language', 'en']);
    expect(json.code, json.stderr).toBe(0);
    const report = AgreementReport.parse(JSON.parse(json.stdout));
    expect(report.language).toBe('en');
    expect(report.figures.map((f) => f.subject)).toEqual(['overall_rating', 'thumbs', 'pairwise']);
    expect((await run(['agreement', '--db', db, '--language', 'not a tag'])).stderr).toContain('--language:');
  });

  it('is listed in the help with its options', async () => {
    const [program, lb, ag] = await Promise.all([run(['--help']), run(['leaderboard', '--help']), run(['agreement', '--help'])]);
    expect(program.stdout).toMatch(/^\s+leaderboard\b/m);
    expect(program.stdout).toMatch(/^\s+agreement\b/m);
    for (const option of ['--community <slug>', '--language <tag>', '--category <category>', '--bootstrap <rounds>', '--seed <n>', '--anchor <model>', '--anchor-rating <rating>', '--json', '--db <url>']) expect(lb.stdout).toContain(option);
    for (const option of ['--community <slug>', '--language <tag>', '--json', '--db <url>']) expect(ag.stdout).toContain(option);
  });
});
