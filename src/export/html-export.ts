import type { GraphSnapshot } from './graph-snapshot.js'
import { PAGE_SCRIPT, PAGE_STYLE } from './html-page-assets.js'
import { compareStrings } from '../compare-strings.js'

/**
 * The graph as one self-contained HTML page (no network: style, script and data inline) that draws
 * it: entities coloured by type with a legend, valid relations solid and invalidated ones dashed,
 * validity and provenance (memory ids) on hover, and a filter by entity name. The layout is seeded
 * by the entity keys, so the same graph always gives the same picture.
 */
export function exportHtml(graph: GraphSnapshot): string {
  const data = {
    title: describeScope(graph.scope),
    entities: [...graph.entities]
      .sort((a, b) => compareStrings(a.key, b.key) || compareStrings(a.id, b.id))
      .map(({ id, key, name, type, mentions, createdAt }) => ({ id, key, name, type, mentions, createdAt })),
    relations: [...graph.relations]
      .sort((a, b) => compareStrings(a.validFrom, b.validFrom) || compareStrings(a.id, b.id))
      .map((relation) => ({
        id: relation.id,
        source: relation.source.id,
        target: relation.destination.id,
        relationship: relation.relationship,
        validFrom: relation.validFrom,
        validTo: relation.validTo,
        mentions: relation.mentions,
        memoryIds: relation.memoryIds,
      })),
  }
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<title>Engram graph</title>',
    `<style>${PAGE_STYLE}</style>`,
    '</head>',
    '<body>',
    '<header><h1 id="title">Engram graph</h1><input id="filter" type="search" placeholder="Filter by entity" aria-label="Filter by entity"><span id="counts"></span></header>',
    '<main><svg id="graph" xmlns="http://www.w3.org/2000/svg" role="img" aria-label="knowledge graph"></svg><aside id="legend"></aside></main>',
    '<div id="tooltip" role="tooltip" hidden></div>',
    `<script type="application/json" id="graph-data">${scriptSafeJson(data)}</script>`,
    `<script>${PAGE_SCRIPT}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n')
}

function describeScope(scope: GraphSnapshot['scope']): string {
  const parts = [scope.userId && `user ${scope.userId}`, scope.agentId && `agent ${scope.agentId}`, scope.runId && `run ${scope.runId}`]
  return parts.filter(Boolean).join(', ')
}

/** JSON that cannot end its `<script>` element or open a comment: every `<` escaped. */
function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029')
}
