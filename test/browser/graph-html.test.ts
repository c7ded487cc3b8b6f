import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { exportHtml } from '../../src/export/html-export.js'
import { openTempMemory } from '../helpers/temp-memory.js'
import { fillScope, scenarioLLM } from '../cli/import-export-scenario.js'
import { launchChromium } from './chromium.js'
import { FIXTURE_GRAPH } from './graph-fixture.js'
import { decodePng, differingInk } from './png.js'

const REFERENCE = join(import.meta.dirname, '../fixtures/graph-html-reference.png')
// Share of the drawing's pixels allowed to differ: fonts and anti-aliasing vary a little between
// machines; a moved node or a lost edge changes far more (the last test measures one).
const MAX_DIFFERING_PIXELS = 0.05

/** Opens a page in a fixed viewport with every network request refused and counted. */
async function openPage(browser: Browser, html: string): Promise<{ page: Page; requests: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1200, height: 800 }, deviceScaleFactor: 1 })
  const requests: string[] = []
  await page.route('**/*', (route) => {
    requests.push(route.request().url())
    return route.abort()
  })
  await page.setContent(html, { waitUntil: 'load' })
  await page.waitForSelector('body[data-ready="true"]')
  return { page, requests }
}

/** Moves the mouse onto the middle of a relation's curve. */
async function hoverEdge(page: Page, relationId: string): Promise<string> {
  const point = await page.evaluate((id) => {
    const path = document.querySelector(`g.edge[data-id="${id}"] path.hit`) as SVGPathElement
    const middle = path.getPointAtLength(path.getTotalLength() / 2)
    const screen = middle.matrixTransform(path.getScreenCTM()!)
    return { x: screen.x, y: screen.y }
  }, relationId)
  await page.mouse.move(point.x, point.y)
  return page.locator('#tooltip').innerText()
}

