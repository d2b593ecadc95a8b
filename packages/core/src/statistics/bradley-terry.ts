/*
 * Bradley-Terry ratings of models from pairwise battles, by maximum likelihood (ties count half a
 * win to each side), on the 400-point Elo-like scale the arena leaderboards use.
 */

/** One battle of the arena: which model was on each side and the vote. `both_bad` counts as a tie. */
export interface BattleOutcome {
  a: string;
  b: string;
  winner: 'a' | 'b' | 'tie' | 'both_bad';
}

/**
 * Battles counted by distinct (a, b, outcome): what every fit and bootstrap round works on. Model
 * indices are canonical (a < b), rows sorted by (a, b, outcome).
 */
export interface UniqueOutcomes {
  models: string[];
  a: Int32Array;
  b: Int32Array;
  /** 0: a won, 1: b won, 2: tie (or both bad). */
  outcome: Uint8Array;
  count: Float64Array;
  /** Battles counted (the sum of `count`). */
  battles: number;
  /** Battles left out: a model against itself says nothing about it. */
  ignored: number;
}

export const OUTCOME_A = 0;
export const OUTCOME_B = 1;
export const OUTCOME_TIE = 2;

/** The default prior: each model is credited with this many virtual tied games against an average model. */
export const DEFAULT_BT_PRIOR = 0.01;

/**
 * Counts battles into unique (a, b, outcome) rows, in two passes over typed arrays (O(battles),
 * one Map lookup per side). `models` lists models to include even without battles.
 * @example compressBattles([{ a: 'x', b: 'y', winner: 'a' }, { a: 'y', b: 'x', winner: 'b' }]).count // Float64Array [2]
 */
export function compressBattles(battles: Iterable<BattleOutcome>, options: { models?: readonly string[] } = {}): UniqueOutcomes {
  const index = new Map<string, number>();
  const models: string[] = [];
  const indexOf = (name: string): number => {
    let i = index.get(name);
    if (i === undefined) {
      i = models.length;
      index.set(name, i);
      models.push(name);
    }
    return i;
  };
  for (const m of options.models ?? []) indexOf(m);
  let capacity = 1024;
  let lo = new Int32Array(capacity);
  let hi = new Int32Array(capacity);
  let out = new Uint8Array(capacity);
  let size = 0;
  let ignored = 0;
  for (const battle of battles) {
    const { a, b, winner } = battle;
    let o: number;
    if (winner === 'a') o = OUTCOME_A;
    else if (winner === 'b') o = OUTCOME_B;
    else if (winner === 'tie' || winner === 'both_bad') o = OUTCOME_TIE;
    else throw new TypeError(`unknown battle outcome ${JSON.stringify(winner)} (expected a, b, tie or both_bad)`);
    if (typeof a !== 'string' || typeof b !== 'string') throw new TypeError('a battle names its two models as strings');
    if (a === b) {
      ignored++;
      continue;
    }
    let i = indexOf(a);
    let j = indexOf(b);
    if (i > j) {
      const t = i;
      i = j;
      j = t;
      if (o !== OUTCOME_TIE) o = 1 - o;
    }
    if (size === capacity) {
      capacity *= 2;
      lo = grow(lo, capacity);
      hi = grow(hi, capacity);
      const o2 = new Uint8Array(capacity);
      o2.set(out);
      out = o2;
    }
    lo[size] = i;
    hi[size] = j;
    out[size] = o;
    size++;
  }
  const k = models.length;
  const rows: { key: number; count: number }[] = [];
  if (k * k * 3 <= 1 << 22) {
    const dense = new Float64Array(k * k * 3);
    for (let n = 0; n < size; n++) dense[(lo[n]! * k + hi[n]!) * 3 + out[n]!]!++;
    for (let key = 0; key < dense.length; key++) if (dense[key]! > 0) rows.push({ key, count: dense[key]! });
  } else {
    const keys = new Float64Array(size);
    for (let n = 0; n < size; n++) keys[n] = (lo[n]! * k + hi[n]!) * 3 + out[n]!;
    keys.sort();
    for (let n = 0; n < size; ) {
      let m = n + 1;
      while (m < size && keys[m] === keys[n]) m++;
      rows.push({ key: keys[n]!, count: m - n });
      n = m;
    }
  }
  const r = rows.length;
  const result: UniqueOutcomes = { models, a: new Int32Array(r), b: new Int32Array(r), outcome: new Uint8Array(r), count: new Float64Array(r), battles: size, ignored };
  rows.forEach(({ key, count }, n) => {
    const o = key % 3;
    const pair = (key - o) / 3;
    result.a[n] = Math.floor(pair / k);
    result.b[n] = pair % k;
    result.outcome[n] = o;
    result.count[n] = count;
  });
  return result;
}

