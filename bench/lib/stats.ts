/** Summary statistics for benchmark timings. */

/** The value below which `p` percent of the samples fall (nearest-rank method, so it is always a sample). */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) throw new Error('percentile of no samples')
  const sorted = [...samples].sort((a, b) => a - b)
  const rank = Math.ceil((p / 100) * sorted.length)
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!
}

/** The middle sample (the mean of the two middle ones for an even count). */
export function median(samples: readonly number[]): number {
  if (samples.length === 0) throw new Error('median of no samples')
  const sorted = [...samples].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

/** The 95th percentile: what one call in twenty exceeds. */
export const p95 = (samples: readonly number[]): number => percentile(samples, 95)

export const mean = (samples: readonly number[]): number => samples.reduce((sum, value) => sum + value, 0) / Math.max(1, samples.length)

/** Two decimals, for tables. */
export const round = (value: number): number => Math.round(value * 100) / 100

export interface Summary {
  n: number
  mean: number
  p50: number
  p95: number
  max: number
}

/** Count, mean, median, p95 and maximum, rounded. */
export function summarize(samples: readonly number[]): Summary {
  return { n: samples.length, mean: round(mean(samples)), p50: round(median(samples)), p95: round(p95(samples)), max: round(Math.max(...samples)) }
}

/** How many samples take each value: `{ "1": 25, "2": 40, … }`. */
export function distribution(values: readonly number[]): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const value of [...values].sort((a, b) => a - b)) counts[String(value)] = (counts[String(value)] ?? 0) + 1
  return counts
}
