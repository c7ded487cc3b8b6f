import { describe, expect, it } from 'vitest'
import type { Scope } from '../../src/input.js'
import { confineToScope } from '../../src/pipelines/steps/decide-memory-updates.js'
import type { StoredMemory } from '../../src/ports.js'

const stored = (id: string, scope: Scope): StoredMemory => ({
  id,
  text: `memory ${id}`,
  hash: id,
  metadata: {},
  scope,
  createdAt: '2024-01-01T00:00:00.000Z',
  updatedAt: '2024-01-01T00:00:00.000Z',
  observedAt: '2024-01-01T00:00:00.000Z',
  expiresAt: null,
  memoryType: 'semantic',
  mentions: 1,
})

describe('confineToScope', () => {
  const own = stored('own', { agentId: 'support' })
  const narrower = stored('alice', { userId: 'alice', agentId: 'support' })
  const broader = stored('broad', {})

  it('refuses UPDATE, DELETE and NONE of a memory of any other scope, and reports each', () => {
    const confined = confineToScope(
      {
        changes: [
          { event: 'ADD', text: 'new' },
          { event: 'UPDATE', target: narrower, text: 'Is NOT allergic' },
          { event: 'DELETE', target: broader },
          { event: 'UPDATE', target: own, text: 'changed' },
        ],
        confirmed: [narrower, own],
        problems: ['earlier'],
      },
      { agentId: 'support' },
    )
    expect(confined.changes).toEqual([
      { event: 'ADD', text: 'new' },
      { event: 'UPDATE', target: own, text: 'changed' },
    ])
    expect(confined.confirmed).toEqual([own])
    expect(confined.problems).toHaveLength(4)
    expect(confined.problems.slice(1).join('\n')).toMatch(/UPDATE of memory alice[\s\S]*DELETE of memory broad[\s\S]*NONE of memory alice/)
  })
})
