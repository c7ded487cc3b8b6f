import type { ToolChoice, ToolDefinition } from '../../ports.js'

/**
 * How the offered tools are shown to a local model. An OpenAI-compatible server renders tools
 * into the prompt with its chat template; here the grammar decides the reply's shape, and this
 * text tells the model what that shape means, so its values fit the fields.
 */
export function toolInstructions(tools: readonly ToolDefinition[], choice: ToolChoice): string {
  if (choice.type === 'tool') {
    const tool = tools.find((candidate) => candidate.name === choice.name)
    const described = tool === undefined ? `\`${choice.name}\`` : describeTool(tool)
    return [`Answer by calling the tool ${described}`, 'Write only the arguments of the call: one JSON object matching that schema.'].join('\n')
  }
  return [
    'Answer by calling one or more of these tools:',
    ...tools.map((tool) => `- ${describeTool(tool)}`),
    'Write only a JSON array of the calls, in order, each one {"name": <tool name>, "arguments": <its arguments>}.',
  ].join('\n')
}

function describeTool(tool: ToolDefinition): string {
  return `\`${tool.name}\`: ${tool.description}\n  Arguments (JSON Schema): ${JSON.stringify(tool.parameters)}`
}
