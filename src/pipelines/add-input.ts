import type { Message, Metadata, Scope } from '../input.js'

/** One validated `add` call, as the pipelines receive it. */
export interface AddInput {
  messages: Message[]
  scope: Scope
  metadata: Metadata
  infer: boolean
  graph: boolean
  /** When the conversation happened (default: now): "today" for the models, start and end of relations. */
  observedAt: Date
}
