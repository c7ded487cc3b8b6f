import type OpenAI from 'openai'
import { EngramError } from '../../errors.js'
import { retryPolicyOf, retrying, type RetryPolicy } from '../../llm/retry.js'
import type { Embedder, EmbeddingPurpose, Vector } from '../../ports.js'
import { normalizeVector } from '../vector-math.js'
import { translateOpenAIError } from './openai-errors.js'
import { createOpenAIClient, type OpenAIConnectionOptions } from './openai-llm.js'

/** The embedding model used when none is configured: OpenAI's cheapest current one, 1536-d. */
export const DEFAULT_OPENAI_EMBEDDING_MODEL = 'text-embedding-3-small'

// The Embeddings API rejects requests with more inputs than this.
const MAX_INPUTS_PER_REQUEST = 2048

/** Options of {@link OpenAIEmbedder}; the retry settings default as in `retrying` (3 retries). */
export interface OpenAIEmbedderOptions extends OpenAIConnectionOptions, RetryPolicy {
  /** Embedding model name. Default {@link DEFAULT_OPENAI_EMBEDDING_MODEL}. */
  model?: string
  /** Shortened output size, for models that support it (text-embedding-3-*). Default: the model's. */
  dimensions?: number
}

/**
 * An {@link Embedder} backed by the Embeddings API of OpenAI or any compatible server.
 *
 * Sends at most 2048 texts per request, one request at a time, each retried on transient faults;
 * vectors are L2-normalised whatever the server returns. `model` includes `dimensions` when set,
 * since shortened vectors do not compare with full ones. Throws `EMBEDDER_UNAVAILABLE`.
 */
export class OpenAIEmbedder implements Embedder {
  readonly model: string
  readonly #name: string
  readonly #dimensions: number | undefined
  readonly #retry: RetryPolicy
  readonly #client: OpenAI

  constructor(options: OpenAIEmbedderOptions = {}) {
    this.#name = options.model ?? DEFAULT_OPENAI_EMBEDDING_MODEL
    this.#dimensions = options.dimensions
    this.model = options.dimensions === undefined ? this.#name : `${this.#name}@${options.dimensions}`
    this.#retry = retryPolicyOf(options)
    this.#client = createOpenAIClient(options)
  }

  /** `purpose` makes no difference: OpenAI's embedding models take queries and documents alike. */
  async embed(texts: string[], _purpose: EmbeddingPurpose): Promise<Vector[]> {
    const vectors: Vector[] = []
    // One batch at a time: batches share the account's rate limit, so sending them together
    // would mostly trade throughput for 429s.
    for (let start = 0; start < texts.length; start += MAX_INPUTS_PER_REQUEST) {
      const batch = texts.slice(start, start + MAX_INPUTS_PER_REQUEST)
      vectors.push(...(await retrying(() => this.#embedBatch(batch), this.#retry)))
    }
    return vectors
  }

  async close(): Promise<void> {}

  async #embedBatch(batch: string[]): Promise<Vector[]> {
    const response = await this.#client.embeddings
      // `float` rather than the client's default base64: not every compatible server honours base64.
      .create({ model: this.#name, input: batch, dimensions: this.#dimensions, encoding_format: 'float' })
      .catch((error: unknown) => {
        throw translateOpenAIError(error, {
          code: 'EMBEDDER_UNAVAILABLE',
          model: this.#name,
          baseURL: this.#client.baseURL,
          timeoutMs: this.#client.timeout,
        })
      })
    if (response.data.length !== batch.length) {
      throw new EngramError(
        'EMBEDDER_UNAVAILABLE',
        `${this.#client.baseURL} returned ${response.data.length} embeddings for ${batch.length} texts (model ${this.#name}).`,
      )
    }
    return [...response.data].sort((a, b) => a.index - b.index).map((item) => normalizeVector(item.embedding))
  }
}
