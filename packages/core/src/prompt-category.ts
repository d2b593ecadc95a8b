import { PromptCategory } from './leaderboard-report.js';

/*
 * Which leaderboard categories a battle belongs to, from its user turns alone (LMArena cuts its
 * leaderboard the same way: coding, math, longer query, multi-turn). Heuristics on the text, in
 * English and Portuguese: a cue strong enough on its own (a code fence, `def f(`, `\frac`, "integral",
 * "python"), or two weaker ones together ("function" and "loop", "calculate" and "average"), so that
 * a prompt that merely mentions a number or the word "code" stays out.
 */

/** Prompts of at least this many words (in the first turn) are a longer query. */
export const LONGER_QUERY_WORDS = 500;

// ---- coding ----

/** Code by its shape: fences, definitions, calls, tags, statements. Any one is enough. */
const CODE_SYNTAX: readonly RegExp[] = [
  /```|~~~/,
  /^\s*(?:def|class)\s+\w+\s*[(:]/m,
  /\bfunction\s*\w*\s*\([^)]*\)\s*\{/,
  /\b(?:const|var)\s+\w+\s*=[^=]|\blet\s+\w+\s*=[^=;\n]*;/,
  /\w\s*\([^()]*\)\s*=>|\w\s*=>\s*[{(\w]/,
  /\b(?:console\.log|System\.out\.print\w*|printf|println)\s*\(|\b(?:print|len|range|main)\(/,
  /#include\s*[<"]/,
  /^\s*import\s+[\w.]+(?:\s+as\s+\w+)?\s*$|^\s*from\s+[\w.]+\s+import\s+\w/m,
  /\bimport\s+(?:\{[^}]*\}|\w+)\s+from\s+['"]/,
  /\bSELECT\s+[\w*,\s.]+\s+FROM\s+\w+/,
  /<\/[a-zA-Z][\w-]*>|<[a-zA-Z][\w-]*\s[^<>]*\/>/,
  /\b(?:public|private|static)\s+(?:static\s+)?(?:void|int|String|class)\b/,
  /\w+\.\w+\([^()]*\)\s*;|;\s*\n[^\n]*;\s*(?:\n|$)/,
  /\b(?:npm|pip|cargo|apt-get|brew)\s+install\b|\bgit\s+(?:commit|push|pull|clone|rebase|merge)\b/,
  /\b(?:Traceback \(most recent call last\)|SyntaxError|TypeError|NullPointerException|segmentation fault)\b/i,
];

/** Words about programming that settle it on their own: languages, tools, unmistakable terms. */
const CODE_STRONG =
  /(?<![\p{L}\p{N}_])(?:python|javascript|typescript|node\.js|c\+\+|c#|golang|kotlin|haskell|php|sql|regex|regexp|html|css|json|yaml|powershell|docker|kubernetes|numpy|stack trace|compiler|compilador|programming|programmer|programador|source code|código[- ]fonte|unit tests?|testes? unitários?|recursion|recursão|recursividade)(?![\p{L}\p{N}_])/giu;

/** Words that hint at programming; two different ones make it coding. */
const CODE_WEAK =
  /(?<![\p{L}\p{N}_])(function|funç(?:ão|ões)|variables?|variáve(?:l|is)|arrays?|vetor(?:es)?|loops?|laço|class(?:es)?|classes|methods?|métodos?|bugs?|debug\p{L}*|depur\p{L}*|algorithms?|algoritmos?|code|código|script|api|librar(?:y|ies)|bibliotecas?|database|banco de dados|query|consulta sql|string|integer|inteiro|compil\p{L}*|implement\p{L}*|framework|endpoint|servidor|server|java|rust|ruby|swift|refactor\p{L}*|software|app|programação|programar)(?![\p{L}\p{N}_])/giu;

/** Is this prompt about programming or does it contain code? */
export function isCodingPrompt(text: string): boolean {
  if (CODE_SYNTAX.some((re) => re.test(text))) return true;
  if (matches(CODE_STRONG, text)) return true;
  return distinctMatches(CODE_WEAK, text) >= 2;
}

// ---- math ----

/** Mathematics by its notation: LaTeX, formulas, operators between numbers, math symbols. */
const MATH_SYNTAX: readonly RegExp[] = [
  /\\(?:frac|sqrt|int|iint|sum|prod|lim|infty|cdot|times|leq|geq|neq|alpha|beta|theta|lambda|sigma|pi|partial|binom|mathbb|begin\{(?:equation|align|matrix|pmatrix|bmatrix)\})/,
  /\$\$[^$]+\$\$|\$[^$\n]*[\\^_=][^$\n]*\$/,
  /[∫∑∏√∞≤≥≠±∂∆∇π≈∈∀∃]/,
  /\d\s*[+*×·÷^=<>]\s*\(?-?\d/,
  /\d\s+[-−/]\s+\d/,
  /\b[a-z]\s*\^\s*\(?\d|\b[a-z]²|\b\d+[a-z]\s*[+\-−=]\s*\d/,
  /\b[fgh]\s*\(\s*[xyzt]\s*\)\s*=/,
  /\b[xyz]\s*=\s*-?\d/,
  /\b\d+\s*(?:%|percent|por cento)\s+(?:of|de|do|da)\s+\d/,
];

/** Words about mathematics that settle it on their own. */
const MATH_STRONG =
  /(?<![\p{L}\p{N}_])(?:equations?|equaç(?:ão|ões)|integrals?|integra(?:l|is) (?:de|definida|indefinida)|derivatives?|derivadas?|calculus|algebra|álgebra|geometry|geometria|theorems?|teoremas?|probabilit(?:y|ies)|probabilidades?|eigen\p{L}+|autovalor\p{L}*|polynomials?|polin[óô]mios?|logarithms?|logaritmos?|factorials?|fatoria(?:l|is)|prime numbers?|números? primos?|arithmetic|aritmética|trigonometr\p{L}+|square roots?|raiz quadrada|solve for|resolva a equação|mathematics|math|maths|matemática|matrix|matrices|matriz(?:es)?|quadratic|quadrática|variance|variância|standard deviation|desvio padrão)(?![\p{L}\p{N}_])/giu;

/** Words that hint at mathematics; two different ones make it math. */
const MATH_WEAK =
  /(?<![\p{L}\p{N}_])(solve|resolv\p{L}*|calculat\p{L}*|calcul\p{L}*|sum|soma|multipl\p{L}*|divid\p{L}*|average|média|percent\p{L}*|porcentage\p{L}*|percentage\p{L}*|formula|fórmula|triangles?|triângulos?|area|área|volume|angles?|ângulos?|fractions?|fraç(?:ão|ões)|numbers?|números?|digits?|dígitos?|prove|proof|prova|demonstr\p{L}*|how much|quanto é|quantos|integer|inteiro|ratio|razão|proportion\p{L}*|proporç\p{L}*)(?![\p{L}\p{N}_])/giu;

/** Is this prompt mathematics (a formula, numbers with operators, LaTeX, or about a field of math)? */
export function isMathPrompt(text: string): boolean {
  if (MATH_SYNTAX.some((re) => re.test(text))) return true;
  if (matches(MATH_STRONG, text)) return true;
  return distinctMatches(MATH_WEAK, text) >= 2;
}

// ---- length ----

/** CJK characters each count as a word; elsewhere words are runs without white space. */
const WORD = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]|[^\s\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]+/gu;

/** Words in a text, counted up to `limit` (enough to decide "at least limit"). */
export function countWords(text: string, limit = Number.POSITIVE_INFINITY): number {
  let n = 0;
  WORD.lastIndex = 0;
  while (n < limit && WORD.exec(text) !== null) n++;
  WORD.lastIndex = 0;
  return n;
}

// ---- together ----

/**
 * The categories of a battle from its user turns, in order: always `overall`; `coding` and `math`
 * when any turn is; `longer_query` when the first turn has 500 words or more; `multi_turn` when
 * there is more than one turn.
 * @example promptCategories(['Write a Python function that sorts a list']) // ['overall', 'coding']
 */
export function promptCategories(prompts: readonly string[]): PromptCategory[] {
  return PromptCategory.options.filter((category) => inPromptCategory(prompts, category));
}

/**
 * Whether a battle with these user turns is in one category (cheaper than listing them all).
 * @example inPromptCategory(['Hi', 'And then?'], 'multi_turn') // true
 */
export function inPromptCategory(prompts: readonly string[], category: PromptCategory): boolean {
  switch (category) {
    case 'overall':
      return true;
    case 'coding':
      return prompts.some(isCodingPrompt);
    case 'math':
      return prompts.some(isMathPrompt);
    case 'longer_query':
      return prompts.length > 0 && countWords(prompts[0]!, LONGER_QUERY_WORDS) >= LONGER_QUERY_WORDS;
    case 'multi_turn':
      return prompts.length > 1;
  }
}

function matches(re: RegExp, text: string): boolean {
  re.lastIndex = 0;
  const found = re.test(text);
  re.lastIndex = 0;
  return found;
}

/** How many different words of `re` (its first group, lower-cased) the text has; stops at two. */
function distinctMatches(re: RegExp, text: string): number {
  const seen = new Set<string>();
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null && seen.size < 2; m = re.exec(text)) {
    seen.add(m[1]!.toLowerCase());
  }
  re.lastIndex = 0;
  return seen.size;
}
