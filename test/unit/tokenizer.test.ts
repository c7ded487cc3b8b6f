import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { EngramError } from '../../src/errors.js'
import { LOCAL_EMBEDDING_MODELS } from '../../src/adapters/local/embedding-models.js'
import { defaultModelDir, locateModelFiles } from '../../src/adapters/local/model-files.js'
import { WordPieceTokenizer } from '../../src/adapters/local/tokenizer.js'

/** Ids from Hugging Face `tokenizers` with all-MiniLM-L6-v2's tokenizer.json: see test/fixtures/generate-tokenizer-cases.py. */
interface TokenizerCases {
  cases: Array<{ text: string; ids: number[] }>
  truncated: Array<{ text: string; maxLength: number; ids: number[] }>
}

const fixture: TokenizerCases = JSON.parse(readFileSync(new URL('../fixtures/tokenizer-cases.json', import.meta.url), 'utf8'))
const labelled = fixture.cases.map((c) => ({ ...c, label: JSON.stringify(c.text).slice(0, 70) }))
const CLS = 101
const SEP = 102

/** The tokenizer.json the ids were taken with, named rather than the default's. */
function tokenizerFile(): string {
  const minilm = LOCAL_EMBEDDING_MODELS['all-MiniLM-L6-v2']
  return locateModelFiles(defaultModelDir(minilm), minilm).tokenizer
}

// Loaded inside each test, so a missing model fails every test with the fetch-model message
// (a failing beforeAll would report them as skipped).
let loaded: WordPieceTokenizer | undefined
function tokenizer(): WordPieceTokenizer {
  loaded ??= WordPieceTokenizer.fromFile(tokenizerFile())
  return loaded
}

describe('WordPieceTokenizer', () => {
  it.each(labelled)('gives the ids of Hugging Face tokenizers for $label', ({ text, ids }) => {
    expect(tokenizer().encode(text, Number.POSITIVE_INFINITY)).toEqual(ids)
  })

  it.each(fixture.truncated)('truncates to $maxLength tokens as Hugging Face does', ({ text, maxLength, ids }) => {
    expect(tokenizer().encode(text, maxLength)).toEqual(ids)
  })

  it('keeps [CLS] … [SEP] within maxLength and drops only the end', () => {
    const text = 'one two three four five six seven eight nine ten '.repeat(10)
    const full = tokenizer().encode(text, Number.POSITIVE_INFINITY)
    for (const maxLength of [2, 3, 5, 17, 64]) {
      const ids = tokenizer().encode(text, maxLength)
      expect(ids).toHaveLength(maxLength)
      expect(ids[0]).toBe(CLS)
      expect(ids.at(-1)).toBe(SEP)
      expect(ids.slice(0, -1)).toEqual(full.slice(0, maxLength - 1))
    }
    expect(tokenizer().encode('short', 64)).toEqual(tokenizer().encode('short', Number.POSITIVE_INFINITY))
  })

  it('refuses a maxLength that leaves no room for [CLS] and [SEP]', () => {
    const loadedTokenizer = tokenizer()
    expect(() => loadedTokenizer.encode('text', 1)).toThrow(RangeError)
  })

  it('refuses a tokenizer.json it does not implement', () => {
    const json = JSON.parse(readFileSync(tokenizerFile(), 'utf8'))
    const unigram = { ...json, model: { ...json.model, type: 'Unigram' } }
    expect(() => new WordPieceTokenizer(unigram)).toThrow(EngramError)
    expect(() => new WordPieceTokenizer(unigram)).toThrow(/not a BERT WordPiece tokenizer/)
  })
})
