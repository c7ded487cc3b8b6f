import type { LocalEmbeddingModel } from '../../src/adapters/local/embedding-models.js'
import { LocalEmbedder } from '../../src/adapters/local/local-embedder.js'
import { defaultModelDir } from '../../src/adapters/local/model-files.js'
import type { EmbeddingPurpose } from '../../src/ports.js'
import { dot } from '../../src/adapters/vector-math.js'

/** The thresholds a default is chosen from: multiples of 0.05, so that it is not fitted to a few labelled pairs. */
export const THRESHOLD_CANDIDATES = Array.from({ length: 21 }, (_, step) => step / 20)

/** One side of a labelled pair: the text and how it is embedded. */
export type PairSide = readonly [text: string, purpose: EmbeddingPurpose]

/**
 * The cosine similarity of each labelled pair with the real model, opened from its default dir
 * (ENGRAM_MODEL_DIR holds one model only); `sides` says what each pair compares.
 */
export async function pairSimilarities<Pair>(
  model: LocalEmbeddingModel,
  pairs: readonly Pair[],
  sides: (pair: Pair) => readonly [PairSide, PairSide],
): Promise<Array<{ pair: Pair; value: number }>> {
  const embedder = await LocalEmbedder.open({ model, modelDir: defaultModelDir(model) })
  try {
    const similarity: Array<{ pair: Pair; value: number }> = []
    for (const pair of pairs) {
      const [[aText, aPurpose], [bText, bPurpose]] = sides(pair)
      const [a] = await embedder.embed([aText], aPurpose)
      const [b] = await embedder.embed([bText], bPurpose)
      similarity.push({ pair, value: dot(a!, b!) })
    }
    return similarity
  } finally {
    await embedder.close()
  }
}
