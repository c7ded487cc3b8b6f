import { EngramError } from '../../errors.js'
import { isTransientFault, retryPolicyOf, retrying, type RetryPolicy } from '../../llm/retry.js'
import type { Embedder, EmbeddingPurpose, Vector } from '../../ports.js'
import { normalizeVector } from '../vector-math.js'
import type { LangChainEmbeddings } from './langchain-types.js'

/** Options of {@link LangChainEmbedder}; the retry settings default as in `retrying` (3 retries). */
export interface LangChainEmbedderOptions extends RetryPolicy {
  /** A LangChain `Embeddings` instance, e.g. `OpenAIEmbeddings`, `OllamaEmbeddings`. */
  embeddings: LangChainEmbeddings
}

/**
 * An {@link Embedder} backed by any LangChain `Embeddings`: documents through `embedDocuments`
 * (which batches as the integration sees fit), queries through `embedQuery`, so an integration
 * that embeds the two sides differently does so here too. Vectors are L2-normalised, since many integrations do
 * not. `model` is the class name plus the integration's `model` field when it has one. Build the
 * embeddings with `maxRetries: 0` so LangChain's own retries do not multiply Engram's.
 * Throws `EMBEDDER_UNAVAILABLE`, retryable as `LangChainLLM` classifies faults.
 */
export class LangChainEmbedder implements Embedder {
  readonly model: string
  readonly #embeddings: LangChainEmbeddings
  readonly #retry: RetryPolicy

  constructor(options: LangChainEmbedderOptions) {
    const { embeddings } = options
    this.#embeddings = embeddings
    this.#retry = retryPolicyOf(options)
    const className = embeddings.constructor.name || 'Embeddings'
    this.model = embeddings.model === undefined ? className : `${className}:${embeddings.model}`
  }

  async embed(texts: string[], purpose: EmbeddingPurpose): Promise<Vector[]> {
    if (texts.length === 0) return []
    const vectors = await retrying(() => this.#call(purpose === 'query' ? embedEach(this.#embeddings, texts) : this.#embeddings.embedDocuments(texts)), this.#retry)
    if (vectors.length !== texts.length) {
      throw new EngramError('EMBEDDER_UNAVAILABLE', `${this.model} returned ${vectors.length} vectors for ${texts.length} texts.`)
    }
    return vectors.map(normalizeVector)
  }

  async close(): Promise<void> {}

  async #call(embedding: Promise<number[][]>): Promise<number[][]> {
    try {
      return await embedding
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error)
      throw new EngramError('EMBEDDER_UNAVAILABLE', `LangChain embeddings ${this.model} failed: ${detail}`, {
        retryable: isTransientFault(error),
        cause: error,
      })
    }
  }
}

/** `embedQuery` takes one text: a search embeds one query, so this is a single call in practice. */
function embedEach(embeddings: LangChainEmbeddings, texts: string[]): Promise<number[][]> {
  return Promise.all(texts.map((text) => embeddings.embedQuery(text)))
}
