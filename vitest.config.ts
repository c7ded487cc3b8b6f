import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // .only left in a commit must fail CI rather than silently skip the rest.
    allowOnly: !process.env.CI,
    pool: 'forks',
  },
})
