import type { MemoryType } from '../ports.js'
import type { TextMessage, Metadata, Scope } from '../input.js'

/** One validated `add` call, as the pipelines receive it. */
export interface AddInput {
  messages: TextMessage[]
  scope: Scope
  metadata: Metadata
  infer: boolean
  graph: boolean
  /** When the conversation happened (default: now): "today" for the models, start and end of relations. */
  observedAt: Date
  /** When the memories this add stores expire; `null`: never. */
  expiresAt: Date | null
  memoryType: MemoryType
}
