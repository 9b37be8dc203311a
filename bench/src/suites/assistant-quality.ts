import { qualityOnSeedData } from '@mb/assistant/eval';
import type { BenchRow, BenchSuite } from '../suite.ts';

/**
 * The assistant's offline answerer (lexical retrieval over the FAQ and the promotions the user's segment may see) on
 * the labelled question set in services/assistant/eval/questions.json, against the seeded demo workbook.
 */
const suite: BenchSuite = {
  name: 'assistant-quality',
  description:
    'offline answerer on the labelled ru/en question set: retrieval hit@1, hit@3, hand-off of unanswerable questions',
  async run(ctx): Promise<BenchRow[]> {
    const r = await qualityOnSeedData();
    for (const miss of r.misses)
      ctx.log(
        `miss: ${JSON.stringify(miss.q)} expected ${miss.expect.join(', ') || 'a hand-off'}, got ${miss.got.join(', ') || 'nothing'}`,
      );
    const set = `${r.answerable} answerable + ${r.unanswerable} unanswerable questions`;
    return [
      { suite: this.name, metric: 'retrieval hit@1', value: r.hitAt1, unit: 'share', note: set },
      {
        suite: this.name,
        metric: 'retrieval hit@3',
        value: r.hitAt3,
        unit: 'share',
        goal: '≥ 0.9',
        pass: r.hitAt3 >= 0.9,
      },
      { suite: this.name, metric: 'answered with a right source first', value: r.answeredRight, unit: 'share' },
      { suite: this.name, metric: 'unanswerable handed off', value: r.handedOff, unit: 'share' },
      { suite: this.name, metric: 'answerable wrongly handed off', value: r.wronglyHandedOff, unit: 'share' },
    ];
  },
};

export default suite;
