import { EngramError } from '../../errors.js'
import type { ToolCall, ToolDefinition } from '../../ports.js'

/**
 * JSON Schema (as `call-tool` derives it from zod) → a GBNF grammar for llama.cpp, so that a local
 * model can only ever write well-formed tool arguments of the right shape.
 *
 * Whitespace between tokens is allowed but bounded (one space, or a newline and up to 16 spaces
 * or tabs): models write JSON the way they saw it in training, and forbidding whitespace made
 * SmolLM2 close every list at once, while unbounded whitespace lets a small model loop on
 * indentation. Optional properties may be left out, as the schema allows.
 */

type JsonSchema = Record<string, unknown>

/** The grammar of a forced reply: the tool's arguments object itself. */
export function argumentsGrammar(tool: ToolDefinition): string {
  return grammar(valueRule(tool.parameters))
}

/** The grammar of a reply that makes one or more calls among `tools`: `[{"name":…,"arguments":{…}},…]`. */
export function callListGrammar(tools: readonly ToolDefinition[]): string {
  const call = tools.map(
    (tool) => `"{" ${literal('"name":')} ${literal(JSON.stringify(tool.name))} "," ${literal('"arguments":')} ${valueRule(tool.parameters)} "}"`,
  )
  return grammar(`"[" call ( "," call )* "]"`, `call ::= ${call.join(' | ')}`)
}

/** The tool calls of a "one or more calls" reply, or none when the reply is not a complete call list. */
export function readCallList(reply: string): ToolCall[] {
  const parsed = tryParse(reply)
  if (!Array.isArray(parsed)) return []
  return parsed.flatMap((call: unknown) =>
    isSchema(call) && typeof call.name === 'string' ? [{ name: call.name, arguments: JSON.stringify(call.arguments ?? {}) }] : [],
  )
}

// JSON's terminals, as RFC 8259 defines them (strings without raw control characters).
const TERMINALS = `
string ::= "\\"" ( [^"\\\\\\x00-\\x1F] | "\\\\" ( ["\\\\/bfnrt] | "u" [0-9a-fA-F]{4} ) )* "\\""
number ::= "-"? ( "0" | [1-9] [0-9]* ) ( "." [0-9]+ )? ( [eE] [-+]? [0-9]+ )?
integer ::= "-"? ( "0" | [1-9] [0-9]* )
boolean ::= "true" | "false"
null ::= "null"
ws ::= ( " " | "\n" [ \t]{0,16} )?
`

function grammar(root: string, ...rules: string[]): string {
  return [`root ::= ${root}`, ...rules, TERMINALS].join('\n')
}

/** A GBNF expression matching the JSON values `schema` accepts. */
function valueRule(schema: JsonSchema): string {
  if ('const' in schema) return literal(JSON.stringify(schema.const))
  if (Array.isArray(schema.enum)) return `( ${schema.enum.map((value) => literal(JSON.stringify(value))).join(' | ')} )`
  const alternatives = schema.anyOf ?? schema.oneOf
  if (Array.isArray(alternatives)) return `( ${alternatives.map((alternative: JsonSchema) => valueRule(alternative)).join(' | ')} )`
  switch (schema.type) {
    case 'object':
      return objectRule(schema)
    case 'array':
      return arrayRule(schema)
    case 'string':
    case 'number':
    case 'integer':
    case 'boolean':
    case 'null':
      return schema.type
    default:
      throw new EngramError('LLM_UNAVAILABLE', `the llamacpp provider cannot turn this JSON Schema into a grammar: ${JSON.stringify(schema)}`)
  }
}

/** Required properties first, each optional one after them may be absent; no other keys. */
function objectRule(schema: JsonSchema): string {
  const properties = isSchema(schema.properties) ? schema.properties : {}
  const required = new Set(Array.isArray(schema.required) ? schema.required : [])
  const member = (key: string) => `ws ${literal(`${JSON.stringify(key)}:`)} ws ${valueRule(properties[key] as JsonSchema)}`
  const requiredKeys = Object.keys(properties).filter((key) => required.has(key))
  const optionalKeys = Object.keys(properties).filter((key) => !required.has(key))
  const optionalAfter = (keys: string[]) => keys.map((key) => `( "," ${member(key)} )?`).join(' ')
  let body: string
  if (requiredKeys.length > 0) body = `${requiredKeys.map(member).join(' "," ')} ${optionalAfter(optionalKeys)}`
  else if (optionalKeys.length === 0) body = ''
  // Nothing required: any one optional member may come first, the later ones follow it.
  else body = `( ${optionalKeys.map((key, i) => `${member(key)} ${optionalAfter(optionalKeys.slice(i + 1))}`).join(' | ')} )?`
  return `"{" ${body} ws "}"`
}

function arrayRule(schema: JsonSchema): string {
  const item = isSchema(schema.items) ? valueRule(schema.items) : '( string | number | boolean | null )'
  const minItems = typeof schema.minItems === 'number' ? schema.minItems : 0
  const more = typeof schema.maxItems === 'number' ? `{${Math.max(0, minItems - 1)},${schema.maxItems - 1}}` : minItems > 1 ? `{${minItems - 1},}` : '*'
  const items = `ws ${item} ( "," ws ${item} )${more} ws`
  return minItems > 0 ? `"[" ${items} "]"` : `"[" ( ${items} | ws ) "]"`
}

/** A GBNF string literal matching exactly `text`. */
function literal(text: string): string {
  return `"${text.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`
}

function isSchema(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function tryParse(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}
