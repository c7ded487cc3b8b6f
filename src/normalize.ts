import type { Scope } from './input.js'

/** The type of an entity the model named in a relation but gave no type. */
export const UNTYPED_ENTITY = 'entity'

/** docs/contract.md: the only relationship types that may reach a query (Cypher cannot parameterise them). */
export const RELATIONSHIP_TYPE_PATTERN = /^[A-Z][A-Z0-9_]{0,63}$/

/**
 * Longest entity name (and type) kept, in code points. A name is a few words; a longer one is model
 * output gone wrong, and the (scope, key) uniqueness index has a size limit in Neo4j (about 8 KB).
 */
export const MAX_ENTITY_NAME_LENGTH = 256

/**
 * Entity key: lower-case, trimmed, single spaces (docs/contract.md); NFC so equal-looking names match.
 * Empty, so that the entity is dropped, for a name longer than {@link MAX_ENTITY_NAME_LENGTH}.
 */
export function entityKey(name: string): string {
  const key = entityName(name).toLowerCase()
  return [...key].length > MAX_ENTITY_NAME_LENGTH ? '' : key
}

/**
 * Display name: trimmed with single spaces, otherwise as written. Model output is not validated
 * like public input, so lone surrogates become U+FFFD and control characters (NUL included) spaces:
 * what is stored is what every store can return unchanged.
 */
export function entityName(name: string): string {
  return name
    .toWellFormed()
    .normalize('NFC')
    .replace(/[\s\p{Cc}]+/gu, ' ')
    .trim()
}

/**
 * Free text the model wrote that becomes a memory (facts, updated memory texts), brought to the
 * form public input must have (README "Input"): lone surrogates become U+FFFD and NUL characters
 * are dropped, so that every store returns it unchanged.
 */
export function modelText(text: string): string {
  return text.toWellFormed().replaceAll('\u0000', '')
}

/**
 * A relationship type is a short verb phrase (`WORKS_AT`, `IS_ALLERGIC_TO`, `IS_THE_SISTER_OF`):
 * at most this many words and characters. Longer ones are model output that copied a sentence
 * into the type (`I_WORK_AS_A_NURSE_AT_SANTA_MARIA_HOSPITAL_I_M_VEGETARIAN`).
 */
export const MAX_RELATIONSHIP_WORDS = 5
export const MAX_RELATIONSHIP_LENGTH = 48

/**
 * Words no verb phrase between two entities contains: pronouns (the entities are the source and
 * destination, not part of the type), the leftovers of contractions (`I'M` → `I_M`) and words that
 * join clauses. A type with one of them is a sentence.
 */
export const SENTENCE_WORDS: ReadonlySet<string> = new Set([
  ...['I', 'ME', 'MY', 'MINE', 'MYSELF', 'YOU', 'YOUR', 'YOURS', 'HE', 'HIM', 'HIS', 'SHE', 'HER', 'HERS', 'WE', 'US', 'OUR', 'OURS'],
  ...['THEY', 'THEM', 'THEIR', 'THEIRS', 'IT', 'ITS', 'M', 'RE', 'VE', 'LL', 'D', 'T'],
  ...['AND', 'BUT', 'OR', 'BECAUSE', 'THAT', 'WHICH', 'WHO', 'WHOM', 'WHOSE', 'WHILE', 'IF', 'THEN'],
])

/** What a relationship type must be, for the message that drops one. */
export const RELATIONSHIP_TYPE_RULE =
  `a relationship type is a short verb phrase in UPPER_SNAKE_CASE (Latin letters, at most ${MAX_RELATIONSHIP_WORDS} words and ` +
  `${MAX_RELATIONSHIP_LENGTH} characters, no pronouns or joined clauses)`

/**
 * A relationship as UPPER_SNAKE_CASE, or null when it is not a relationship type.
 * Accents are stripped ("LIVES_À" → "LIVES_A"), every other run of non-alphanumerics becomes one
 * underscore, and leading digits and underscores go. Null for scripts without a Latin
 * transliteration (CJK, emoji), which normalise to nothing, and for sentence-like types: more than
 * {@link MAX_RELATIONSHIP_WORDS} words or {@link MAX_RELATIONSHIP_LENGTH} characters, or a word of
 * {@link SENTENCE_WORDS}. Callers drop such a relation and report it (see {@link RELATIONSHIP_TYPE_RULE}).
 */
export function relationshipType(raw: string): string | null {
  const latin = raw.normalize('NFD').replace(/\p{M}+/gu, '')
  const snake = latin
    // camelCase and digit-to-word boundaries; an ALL-CAPS type such as "AB1C" is left whole.
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .replace(/([0-9])([A-Z][a-z])/g, '$1_$2')
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '_')
    .replace(/^[^A-Z]+/, '')
    .replace(/_+$/, '')
  const words = snake.split('_')
  const phrase = snake.length <= MAX_RELATIONSHIP_LENGTH && words.length <= MAX_RELATIONSHIP_WORDS && !words.some((word) => SENTENCE_WORDS.has(word))
  return phrase && RELATIONSHIP_TYPE_PATTERN.test(snake) ? snake : null
}

/** Re-checks a relationship type right before it is spliced into a statement. */
export function assertRelationshipType(type: string): string {
  if (!RELATIONSHIP_TYPE_PATTERN.test(type)) throw new Error(`refusing to splice relationship type ${JSON.stringify(type)}`)
  return type
}

const FIRST_PERSON = new Set(['i', 'me', 'my', 'mine', 'myself', 'user', 'the user', 'self'])

/**
 * The entity name first-person references resolve to: the scope's user, else its agent
 * (docs/contract.md), else "user" for a run-only scope.
 */
export function selfName(scope: Scope): string {
  return scope.userId ?? scope.agentId ?? 'user'
}

/** Maps "I", "me", "my"… to the scope's user entity; other names pass through. */
export function resolveFirstPerson(name: string, scope: Scope): string {
  return FIRST_PERSON.has(entityKey(name)) ? selfName(scope) : name
}

/** Lower-case word tokens with a light English suffix strip, for keyword relevance. */
export function keywordTokens(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).map(stem)
}

/** "lives", "living", "lived" and "live" all become "liv": crude, but enough to match a query to a triple. */
function stem(word: string): string {
  let base = word
  if (base.length > 4 && base.endsWith('ies')) base = `${base.slice(0, -3)}y`
  else if (base.length > 5 && base.endsWith('ing')) base = base.slice(0, -3)
  else if (base.length > 4 && base.endsWith('ed')) base = base.slice(0, -2)
  else if (base.length > 3 && base.endsWith('s') && !base.endsWith('ss')) base = base.slice(0, -1)
  return base.length > 3 && base.endsWith('e') ? base.slice(0, -1) : base
}

/**
 * Text for whole-word matching of entity names inside a query: lower-case letters and digits,
 * every other run of characters one space, padded with a space on each side. A name matches a
 * query when the query's match text contains the name's match text.
 */
export function matchText(text: string): string {
  const words =
    text
      .normalize('NFC')
      .toLowerCase()
      .match(/[\p{L}\p{N}]+/gu) ?? []
  return ` ${words.join(' ')} `
}
