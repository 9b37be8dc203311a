import { describe, expect, it } from 'vitest';
import { loadQuestions } from '../eval/evaluate.ts';
import { qualityOnSeedData } from '../eval/report.ts';

/** A floor under the offline answerer's quality on the labelled set (the figures themselves are in `npm run bench`). */
describe('answer quality on the labelled set', () => {
  it('has at least 40 answerable questions in Russian and English, and at least 30 off-topic ones', () => {
    const set = loadQuestions();
    expect(set.filter((q) => q.expect.length > 0).length).toBeGreaterThanOrEqual(40);
    expect(new Set(set.map((q) => q.lang))).toEqual(new Set(['ru', 'en']));
    expect(set.filter((q) => q.expect.length === 0).length).toBeGreaterThanOrEqual(30);
  });

  it('finds a right source in the top 3 for at least 90% and hands off at least 90% of the off-topic', async () => {
    const report = await qualityOnSeedData();
    expect(report.hitAt3, JSON.stringify(report.misses)).toBeGreaterThanOrEqual(0.9);
    expect(report.offTopicHandedOff, JSON.stringify(report.misses)).toBeGreaterThanOrEqual(0.9);
    // The price of the threshold, kept from growing unnoticed.
    expect(report.answerableHandedOff).toBeLessThanOrEqual(0.25);
  });
});
