import { z } from 'zod'
import { MAX_ENTITY_NAME_LENGTH, modelText } from '../normalize.js'

/*
 * Bounds on each text field the model writes, in characters (UTF-16 code units). They are part of
 * the tool schemas, so the model is shown them (`maxLength`), and an answer over one is refused
 * like any answer that breaks its schema: the model is shown the problem once, then the step fails
 * with LLM_BAD_OUTPUT. Nothing is cut: a shortened fact can say something else than the model meant.
 */

/** Longest memory text: a fact, or a stored memory's text after an update. A fact is a sentence. */
export const MAX_MEMORY_TEXT_LENGTH = 2000

/** Longest name: an entity's name or type, a relationship, as the stores keep them at most. */
export const MAX_NAME_LENGTH = MAX_ENTITY_NAME_LENGTH

/** Longest short field: a date, an id. */
const MAX_SHORT_FIELD_LENGTH = 64

/** A memory text the model writes, made storable (normalize.ts `modelText`). */
export const memoryText = () => z.string().max(MAX_MEMORY_TEXT_LENGTH).transform(modelText)

/** An entity name or type, or a relationship, as the model writes it (normalised later). */
export const nameText = () => z.string().max(MAX_NAME_LENGTH)

/** A date or an id as the model writes it. */
export const shortText = () => z.string().max(MAX_SHORT_FIELD_LENGTH)
