/*
 * Bounds on what one LLM answer can make an add do. A model that lists 10,000 facts or relations
 * (a runaway generation, or a prompt-injected conversation) costs one embedding batch and one store
 * transaction of bounded size, not 10,000 of each; the rest is dropped and reported in `errors`.
 */

/** Facts kept from one `extract_facts` answer. */
export const MAX_FACTS_PER_ANSWER = 100
/** Relations kept from one `extract_graph` answer (so at most twice as many entities are embedded). */
export const MAX_RELATIONS_PER_ANSWER = 100
/** Entities read from one `extract_graph` answer; only those the kept relations use are embedded. */
export const MAX_ENTITIES_PER_ANSWER = 1000
/**
 * Calls read from one graph-update answer: enough to add every extracted relation and change every
 * existing one shown (100 each), the most a sensible answer makes.
 */
export const MAX_GRAPH_UPDATE_CALLS = 200

/** The first `max` items, and a problem line when there were more. */
export function capAnswer<T>(items: readonly T[], max: number, step: string, what: string): { kept: T[]; problems: string[] } {
  if (items.length <= max) return { kept: [...items], problems: [] }
  return { kept: items.slice(0, max), problems: [`${step}: the model returned ${items.length} ${what}; the first ${max} were kept (a fixed limit per answer)`] }
}
