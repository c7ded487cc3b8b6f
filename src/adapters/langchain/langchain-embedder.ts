import { EngramError } from '../../errors.js'
import { isTransientFault, retryPolicyOf, retrying, type RetryPolicy } from '../../llm/retry.js'
import type { Embedder, Vector } from '../../ports.js'
import { normalizeVector } from '../vector-math.js'
import type { LangChainEmbeddings } from './langchain-types.js'

/** Options of {@link LangChainEmbedder}; the retry settings default as in `retrying` (3 retries). */
export interface LangChainEmbedderOptions extends RetryPolicy {
  /** A LangChain `Embeddings` instance, e.g. `OpenAIEmbeddings`, `OllamaEmbeddings`. */
  embeddings: LangChainEmbeddings
}

/**
 * An {@link Embedder} backed by any LangChain `Embeddings`, through `embedDocuments` (which
 * batches as the integration sees fit). Vectors are L2-normalised, since many integrations do
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

  async embed(texts: string[]): Promise<Vector[]> {
    if (texts.length === 0) return []
    const vectors = await retrying(() => this.#embedDocuments(texts), this.#retry)
    if (vectors.length !== texts.length) {
      throw new EngramError('EMBEDDER_UNAVAILABLE', `${this.model} returned ${vectors.length} vectors for ${texts.length} texts.`)
    }
    return vectors.map(normalizeVector)
  }

  async close(): Promise<void> {}

  async #embedDocuments(texts: string[]): Promise<number[][]> {
    try {
      return await this.#embeddings.embedDocuments(texts)
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error)
      throw new EngramError('EMBEDDER_UNAVAILABLE', `LangChain embeddings ${this.model} failed: ${detail}`, {
        retryable: isTransientFault(error),
        cause: error,
      })
    }
  }
}
