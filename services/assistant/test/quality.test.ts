import { describe, expect, it } from 'vitest';
import { loadQuestions } from '../eval/evaluate.ts';
import { qualityOnSeedData } from '../eval/report.ts';

/** A floor under the offline answerer's quality on the labelled set (the figures themselves are in `npm run bench`). */
describe('answer quality on the labelled set', () => {
  it('has at least 40 questions in Russian and English, and questions nothing answers', () => {
    const set = loadQuestions();
    expect(set.length).toBeGreaterThanOrEqual(40);
    expect(new Set(set.map((q) => q.lang))).toEqual(new Set(['ru', 'en']));
    expect(set.filter((q) => q.expect.length === 0).length).toBeGreaterThanOrEqual(5);
  });

  it('finds a right source in the top 3 for at least 90% and hands off at least 80% of the unanswerable', async () => {
    const report = await qualityOnSeedData();
    expect(report.hitAt3, JSON.stringify(report.misses)).toBeGreaterThanOrEqual(0.9);
    expect(report.handedOff, JSON.stringify(report.misses)).toBeGreaterThanOrEqual(0.8);
    expect(report.wronglyHandedOff).toBeLessThanOrEqual(0.1);
  });
});