describe('graph picture (html export) in headless Chromium', () => {
  let browser: Browser
  beforeAll(async () => {
    browser = await launchChromium()
  })
  afterAll(() => browser?.close())

  it('draws every entity and relation, invalidated ones dashed, colours by type with a legend, and needs no network', async () => {
    const { page, requests } = await openPage(browser, exportHtml(FIXTURE_GRAPH))
    expect(await page.locator('g.node').count()).toBe(6)
    expect(await page.locator('g.edge').count()).toBe(7)
    expect(await page.locator('g.edge[data-valid="false"]').count()).toBe(2)
    const dashes = await page.$$eval('g.edge path.line', (paths) =>
      paths.map((path) => [path.parentElement!.dataset.valid, getComputedStyle(path).strokeDasharray]),
    )
    expect(dashes.filter(([valid]) => valid === 'false').every(([, dash]) => dash !== 'none')).toBe(true)
    expect(dashes.filter(([valid]) => valid === 'true').every(([, dash]) => dash === 'none')).toBe(true)
    const fills = await page.$$eval('g.node', (nodes) =>
      nodes.map((node) => [node.getAttribute('data-type'), node.querySelector('circle')!.getAttribute('fill')]),
    )
    const colourOf = new Map(fills as Array<[string, string]>)
    expect(new Set(colourOf.values()).size).toBe(4)
    expect(fills.every(([type, fill]) => colourOf.get(type!) === fill)).toBe(true)
    expect(await page.$$eval('#legend li[data-type]', (items) => items.map((item) => item.getAttribute('data-type')))).toEqual([
      'city',
      'music',
      'organization',
      'person',
    ])
    expect(await page.locator('#counts').innerText()).toBe('6 of 6 entities, 7 of 7 relations')
    expect(requests).toEqual([])
    await page.close()
  })

  it('shows validity and provenance on hover', async () => {
    const { page } = await openPage(browser, exportHtml(FIXTURE_GRAPH))
    const ended = await hoverEdge(page, '00000000-0000-4000-9000-000000000001')
    expect(ended).toContain('alice WORKS_AT Acme')
    expect(ended).toContain('valid from: 2025-01-10T09:00:00.000Z')
    expect(ended).toContain('valid to: 2025-06-01T09:00:00.000Z')
    expect(ended).toContain('memories: mem-acme')
    const holds = await hoverEdge(page, '00000000-0000-4000-9000-000000000003')
    expect(holds).toContain('valid to: still valid')
    expect(holds).toContain('memories: mem-bob-1, mem-bob-2')
    await page.close()
  })

  it('filters by entity name: matches, their neighbours and the relations that touch a match', async () => {
    const { page } = await openPage(browser, exportHtml(FIXTURE_GRAPH))
    await page.fill('#filter', 'glob')
    const visibleNames = await page.$$eval('g.node:not(.hidden)', (nodes) => nodes.map((node) => node.getAttribute('data-name')).sort())
    expect(visibleNames).toEqual(['Globex', 'Paris', 'alice'])
    expect(await page.$$eval('g.node.match', (nodes) => nodes.map((node) => node.getAttribute('data-name')))).toEqual(['Globex'])
    expect(await page.$$eval('g.edge:not(.hidden)', (edges) => edges.map((edge) => edge.getAttribute('data-relationship')).sort())).toEqual([
      'LOCATED_IN',
      'WORKS_AT',
    ])
    expect(await page.locator('#counts').innerText()).toBe('3 of 6 entities, 2 of 7 relations')
    await page.fill('#filter', '')
    expect(await page.locator('g.node.hidden').count()).toBe(0)
    await page.close()
  })

  it('draws the same picture as the stored reference (seeded layout, fixed viewport)', async () => {
    const { page } = await openPage(browser, exportHtml(FIXTURE_GRAPH))
    const shot = await page.screenshot({ animations: 'disabled' })
    await page.close()
    if (process.env.ENGRAM_UPDATE_REFERENCE === '1') writeFileSync(REFERENCE, shot)
    if (!existsSync(REFERENCE)) throw new Error(`${REFERENCE} is missing: run this test once with ENGRAM_UPDATE_REFERENCE=1 and look at the picture`)
    const difference = differingInk(decodePng(shot), decodePng(readFileSync(REFERENCE)))
    expect(difference).toBeLessThan(MAX_DIFFERING_PIXELS)
  })

  it('draws what the store holds: memory.graph.export(scope, "html")', async () => {
    const { memory, dispose } = await openTempMemory({ llm: scenarioLLM() })
    try {
      await fillScope(memory)
      const graph = JSON.parse(await memory.graph.export({ userId: 'alice' }, 'json'))
      const { page } = await openPage(browser, await memory.graph.export({ userId: 'alice' }, 'html'))
      expect(await page.locator('g.node').count()).toBe(graph.entities.length)
      expect(await page.locator('g.edge').count()).toBe(graph.relations.length)
      const ended = graph.relations.filter((relation: { validTo: string | null }) => relation.validTo !== null)
      expect(ended).toHaveLength(1)
      expect(await page.locator('g.edge[data-valid="false"]').count()).toBe(1)
      const tooltip = await hoverEdge(page, ended[0].id)
      expect(tooltip).toContain(`valid to: ${ended[0].validTo}`)
      expect(tooltip).toContain(`memories: ${ended[0].memoryIds.join(', ')}`)
      await page.close()
    } finally {
      await dispose()
    }
  })

  it('shows hostile names as text: no markup, no script, no request', async () => {
    const hostile = '</script><img src="http://127.0.0.1:9/x" onerror="document.body.dataset.pwned=1"><!--'
    const graph = {
      ...FIXTURE_GRAPH,
      entities: FIXTURE_GRAPH.entities.map((entity, index) => (index === 1 ? { ...entity, name: hostile, type: `${hostile} \u2028` } : entity)),
    }
    const { page, requests } = await openPage(browser, exportHtml(graph))
    expect(await page.locator('g.node').count()).toBe(6)
    expect(await page.$$eval('g.node text', (labels) => labels.map((label) => label.textContent))).toContain(hostile)
    expect(await page.locator('img').count()).toBe(0)
    expect(await page.evaluate(() => document.body.dataset.pwned)).toBeUndefined()
    expect(requests).toEqual([])
    await page.close()
  })

  it('tells a different picture apart from the reference', async () => {
    const moved = { ...FIXTURE_GRAPH, relations: FIXTURE_GRAPH.relations.slice(0, 3) }
    const { page } = await openPage(browser, exportHtml(moved))
    const shot = await page.screenshot({ animations: 'disabled' })
    await page.close()
    expect(differingInk(decodePng(shot), decodePng(readFileSync(REFERENCE)))).toBeGreaterThan(MAX_DIFFERING_PIXELS)
  })
})
