import fc from 'fast-check'

/**
 * Generators of hostile text for the property suites: query-language metacharacters (Cypher,
 * SQL, FTS5, Lucene, JSON paths), backticks, NUL, lone surrogates, bidirectional controls,
 * combining marks, emoji sequences and 10,000-character strings, mixed with arbitrary code points.
 */

/** Pieces that mean something to some parser on the way to a store. */
const HOSTILE_PIECES = [
  "'",
  '"',
  '`',
  '\\',
  '\\"',
  "\\'",
  '$',
  '$param',
  '{',
  '}',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a hostile string, meant literally
  '${x}',
  ';',
  '--',
  '/*',
  '*/',
  '//',
  '%',
  '_',
  '*',
  ':',
  '?',
  '^',
  '~',
  '(',
  ')',
  '[',
  ']',
  '&&',
  '||',
  '!',
  '+',
  '-',
  '=',
  '<',
  '>',
  '&amp;',
  '<![CDATA[',
  ']]>',
  ' OR ',
  ' AND NOT ',
  'NEAR(',
  "' OR '1'='1",
  '"; DROP TABLE memories; --',
  "') RETURN 1 //",
  '`) DETACH DELETE n //',
  'MATCH (n) DETACH DELETE n',
  '}) MERGE (x:Evil {name: "x"}) //',
  '$."a"',
  '\u0000',
  '\ud800',
  '\udfff',
  '\udc00\ud800',
  '\u202e',
  '\u200f',
  '\u2066',
  '\u200b',
  '\ufeff',
  '\uffff',
  '\u001b[31m',
  '\u0007',
  '\r\n',
  '\n',
  '\t',
  '   ',
  'שלום עולם',
  'مرحبا',
  'e\u0301',
  'İ',
  'ß',
  'ﬁ',
  '東京',
  '👩‍👩‍👧',
  '🏳️‍🌈',
  '𝔘𝔫𝔦𝔠𝔬𝔡𝔢',
  'null',
  'undefined',
  'NaN',
  '__proto__',
  'constructor',
] as const

const piece = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_PIECES) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 6 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 6 }) },
)

/** A 10,000-character string repeating one hostile piece (cut anywhere, so possibly mid-pair). */
export const longText = fc
  .tuple(fc.constantFrom(...HOSTILE_PIECES, 'word ', 'ab'), fc.integer({ min: 9_990, max: 10_010 }))
  .map(([unit, length]) => unit.repeat(Math.ceil(length / unit.length)).slice(0, length))

/** Short hostile text, mostly; one in twenty is 10,000 characters long. */
export const hostileText = fc.oneof(
  { weight: 19, arbitrary: fc.array(piece, { minLength: 1, maxLength: 6 }).map((pieces) => pieces.join('')) },
  { weight: 1, arbitrary: longText },
)

/** Hostile text that is never a valid input, to make sure rejection is exercised on every run size. */
export const invalidText = fc
  .tuple(hostileText, fc.constantFrom('\u0000', '\ud800', '\udfff'), hostileText)
  .map(([before, bad, after]) => `${before.replace(/\p{Surrogate}$/u, '')}${bad}${after.replace(/^\p{Surrogate}/u, '')}`)

/**
 * Engram's rule for public text (README, "Input"): well-formed UTF-16 (no lone surrogates, which
 * no store's UTF-8 can hold) and no NUL. Everything else must round-trip exactly.
 */
export function isStorableText(text: string): boolean {
  return text.isWellFormed() && !text.includes('\u0000')
}

/** The number of runs of each property: 1,000 unless `ENGRAM_PROPERTY_RUNS` says otherwise (for quick local runs). */
export const PROPERTY_RUNS = Number(process.env.ENGRAM_PROPERTY_RUNS ?? 1000)

/** 1,000 runs against a server take minutes, not the 60 s vitest allows an ordinary test (vitest.config.ts). */
export const PROPERTY_TIMEOUT_MS = 15 * 60_000