function grow(array: Int32Array<ArrayBuffer>, capacity: number): Int32Array<ArrayBuffer> {
  const bigger = new Int32Array(capacity);
  bigger.set(array);
  return bigger;
}

/** Is this already a table of unique outcomes (rather than battles)? */
export function isUniqueOutcomes(x: unknown): x is UniqueOutcomes {
  return typeof x === 'object' && x !== null && (x as UniqueOutcomes).count instanceof Float64Array && Array.isArray((x as UniqueOutcomes).models);
}

/**
 * The pairs of models that met, and for each unique outcome row the pair it belongs to: the shape
 * the fit works on (a score and a number of games per pair, rebuilt cheaply per bootstrap round).
 */
export interface PairTable {
  models: number;
  i: Int32Array;
  j: Int32Array;
  /** For each unique outcome row: its pair. */
  pairOf: Int32Array;
}

export function pairTable(data: UniqueOutcomes): PairTable {
  const rows = data.count.length;
  const pairOf = new Int32Array(rows);
  const is: number[] = [];
  const js: number[] = [];
  for (let r = 0; r < rows; r++) {
    const i = data.a[r]!;
    const j = data.b[r]!;
    const last = is.length - 1;
    if (last < 0 || is[last] !== i || js[last] !== j) {
      is.push(i);
      js.push(j);
    }
    pairOf[r] = is.length - 1;
  }
  return { models: data.models.length, i: Int32Array.from(is), j: Int32Array.from(js), pairOf };
}

/** Scores (wins + half the ties of the pair's first model) and games per pair, from row counts. */
export function pairScores(data: UniqueOutcomes, table: PairTable, counts: ArrayLike<number>, score: Float64Array, games: Float64Array): void {
  score.fill(0);
  games.fill(0);
  for (let r = 0; r < counts.length; r++) {
    const c = counts[r]!;
    if (c === 0) continue;
    const p = table.pairOf[r]!;
    games[p]! += c;
    const o = data.outcome[r]!;
    if (o === OUTCOME_A) score[p]! += c;
    else if (o === OUTCOME_TIE) score[p]! += 0.5 * c;
  }
}

// ---- The fit ----

export interface FitOptions {
  /** Virtual tied games of each model against an average model (strength 1); 0: the plain MLE. */
  prior: number;
  maxIterations: number;
  /** Stop when no log-strength moves more than this (natural-log units). */
  tolerance: number;
  method: 'newton' | 'mm';
}

export interface FitResult {
  beta: Float64Array;
  iterations: number;
  converged: boolean;
  logLikelihood: number;
}

const logSigmoid = (x: number): number => (x >= 0 ? -Math.log1p(Math.exp(-x)) : x - Math.log1p(Math.exp(x)));
const sigmoid = (x: number): number => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));

/** The penalised log-likelihood: Σ pairs s·log σ(βi−βj) + (n−s)·log σ(βj−βi) + prior · Σ ½(log σ(βi) + log σ(−βi)). */
export function btLogLikelihood(table: PairTable, score: Float64Array, games: Float64Array, beta: ArrayLike<number>, prior: number): number {
  let l = 0;
  for (let p = 0; p < score.length; p++) {
    const n = games[p]!;
    if (n === 0) continue;
    const d = beta[table.i[p]!]! - beta[table.j[p]!]!;
    const s = score[p]!;
    if (s > 0) l += s * logSigmoid(d);
    if (n - s > 0) l += (n - s) * logSigmoid(-d);
  }
  if (prior > 0) for (let m = 0; m < table.models; m++) l += prior * 0.5 * (logSigmoid(beta[m]!) + logSigmoid(-beta[m]!));
  return l;
}

