import type { ContentPart, Message, Messages, TextMessage } from '../input.js'
import { callTool } from '../llm/call-tool.js'
import type { LLM } from '../ports.js'
import { buildDescribeImageMessages, describeImageTool } from '../prompts/describe-image.js'

type ImagePart = Extract<ContentPart, { type: 'image_url' }>

/** An add's messages as text, and a warning for each image that could not be described. */
export interface DescribedConversation {
  messages: TextMessage[]
  warnings: string[]
}

/** The conversation of an add as a list: one string is one user message. */
export function conversationOf(messages: Messages): Message[] {
  return typeof messages === 'string' ? [{ role: 'user', content: messages }] : messages
}

/**
 * UTF-8 bytes of an add's messages, as `limits.maxInputBytes` bounds them: text parts and image
 * URLs, since a `data:` URL is the image itself and is sent to the model once per description.
 */
export function inputBytes(messages: readonly Message[]): number {
  let bytes = 0
  for (const message of messages) {
    for (const part of partsOf(message)) bytes += Buffer.byteLength(part.type === 'text' ? part.text : part.image_url.url, 'utf8')
  }
  return bytes
}

/** Whether a message carries anything: non-blank text or an image. */
export function hasContent(message: Message): boolean {
  return partsOf(message).some((part) => part.type === 'image_url' || part.text.trim().length > 0)
}

/**
 * Puts each image's description in its place in the message text (`[image: …]`), so the fact and
 * graph pipelines, the prompts and the verbatim store see text only. Each distinct image (by URL)
 * is described once, by one forced `describe_image` call, all images of the add in parallel.
 * `llm` is the add's LLM, or null with `infer: false` (which calls none). Without a vision-capable
 * LLM, with `infer: false`, or when its description fails, an image is left out and a warning says
 * which one and why: an add is never refused or failed because of an image. `instructions`:
 * `config.prompts.describeImage`.
 */
export async function describeImages(llm: LLM | null, messages: readonly Message[], instructions?: string): Promise<DescribedConversation> {
  const images = new Map<string, ImagePart>()
  for (const part of messages.flatMap(partsOf)) if (part.type === 'image_url' && !images.has(part.image_url.url)) images.set(part.image_url.url, part)
  const skipped = images.size === 0 ? undefined : skipReason(llm)
  const outcomes = new Map(
    await Promise.all(
      [...images].map(async ([url, image]) => [url, skipped === undefined ? await describe(llm!, image, instructions) : { problem: skipped }] as const),
    ),
  )
  const warnings: string[] = []
  const described = messages.map((message, index) => {
    const pieces = partsOf(message).map((part) => {
      if (part.type === 'text') return part.text
      const outcome = outcomes.get(part.image_url.url)!
      if ('description' in outcome) return `[image: ${outcome.description}]`
      warnings.push(`image ${imageLabel(part.image_url.url)} in message ${index + 1} was skipped: ${outcome.problem}`)
      return ''
    })
    return withText(message, pieces.filter((piece) => piece.length > 0).join(' '))
  })
  return { messages: described, warnings }
}

/** Why no image of this add can be described, or undefined when they can. */
function skipReason(llm: LLM | null): string | undefined {
  if (llm === null) return 'infer: false stores text only and calls no LLM; add it with infer and a vision-capable LLM to have it described'
  if (llm.vision !== true) {
    return `the LLM (${llm.model}) is not vision-capable; set llm.config.vision: true for a model that accepts images (or pass an LLM adapter with vision: true)`
  }
  return undefined
}

async function describe(llm: LLM, image: ImagePart, instructions: string | undefined): Promise<{ description: string } | { problem: string }> {
  try {
    const { description } = await callTool(llm, { messages: buildDescribeImageMessages({ image, instructions }), tool: describeImageTool }) // LLM: describe_image
    return { description }
  } catch (error) {
    return { problem: `its description failed: ${error instanceof Error ? error.message : String(error)}` }
  }
}

function partsOf(message: Message): ContentPart[] {
  return typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : message.content
}

function withText(message: Message, content: string): TextMessage {
  return { role: message.role, content, ...(message.name !== undefined ? { name: message.name } : {}) }
}

/** An image as a warning names it: its URL, shortened; a `data:` URL by its type and size only. */
function imageLabel(url: string): string {
  if (url.startsWith('data:')) return `${url.slice(0, url.search(/[;,]/))} (${url.length} characters)`
  return url.length > 100 ? `${url.slice(0, 99)}…` : url
}
