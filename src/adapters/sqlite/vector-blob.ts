import { endianness } from 'node:os'
import type { Vector } from '../../ports.js'

/*
 * Vectors are stored as Float32 little-endian bytes, so a database file moves between machines.
 * On little-endian hosts (every platform better-sqlite3 ships binaries for) that is the native
 * layout of a Float32Array: encoding and decoding are views of the same memory, no copies.
 */

const isLittleEndian = (): boolean => endianness() === 'LE'

/** The BLOB stored for a vector. */
export function encodeVector(vector: Vector): Buffer {
  if (isLittleEndian()) return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength)
  const bytes = Buffer.alloc(vector.length * 4)
  for (const [index, value] of vector.entries()) bytes.writeFloatLE(value, index * 4)
  return bytes
}

/** The vector a BLOB holds; a view of the BLOB's memory where the layout allows. */
export function decodeVector(blob: Buffer): Vector {
  // A Float32Array view needs 4-byte alignment; better-sqlite3 hands each BLOB over in a fresh
  // buffer at offset 0, so the copy below is only for big-endian hosts and odd offsets.
  if (isLittleEndian() && blob.byteOffset % 4 === 0) return new Float32Array(blob.buffer, blob.byteOffset, blob.byteLength / 4)
  const vector = new Float32Array(blob.byteLength / 4)
  for (let i = 0; i < vector.length; i++) vector[i] = blob.readFloatLE(i * 4)
  return vector
}