/**
 * Maximises the (penalised) Bradley-Terry log-likelihood over log-strengths β, starting from
 * `start`: Newton's method with the full Hessian and step halving (quadratic convergence, a few
 * iterations warm-started), or, for many models, Hunter's MM iteration (Zermelo's), cheaper per step.
 * Without a prior the strengths are defined up to a common factor: β is returned centred (mean 0).
 */
export function fitBradleyTerry(table: PairTable, score: Float64Array, games: Float64Array, start: Float64Array | null, options: FitOptions): FitResult {
  const k = table.models;
  const beta = start ? Float64Array.from(start) : new Float64Array(k);
  if (k === 0) return { beta, iterations: 0, converged: true, logLikelihood: 0 };
  if (options.prior === 0) {
    const reason = mleObstacle(table, score, games);
    if (reason) throw new RangeError(`no maximum-likelihood Bradley-Terry fit without a prior: ${reason}; use prior > 0`);
  }
  return options.method === 'mm' ? fitMm(table, score, games, beta, options) : fitNewton(table, score, games, beta, options);
}

function fitNewton(table: PairTable, score: Float64Array, games: Float64Array, beta: Float64Array, options: FitOptions): FitResult {
  const k = table.models;
  const { prior } = options;
  const h = new Float64Array(k * k);
  const g = new Float64Array(k);
  const step = new Float64Array(k);
  const trial = new Float64Array(k);
  let l = btLogLikelihood(table, score, games, beta, prior);
  for (let iteration = 1; iteration <= options.maxIterations; iteration++) {
    h.fill(0);
    g.fill(0);
    for (let p = 0; p < score.length; p++) {
      const n = games[p]!;
      if (n === 0) continue;
      const i = table.i[p]!;
      const j = table.j[p]!;
      const q = sigmoid(beta[i]! - beta[j]!);
      const r = score[p]! - n * q;
      g[i]! += r;
      g[j]! -= r;
      const w = n * q * (1 - q);
      h[i * k + i]! += w;
      h[j * k + j]! += w;
      h[i * k + j]! -= w;
      h[j * k + i]! -= w;
    }
    if (prior > 0) {
      for (let m = 0; m < k; m++) {
        const q = sigmoid(beta[m]!);
        g[m]! += prior * (0.5 - q);
        h[m * k + m]! += prior * q * (1 - q);
      }
    } else {
      // The likelihood does not change when every β moves together: the Hessian is singular along
      // (1, …, 1) and the gradient orthogonal to it. Adding c·11ᵀ makes it invertible without
      // changing the step (the minimum-norm Newton step, which keeps the mean of β).
      let c = 0;
      for (let m = 0; m < k; m++) c += h[m * k + m]!;
      c = c / k / k || 1;
      for (let x = 0; x < k * k; x++) h[x]! += c;
    }
    step.set(g);
    if (!choleskySolve(h, step, k)) return fitMm(table, score, games, beta, options); // cannot happen for a valid table; MM is the safe fallback
    let t = 1;
    let moved = 0;
    for (let halvings = 0; halvings < 40; halvings++, t /= 2) {
      for (let m = 0; m < k; m++) trial[m] = beta[m]! + t * step[m]!;
      const lt = btLogLikelihood(table, score, games, trial, prior);
      if (lt >= l - 1e-12 * Math.abs(l)) {
        l = lt;
        break;
      }
    }
    for (let m = 0; m < k; m++) {
      moved = Math.max(moved, Math.abs(trial[m]! - beta[m]!));
      beta[m] = trial[m]!;
    }
    if (moved < options.tolerance) {
      if (prior === 0) centre(beta);
      return { beta, iterations: iteration, converged: true, logLikelihood: l };
    }
  }
  if (prior === 0) centre(beta);
  return { beta, iterations: options.maxIterations, converged: false, logLikelihood: l };
}

/**
 * Hunter's MM (minorise-maximise) iteration (Hunter 2004, "MM algorithms for generalized
 * Bradley-Terry models", Ann. Statist. 32): γi ← (Wi + prior/2) / (Σj nij/(γi+γj) + prior/(γi+1)),
 * the prior being virtual tied games against a model of strength 1.
 */
