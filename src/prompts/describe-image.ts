import { z } from 'zod'
import type { ToolSpec } from '../llm/call-tool.js'
import { modelText } from '../normalize.js'
import type { ChatContentPart, ChatMessage } from '../ports.js'

/**
 * Longest description kept, in characters. It replaces the image in the message text, so it must
 * leave room for the conversation in an extraction chunk (`limits.chunkTokens`): a paragraph, not
 * an essay.
 */
const MAX_IMAGE_DESCRIPTION_LENGTH = 1000

/** Arguments of `describe_image`. */
export const describeImageArgs = z.object({
  description: z
    .string()
    .trim()
    .min(1)
    .max(MAX_IMAGE_DESCRIPTION_LENGTH)
    .transform(modelText)
    .describe(`What the image shows, in at most ${MAX_IMAGE_DESCRIPTION_LENGTH} characters.`),
})

export const describeImageTool: ToolSpec<typeof describeImageArgs> = {
  name: 'describe_image',
  description: 'Describe what an image in a conversation shows.',
  schema: describeImageArgs,
}

/** Default instructions (`config.prompts.describeImage` replaces them); the description stands in for the image in the conversation. */
export const DESCRIBE_IMAGE_INSTRUCTIONS = `An image was shared in a conversation. Its description will replace it in the
conversation text, from which a long-term memory about the people is built.
Describe what it shows in a few factual sentences: the people, objects, places, text and numbers
visible in it, and what is happening. Do not guess names that are not visible; do not add opinions.
Answer only by calling describe_image.`

export interface DescribeImageContext {
  image: Extract<ChatContentPart, { type: 'image_url' }>
  instructions?: string
}

/** The request: the instructions, then the image as a content part. */
export function buildDescribeImageMessages(context: DescribeImageContext): ChatMessage[] {
  return [
    { role: 'system', content: context.instructions ?? DESCRIBE_IMAGE_INSTRUCTIONS },
    { role: 'user', content: [{ type: 'text', text: 'The image:' }, context.image] },
  ]
}
