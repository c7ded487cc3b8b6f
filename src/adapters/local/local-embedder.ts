import type { InferenceSession, Tensor } from 'onnxruntime-node'
import { EngramError } from '../../errors.js'
import type { Embedder, EmbeddingPurpose, Vector } from '../../ports.js'
import { DEFAULT_LOCAL_MODEL, LOCAL_EMBEDDING_MODELS } from './embedding-models.js'
import type { LocalEmbeddingModel, Pooling } from './embedding-models.js'
import { locateModelFiles } from './model-files.js'
import { WordPieceTokenizer } from './tokenizer.js'

// One text per model run, never a padded batch: these quantized models quantizes activations with
// one scale per tensor (DynamicQuantizeLinear), computed over the whole batch, padding and other
// rows included. Batched, a text's vector would depend on its neighbours (cosine ≈ 0.99 to the
// same text embedded alone), so search scores would shift with how memories happened to be
// grouped. The price: 32 short sentences take ~250 ms one by one against ~175 ms as one padded
// batch (2 busy CPU cores), small next to the LLM calls around each embedding.

/** The onnxruntime-node module, loaded by `open` so that a broken native binary is an EngramError. */
type OnnxRuntime = typeof import('onnxruntime-node')

/** Options of {@link LocalEmbedder.open}. */
export interface LocalEmbedderOptions {
  /** Which model (see embedding-models.ts); default {@link DEFAULT_LOCAL_MODEL}. */
  readonly model?: LocalEmbeddingModel
  /** The folder holding its model.onnx and tokenizer.json, as written by `npx engram fetch-model`. */
  readonly modelDir: string
}

/**
 * The default embedder: a small BERT model (quantized ONNX, 384 dimensions; all-MiniLM-L6-v2,
 * bge-small-en-v1.5 or e5-small-v2) run in-process on the CPU with onnxruntime-node, with the
 * model's query or document prefix, pooled and normalised as sentence-transformers does. No
 * service or API key is needed; the model files are fetched once by `npx engram fetch-model`.
 */
export class LocalEmbedder implements Embedder {
  /** The model's tag, e.g. `bge-small-en-v1.5-q`. */
  readonly model: string
  readonly #spec: LocalEmbeddingModel
  readonly #runtime: OnnxRuntime
  readonly #tokenizer: WordPieceTokenizer
  #session: InferenceSession | undefined

  private constructor(spec: LocalEmbeddingModel, runtime: OnnxRuntime, session: InferenceSession, tokenizer: WordPieceTokenizer) {
    this.model = spec.tag
    this.#spec = spec
    this.#runtime = runtime
    this.#session = session
    this.#tokenizer = tokenizer
  }

  /**
   * Loads the tokenizer and the model from `modelDir`.
   *
   * @throws EngramError `EMBEDDER_UNAVAILABLE` when the files are missing (the message names the
   * command that fetches them) or cannot be loaded.
   */
  static async open({ model = LOCAL_EMBEDDING_MODELS[DEFAULT_LOCAL_MODEL], modelDir }: LocalEmbedderOptions): Promise<LocalEmbedder> {
    const files = locateModelFiles(modelDir, model)
    try {
      // Inside the try: an unreadable or corrupt tokenizer file is the model's failure too, not a bare EACCES or SyntaxError.
      const tokenizer = WordPieceTokenizer.fromFile(files.tokenizer)
      const runtime = await import('onnxruntime-node')
      return new LocalEmbedder(model, runtime, await runtime.InferenceSession.create(files.model), tokenizer)
    } catch (error) {
      throw unavailable(`Cannot load the embedding model from ${modelDir}`, error)
    }
  }

  /**
   * One L2-normalised 384-dimensional vector per text, in input order, each text behind the
   * model's prefix for `purpose`. A text's vector does not depend on the other texts of the call.
   * Texts longer than the model's token limit (256 or 512, prefix included) are embedded from
   * their beginning.
   *
   * @throws EngramError `EMBEDDER_UNAVAILABLE` when the embedder is closed or the model fails.
   */
  async embed(texts: string[], purpose: EmbeddingPurpose): Promise<Vector[]> {
    const session = this.#openSession()
    const prefix = purpose === 'query' ? this.#spec.queryPrefix : this.#spec.documentPrefix
    const vectors: Vector[] = []
    for (const text of texts) vectors.push(await this.#embedOne(session, this.#tokenizer.encode(prefix + text, this.#spec.maxTokens)))
    return vectors
  }

  /** Releases the ONNX session. Further `embed` calls throw; closing twice is harmless. */
  async close(): Promise<void> {
    const session = this.#session
    this.#session = undefined
    await session?.release()
  }

  async #embedOne(session: InferenceSession, ids: number[]): Promise<Vector> {
    let output: Tensor | undefined
    try {
      output = (await session.run(toFeeds(this.#runtime.Tensor, ids))).last_hidden_state
    } catch (error) {
      throw unavailable('The embedding model failed', error)
    }
    if (output === undefined) throw unavailable('The embedding model returned no last_hidden_state')
    return pooled(output, this.#spec.pooling)
  }

  #openSession(): InferenceSession {
    if (this.#session === undefined) throw unavailable('The local embedder is closed')
    return this.#session
  }
}

/** A one-row int64 batch; BERT's segment ids are all 0 for a single text, and no position is padding. */
function toFeeds(OrtTensor: OnnxRuntime['Tensor'], ids: number[]): Record<string, Tensor> {
  const dims = [1, ids.length]
  return {
    input_ids: new OrtTensor('int64', BigInt64Array.from(ids, BigInt), dims),
    attention_mask: new OrtTensor('int64', new BigInt64Array(ids.length).fill(1n), dims),
    token_type_ids: new OrtTensor('int64', new BigInt64Array(ids.length), dims),
  }
}

/**
 * The text's vector, L2-normalised: the sum of the token vectors for mean pooling (the attention
 * mask is all ones, and the mean's 1/n factor would cancel out in the normalisation), the first
 * token's ([CLS]) for CLS pooling.
 */
function pooled(hidden: Tensor, pooling: Pooling): Vector {
  const data = hidden.data as Float32Array
  const [, tokens = 0, dimensions = 0] = hidden.dims
  const sum = new Float64Array(dimensions)
  const pooledTokens = pooling === 'cls' ? Math.min(1, tokens) : tokens
  for (let token = 0; token < pooledTokens; token += 1) {
    for (let d = 0; d < dimensions; d += 1) sum[d]! += data[token * dimensions + d]!
  }
  const norm = Math.hypot(...sum) || 1
  return Float32Array.from(sum, (value) => value / norm)
}

function unavailable(message: string, cause?: unknown): EngramError {
  const detail = cause === undefined ? '' : `: ${cause instanceof Error ? cause.message : String(cause)}`
  return new EngramError('EMBEDDER_UNAVAILABLE', `${message}${detail}`, cause === undefined ? {} : { cause })
}