function fitMm(table: PairTable, score: Float64Array, games: Float64Array, beta: Float64Array, options: FitOptions): FitResult {
  const k = table.models;
  const { prior } = options;
  const gamma = new Float64Array(k);
  const wins = new Float64Array(k);
  const denominator = new Float64Array(k);
  for (let m = 0; m < k; m++) gamma[m] = Math.exp(beta[m]!);
  for (let p = 0; p < score.length; p++) {
    wins[table.i[p]!]! += score[p]!;
    wins[table.j[p]!]! += games[p]! - score[p]!;
  }
  for (let iteration = 1; iteration <= options.maxIterations; iteration++) {
    denominator.fill(0);
    for (let p = 0; p < score.length; p++) {
      const n = games[p]!;
      if (n === 0) continue;
      const i = table.i[p]!;
      const j = table.j[p]!;
      const x = n / (gamma[i]! + gamma[j]!);
      denominator[i]! += x;
      denominator[j]! += x;
    }
    let moved = 0;
    for (let m = 0; m < k; m++) {
      const d = denominator[m]! + (prior > 0 ? prior / (gamma[m]! + 1) : 0);
      const next = d > 0 ? (wins[m]! + prior / 2) / d : gamma[m]!;
      moved = Math.max(moved, Math.abs(Math.log(next) - Math.log(gamma[m]!)));
      gamma[m] = next;
    }
    // The data say nothing about a common factor of all strengths: without a prior, fix the
    // geometric mean at 1; with one, take the factor the prior likes best (an exact ascent step
    // along that direction, which MM alone walks very slowly).
    let shift = 0;
    if (prior === 0) {
      for (let m = 0; m < k; m++) shift -= Math.log(gamma[m]!) / k;
    } else {
      for (let step = 0; step < 50; step++) {
        let g = 0;
        let h = 0;
        for (let m = 0; m < k; m++) {
          const q = sigmoid(Math.log(gamma[m]!) + shift);
          g += 0.5 - q;
          h += q * (1 - q);
        }
        const ds = g / h;
        shift += ds;
        if (!(Math.abs(ds) > 1e-13)) break;
      }
    }
    if (shift !== 0) {
      moved += Math.abs(shift);
      const f = Math.exp(shift);
      for (let m = 0; m < k; m++) gamma[m]! *= f;
    }
    if (moved < options.tolerance) {
      for (let m = 0; m < k; m++) beta[m] = Math.log(gamma[m]!);
      return { beta, iterations: iteration, converged: true, logLikelihood: btLogLikelihood(table, score, games, beta, prior) };
    }
  }
  for (let m = 0; m < k; m++) beta[m] = Math.log(gamma[m]!);
  return { beta, iterations: options.maxIterations, converged: false, logLikelihood: btLogLikelihood(table, score, games, beta, prior) };
}

function centre(beta: Float64Array): void {
  let mean = 0;
  for (const b of beta) mean += b / beta.length;
  for (let m = 0; m < beta.length; m++) beta[m]! -= mean;
}

/** Solves A x = b in place (b becomes x) for a symmetric positive definite A (overwritten by its Cholesky factor). */
function choleskySolve(a: Float64Array, b: Float64Array, k: number): boolean {
  for (let j = 0; j < k; j++) {
    let d = a[j * k + j]!;
    for (let s = 0; s < j; s++) d -= a[j * k + s]! * a[j * k + s]!;
    if (!(d > 0)) return false;
    d = Math.sqrt(d);
    a[j * k + j] = d;
    for (let i = j + 1; i < k; i++) {
      let v = a[i * k + j]!;
      for (let s = 0; s < j; s++) v -= a[i * k + s]! * a[j * k + s]!;
      a[i * k + j] = v / d;
    }
  }
  for (let i = 0; i < k; i++) {
    let v = b[i]!;
    for (let s = 0; s < i; s++) v -= a[i * k + s]! * b[s]!;
    b[i] = v / a[i * k + i]!;
  }
  for (let i = k - 1; i >= 0; i--) {
    let v = b[i]!;
    for (let s = i + 1; s < k; s++) v -= a[s * k + i]! * b[s]!;
    b[i] = v / a[i * k + i]!;
  }
  return true;
}

