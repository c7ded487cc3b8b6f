import type { Tiktoken } from 'js-tiktoken/lite'

/*
 * A context block's `maxTokens` is counted in cl100k_base (GPT-4, GPT-3.5, OpenAI's embedding
 * models; also what bench/ counts LLM traffic in). o200k_base (GPT-4o and later) splits English
 * prose within a few percent of it, but its ranks are twice as large and take twice as long to
 * load (about 1.1 s against 2.7 s for the first call, measured on the shared 2-core test machine
 * under load). Other vendors' tokenizers differ more: leave a margin under a hard limit.
 */

let encoding: Promise<Tiktoken> | undefined

/**
 * Counts tokens of text as a prompt would carry it: special-token strings such as `<|endoftext|>`
 * in a memory are ordinary text here, as they are to a chat API. The ranks (about 1 MB) load on the
 * first call, not at import.
 */
export async function tokenCounter(): Promise<(text: string) => number> {
  encoding ??= loadEncoding()
  const loaded = await encoding.catch((error: unknown) => {
    // A failed load is not cached: the next call tries again.
    encoding = undefined
    throw error
  })
  return (text) => loaded.encode(text, [], []).length
}

async function loadEncoding(): Promise<Tiktoken> {
  const [{ Tiktoken }, ranks] = await Promise.all([import('js-tiktoken/lite'), import('js-tiktoken/ranks/cl100k_base')])
  return new Tiktoken(ranks.default)
}
