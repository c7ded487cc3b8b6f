/** A small SVG line chart: latency against store size, both axes on log scales (values span 1 ms to seconds). No dependencies. */

export interface Series {
  label: string
  color: string
  dashed?: boolean
  points: Array<{ x: number; y: number }>
}

const WIDTH = 860
const HEIGHT = 420
const MARGIN = { left: 70, right: 300, top: 40, bottom: 60 }

export function lineChart(title: string, xLabel: string, yLabel: string, series: readonly Series[]): string {
  const xs = series.flatMap((line) => line.points.map((point) => point.x))
  const ys = series.flatMap((line) => line.points.map((point) => point.y))
  const [minX, maxX] = [Math.log10(Math.min(...xs)), Math.log10(Math.max(...xs))]
  const [minY, maxY] = [Math.floor(Math.log10(Math.max(0.1, Math.min(...ys)))), Math.ceil(Math.log10(Math.max(...ys, 1)))]
  const plotW = WIDTH - MARGIN.left - MARGIN.right
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom
  const px = (x: number) => MARGIN.left + (maxX === minX ? plotW / 2 : ((Math.log10(x) - minX) / (maxX - minX)) * plotW)
  const py = (y: number) => MARGIN.top + plotH - ((Math.log10(Math.max(y, 10 ** minY)) - minY) / Math.max(1, maxY - minY)) * plotH
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${MARGIN.left}" y="22" font-size="15" font-weight="bold">${escapeXml(title)}</text>`,
  ]
  for (let power = minY; power <= maxY; power += 1) {
    const y = 10 ** power
    parts.push(`<line x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${py(y)}" y2="${py(y)}" stroke="#ddd"/>`)
    parts.push(`<text x="${MARGIN.left - 8}" y="${py(y) + 4}" text-anchor="end">${round(y)}</text>`)
  }
  for (const x of [...new Set(xs)].sort((a, b) => a - b)) {
    parts.push(`<line x1="${px(x)}" x2="${px(x)}" y1="${MARGIN.top}" y2="${MARGIN.top + plotH}" stroke="#eee"/>`)
    parts.push(`<text x="${px(x)}" y="${MARGIN.top + plotH + 18}" text-anchor="middle">${x.toLocaleString('en-US')}</text>`)
  }
  parts.push(`<text x="${MARGIN.left + plotW / 2}" y="${HEIGHT - 15}" text-anchor="middle">${escapeXml(xLabel)}</text>`)
  parts.push(`<text transform="translate(18 ${MARGIN.top + plotH / 2}) rotate(-90)" text-anchor="middle">${escapeXml(yLabel)}</text>`)
  series.forEach((line, index) => {
    const path = line.points.map((point, i) => `${i === 0 ? 'M' : 'L'}${px(point.x).toFixed(1)},${py(point.y).toFixed(1)}`).join(' ')
    const dash = line.dashed ? ' stroke-dasharray="6 4"' : ''
    parts.push(`<path d="${path}" fill="none" stroke="${line.color}" stroke-width="2"${dash}/>`)
    for (const point of line.points) parts.push(`<circle cx="${px(point.x)}" cy="${py(point.y)}" r="3" fill="${line.color}"/>`)
    const legendY = MARGIN.top + 10 + index * 20
    const legendX = MARGIN.left + plotW + 15
    parts.push(`<line x1="${legendX}" x2="${legendX + 24}" y1="${legendY}" y2="${legendY}" stroke="${line.color}" stroke-width="2"${dash}/>`)
    parts.push(`<text x="${legendX + 30}" y="${legendY + 4}">${escapeXml(line.label)}</text>`)
  })
  parts.push('</svg>')
  return `${parts.join('\n')}\n`
}

const round = (value: number): string => value.toLocaleString('en-US', { maximumFractionDigits: 1 })
const escapeXml = (text: string): string => text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;')