/**
 * Why the plain maximum-likelihood fit does not exist, or null when it does. It exists exactly when
 * the "beat or tied" graph is strongly connected (Ford 1957; Hunter 2004, assumption 1): however the
 * models are split in two, someone on each side has scored against someone on the other.
 */
export function mleObstacle(table: PairTable, score: Float64Array, games: Float64Array): string | null {
  const k = table.models;
  if (k <= 1) return null;
  const forward: number[][] = Array.from({ length: k }, () => []);
  const backward: number[][] = Array.from({ length: k }, () => []);
  for (let p = 0; p < score.length; p++) {
    const i = table.i[p]!;
    const j = table.j[p]!;
    if (score[p]! > 0) (forward[i]!.push(j), backward[j]!.push(i)); // i scored against j
    if (games[p]! - score[p]! > 0) (forward[j]!.push(i), backward[i]!.push(j));
  }
  const reach = (edges: number[][]): number => {
    const seen = new Uint8Array(k);
    const stack = [0];
    seen[0] = 1;
    let count = 1;
    while (stack.length > 0) {
      for (const n of edges[stack.pop()!]!) {
        if (!seen[n]) {
          seen[n] = 1;
          count++;
          stack.push(n);
        }
      }
    }
    return count;
  };
  if (reach(forward) < k || reach(backward) < k) return 'some models never scored (won or tied) against the rest, or the comparison graph is disconnected';
  return null;
}

/** The connected components of the comparison graph (model indices), largest first. */
export function components(models: number, table: PairTable, games: Float64Array): number[][] {
  const parent = Int32Array.from({ length: models }, (_, m) => m);
  const find = (x: number): number => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]!]!;
      x = parent[x]!;
    }
    return x;
  };
  for (let p = 0; p < games.length; p++) {
    if (games[p]! === 0) continue;
    const a = find(table.i[p]!);
    const b = find(table.j[p]!);
    if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
  }
  const groups = new Map<number, number[]>();
  for (let m = 0; m < models; m++) {
    const root = find(m);
    const g = groups.get(root);
    if (g) g.push(m);
    else groups.set(root, [m]);
  }
  return [...groups.values()].sort((x, y) => y.length - x.length || x[0]! - y[0]!);
}

// ---- The public fit ----

/** Options of the scale: rating = anchor + scale · log_base(strength ratio). */
export interface RatingScaleOptions {
  /** Fix this model's rating; otherwise the mean rating is `initial`. */
  anchor?: { model: string; rating: number };
  /** Points per factor `base` in the odds: 400 (Elo, FastChat, LMArena). */
  scale?: number;
  base?: number;
  /** The mean rating when there is no anchor: 1000. */
  initial?: number;
}

export interface BradleyTerryOptions extends RatingScaleOptions {
  /**
   * Each model is credited with `prior` virtual tied games against an average model (default 0.01):
   * a weak prior that keeps the rating of a model that never won (or never lost) finite and puts
   * each part of a disconnected comparison graph around the average. 0: the plain maximum-likelihood
   * fit, which exists only when the graph of who scored against whom is strongly connected (else
   * RangeError; in a leaderboard also when a bootstrap resample loses that, so keep 0 for large data).
   * How large: a model that lost all its n battles lands about 400·log10(prior / (2n)) points below
   * its opponents (n = 20: ≈ 1440 points); with 1,000 battles per model the prior moves ratings by
   * well under 0.1 point.
   */
  prior?: number;
  maxIterations?: number;
  /** Convergence: the largest change of a log-strength (natural log) in the last step; default 1e-9. */
  tolerance?: number;
  /** 'newton' (default up to 400 models) or 'mm' (Hunter's MM iteration, the default beyond). */
  method?: 'newton' | 'mm';
  /** Models to list even without battles: rated by the prior alone, i.e. at about the average, with no real interval. */
  models?: readonly string[];
}

