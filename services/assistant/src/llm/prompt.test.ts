import { describe, expect, it } from 'vitest';
import type { Hit } from '../retrieval/index.ts';
import { buildPrompt, extractCitations, MAX_DOCUMENT_CHARS, questionLanguage } from './prompt.ts';

const hit = (id: string, body: string): Hit => ({
  doc: { kind: 'faq', id, title: `Q ${id}`, body, fields: [] },
  score: 3,
});

describe('the prompt', () => {
  it('puts the Settings prompt before the fixed rules, and the data and question (JSON) in the input', () => {
    const p = buildPrompt({
      systemPrompt: 'Ты помощник.',
      language: 'en',
      question: 'a "quoted"\nquestion',
      hits: [hit('faq-1', 'answer one')],
      history: [],
    });
    expect(p.instructions.startsWith('Ты помощник.\n\nRules')).toBe(true);
    expect(p.instructions).toContain('Answer in English');
    expect(p.input).toContain('"id": "faq-1"');
    expect(p.input.endsWith(JSON.stringify('a "quoted"\nquestion'))).toBe(true);
    expect(p.contextIds).toEqual(['faq-1']);
  });

  it('cuts a very long document', () => {
    const p = buildPrompt({
      systemPrompt: '',
      language: 'ru',
      question: 'q',
      hits: [hit('faq-1', 'x'.repeat(10_000))],
      history: [],
    });
    expect(p.input.length).toBeLessThan(MAX_DOCUMENT_CHARS + 500);
  });
});

describe('citations', () => {
  it('keeps the ids that were in the context, in order of first mention, and removes the marks', () => {
    expect(
      extractCitations('Да [faq-2, faq-1]. И ещё [faq-2] [spring-sale].', ['faq-1', 'faq-2', 'spring-sale']),
    ).toEqual({
      text: 'Да. И ещё.',
      cited: ['faq-2', 'faq-1', 'spring-sale'],
    });
  });

  it('drops made-up FAQ ids and leaves other bracketed text alone', () => {
    expect(extractCitations('Ответ [faq-77] (см. [важно]).', ['faq-1'])).toEqual({
      text: 'Ответ (см. [важно]).',
      cited: [],
    });
  });
});

describe('the language of the answer', () => {
  it("is the question's own when its letters tell, the user's otherwise", () => {
    expect(questionLanguage('How much is shipping?', 'ru')).toBe('en');
    expect(questionLanguage('Сколько стоит доставка?', 'en')).toBe('ru');
    expect(questionLanguage('СБП or card?', 'en')).toBe('ru');
    expect(questionLanguage('2 + 2 = ?', 'en')).toBe('en');
    expect(questionLanguage('🤔', 'ru')).toBe('ru');
  });

  it('tells the model to answer an English question in English, even for a Russian-speaking user', () => {
    const p = buildPrompt({ systemPrompt: '', language: 'ru', question: 'How much?', hits: [], history: [] });
    expect(p.instructions).toContain('Answer in English');
  });
});
