import type { GraphSnapshot } from './graph-snapshot.js'

const NODE_KEYS = ['name', 'key', 'type', 'mentions', 'created_at', 'updated_at'] as const
const EDGE_KEYS = ['relationship', 'valid_from', 'valid_to', 'mentions', 'memory_ids', 'created_at', 'updated_at'] as const

/** The graph as GraphML (yEd, Gephi, NetworkX), one `<data>` per property. */
export function exportGraphml(graph: GraphSnapshot): string {
  const keys = [
    ...NODE_KEYS.map((key) => `  <key id="n_${key}" for="node" attr.name="${key}" attr.type="${key === 'mentions' ? 'int' : 'string'}"/>`),
    ...EDGE_KEYS.map((key) => `  <key id="e_${key}" for="edge" attr.name="${key}" attr.type="${key === 'mentions' ? 'int' : 'string'}"/>`),
  ]
  const nodes = graph.entities.map((entity) =>
    element(
      'node',
      { id: entity.id },
      {
        n_name: entity.name,
        n_key: entity.key,
        n_type: entity.type,
        n_mentions: String(entity.mentions),
        n_created_at: entity.createdAt,
        n_updated_at: entity.updatedAt,
      },
    ),
  )
  const edges = graph.relations.map((relation) =>
    element(
      'edge',
      { id: relation.id, source: relation.source.id, target: relation.destination.id },
      {
        e_relationship: relation.relationship,
        e_valid_from: relation.validFrom,
        e_valid_to: relation.validTo ?? '',
        e_mentions: String(relation.mentions),
        e_memory_ids: relation.memoryIds.join(' '),
        e_created_at: relation.createdAt,
        e_updated_at: relation.updatedAt,
      },
    ),
  )
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">',
    ...keys,
    '  <graph id="engram" edgedefault="directed">',
    ...nodes,
    ...edges,
    '  </graph>',
    '</graphml>',
    '',
  ].join('\n')
}

function element(tag: string, attributes: Record<string, string>, data: Record<string, string>): string {
  const attrs = Object.entries(attributes)
    .map(([name, value]) => ` ${name}="${xmlText(value)}"`)
    .join('')
  const children = Object.entries(data).map(([key, value]) => `      <data key="${key}">${xmlText(value)}</data>`)
  return [`    <${tag}${attrs}>`, ...children, `    </${tag}>`].join('\n')
}

/**
 * Escapes XML's five special characters. XML 1.0 cannot carry most control characters or lone
 * surrogates at all, even escaped, so those become U+FFFD.
 */
export function xmlText(text: string): string {
  return (
    text
      .toWellFormed()
      // biome-ignore lint/suspicious/noControlCharactersInRegex: characters XML 1.0 cannot carry are what this replaces
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '\ufffd')
      .replace(/[&<>"']/g, (character) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos' }[character]};`)
  )
}