export interface BradleyTerryResult {
  models: string[];
  /** Rating per model on the chosen scale (400 points per factor 10 in the odds). */
  ratings: Map<string, number>;
  /** Bradley-Terry strengths γ (P(i beats j) = γi / (γi + γj)), normalised to geometric mean 1. */
  strengths: Map<string, number>;
  /** Natural-log strengths, centred (mean 0), in the order of `models`. */
  logStrengths: Float64Array;
  iterations: number;
  converged: boolean;
  /** The maximised (penalised) log-likelihood, ties counted as half a win and half a loss. */
  logLikelihood: number;
  /** Is every model linked to every other by battles? */
  connected: boolean;
  /** The connected parts of the comparison graph, largest first (one when connected). */
  components: string[][];
  prior: number;
  method: 'newton' | 'mm';
  battles: number;
}

/** Options filled in. */
export function fitOptions(options: BradleyTerryOptions, models: number): FitOptions {
  const prior = options.prior ?? DEFAULT_BT_PRIOR;
  if (!(prior >= 0) || !Number.isFinite(prior)) throw new RangeError('prior must be a finite number ≥ 0');
  const method = options.method ?? (models <= 400 ? 'newton' : 'mm');
  return { prior, method, tolerance: options.tolerance ?? 1e-9, maxIterations: options.maxIterations ?? (method === 'mm' ? 100_000 : 100) };
}

/** Ratings from centred log-strengths: anchor (or mean = initial) + scale · β / ln(base). */
export function toRatings(beta: ArrayLike<number>, anchorIndex: number, options: RatingScaleOptions, out: Float64Array = new Float64Array(beta.length)): Float64Array {
  const factor = (options.scale ?? 400) / Math.log(options.base ?? 10);
  let offset: number;
  let reference: number;
  if (anchorIndex >= 0) {
    offset = options.anchor!.rating;
    reference = beta[anchorIndex]!;
  } else {
    offset = options.initial ?? 1000;
    reference = 0;
    for (let m = 0; m < beta.length; m++) reference += beta[m]! / beta.length;
  }
  for (let m = 0; m < beta.length; m++) out[m] = offset + factor * (beta[m]! - reference);
  return out;
}

export function anchorIndexOf(models: readonly string[], options: RatingScaleOptions): number {
  if (!options.anchor) return -1;
  const i = models.indexOf(options.anchor.model);
  if (i < 0) throw new RangeError(`anchor model ${JSON.stringify(options.anchor.model)} has no battles`);
  return i;
}

/**
 * Bradley-Terry ratings by maximum likelihood (R. A. Bradley and M. E. Terry 1952; ties count half a
 * win to each side, as FastChat/LMArena count them), with a weak prior (see `prior`), on the
 * 400-point Elo-like scale: rating = 1000 + 400·log10(γ / geometric mean), or relative to an anchor.
 * @example bradleyTerry([{ a: 'x', b: 'y', winner: 'a' }, { a: 'x', b: 'y', winner: 'tie' }]).ratings // x above y
 */
export function bradleyTerry(battles: Iterable<BattleOutcome> | UniqueOutcomes, options: BradleyTerryOptions = {}): BradleyTerryResult {
  const data = isUniqueOutcomes(battles) ? battles : compressBattles(battles, options.models ? { models: options.models } : {});
  const k = data.models.length;
  const opts = fitOptions(options, k);
  const anchor = anchorIndexOf(data.models, options);
  const table = pairTable(data);
  const score = new Float64Array(table.i.length);
  const games = new Float64Array(table.i.length);
  pairScores(data, table, data.count, score, games);
  const fit = fitBradleyTerry(table, score, games, null, opts);
  const beta = fit.beta;
  centre(beta);
  const ratings = toRatings(beta, anchor, options);
  const parts = components(k, table, games);
  return {
    models: data.models,
    ratings: new Map(data.models.map((m, i) => [m, ratings[i]!])),
    strengths: new Map(data.models.map((m, i) => [m, Math.exp(beta[i]!)])),
    logStrengths: beta,
    iterations: fit.iterations,
    converged: fit.converged,
    logLikelihood: fit.logLikelihood,
    connected: parts.length <= 1,
    components: parts.map((part) => part.map((m) => data.models[m]!)),
    prior: opts.prior,
    method: opts.method,
    battles: data.battles,
  };
}
