import { describe, expect, it } from 'vitest'
import { relationshipType } from '../../src/normalize.js'

/** A relationship type is a short verb phrase, whichever provider wrote it. */
describe('relationship types', () => {
  it('keeps short verb phrases, normalised to UPPER_SNAKE_CASE', () => {
    expect(['works at', 'worksAt', 'IS_ALLERGIC_TO', 'is the sister of', 'lives in', 'HAS_BEEN_MARRIED_TO'].map(relationshipType)).toEqual([
      'WORKS_AT',
      'WORKS_AT',
      'IS_ALLERGIC_TO',
      'IS_THE_SISTER_OF',
      'LIVES_IN',
      'HAS_BEEN_MARRIED_TO',
    ])
  })

  it('refuses sentence-like types: too many words or characters, pronouns, contractions, joined clauses', () => {
    const sentences = [
      'I_WORK_AS_A_NURSE_AT_SANTA_MARIA_HOSPITAL_I_M_VEGETARIAN',
      "I'm vegetarian",
      'works with my brother',
      'likes cats and dogs',
      'WORKS_AS_A_SENIOR_NURSE_AT',
      'IS_RESPONSIBLE_FOR_COORDINATING_INTERNATIONALISATION',
    ]
    expect(sentences.map(relationshipType)).toEqual(sentences.map(() => null))
  })
})
