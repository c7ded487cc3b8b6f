import { inflateSync } from 'node:zlib'

/** A decoded image: width × height pixels, 4 bytes (RGBA) each, row by row. */
export interface Image {
  width: number
  height: number
  rgba: Uint8Array
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 4: 2, 6: 4 } // by PNG colour type

/**
 * Decodes the PNGs Chromium writes: 8 bits per channel, grey or RGB with or without alpha, not
 * interlaced (anything else is refused rather than misread).
 */
export function decodePng(file: Buffer): Image {
  if (!file.subarray(0, 8).equals(SIGNATURE)) throw new Error('not a PNG file')
  let width = 0
  let height = 0
  let colourType = -1
  const data: Buffer[] = []
  for (let at = 8; at < file.length; ) {
    const length = file.readUInt32BE(at)
    const type = file.toString('latin1', at + 4, at + 8)
    const body = file.subarray(at + 8, at + 8 + length)
    if (type === 'IHDR') {
      width = body.readUInt32BE(0)
      height = body.readUInt32BE(4)
      colourType = body[9]!
      if (body[8] !== 8 || body[12] !== 0 || CHANNELS[colourType] === undefined) throw new Error('unsupported PNG: only 8-bit, non-interlaced grey/RGB(A)')
    } else if (type === 'IDAT') data.push(body)
    else if (type === 'IEND') break
    at += 12 + length
  }
  const channels = CHANNELS[colourType]!
  const raw = inflateSync(Buffer.concat(data))
  const stride = width * channels
  const pixels = new Uint8Array(height * stride)
  for (let row = 0; row < height; row++) {
    const filter = raw[row * (stride + 1)]!
    const line = raw.subarray(row * (stride + 1) + 1, (row + 1) * (stride + 1))
    const out = row * stride
    for (let i = 0; i < stride; i++) {
      const left = i >= channels ? pixels[out + i - channels]! : 0
      const up = row > 0 ? pixels[out - stride + i]! : 0
      const upLeft = row > 0 && i >= channels ? pixels[out - stride + i - channels]! : 0
      pixels[out + i] = (line[i]! + predict(filter, left, up, upLeft)) & 0xff
    }
  }
  const rgba = new Uint8Array(width * height * 4)
  for (let p = 0; p < width * height; p++) {
    const source = p * channels
    const grey = channels <= 2
    rgba[p * 4] = pixels[source]!
    rgba[p * 4 + 1] = grey ? pixels[source]! : pixels[source + 1]!
    rgba[p * 4 + 2] = grey ? pixels[source]! : pixels[source + 2]!
    rgba[p * 4 + 3] = channels === 4 ? pixels[source + 3]! : channels === 2 ? pixels[source + 1]! : 255
  }
  return { width, height, rgba }
}

function predict(filter: number, left: number, up: number, upLeft: number): number {
  switch (filter) {
    case 0:
      return 0
    case 1:
      return left
    case 2:
      return up
    case 3:
      return (left + up) >> 1
    case 4: {
      const estimate = left + up - upLeft
      const [a, b, c] = [Math.abs(estimate - left), Math.abs(estimate - up), Math.abs(estimate - upLeft)]
      return a <= b && a <= c ? left : b <= c ? up : upLeft
    }
    default:
      throw new Error(`bad PNG row filter ${filter}`)
  }
}

/**
 * The share (0..1) of the drawing's pixels that differ by more than `tolerance` in any channel,
 * among the pixels that are not plain background in either image: small anti-aliasing
 * differences pass, a moved node or a missing edge does not, however much empty space surrounds them.
 */
export function differingInk(a: Image, b: Image, tolerance = 48): number {
  if (a.width !== b.width || a.height !== b.height) return 1
  const background = (image: Image, p: number) => image.rgba[p * 4]! > 250 && image.rgba[p * 4 + 1]! > 250 && image.rgba[p * 4 + 2]! > 250
  let ink = 0
  let differing = 0
  for (let p = 0; p < a.width * a.height; p++) {
    if (background(a, p) && background(b, p)) continue
    ink++
    for (let c = 0; c < 4; c++) {
      if (Math.abs(a.rgba[p * 4 + c]! - b.rgba[p * 4 + c]!) > tolerance) {
        differing++
        break
      }
    }
  }
  return ink === 0 ? 0 : differing / ink
}
