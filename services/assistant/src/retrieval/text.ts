/**
 * Tokenising and stemming for Russian and English questions. A light suffix stripper (not a full Snowball stemmer):
 * good enough to match "доставки"/"доставка" and "delivery"/"delivered", and cheap.
 */
const RU_SUFFIXES = [
  'иями',
  'ями',
  'ами',
  'ией',
  'ием',
  'иях',
  'ого',
  'его',
  'ому',
  'ему',
  'ыми',
  'ими',
  'ать',
  'ять',
  'ить',
  'еть',
  'уть',
  'ешь',
  'ет',
  'ют',
  'ут',
  'ит',
  'ат',
  'ят',
  'ой',
  'ей',
  'ий',
  'ый',
  'ая',
  'яя',
  'ое',
  'ее',
  'ые',
  'ие',
  'ых',
  'их',
  'ом',
  'ем',
  'ам',
  'ям',
  'ах',
  'ях',
  'ов',
  'ев',
  'ия',
  'ью',
  'ию',
  'ь',
  'а',
  'я',
  'о',
  'е',
  'ы',
  'и',
  'у',
  'ю',
  'й',
];
const EN_SUFFIXES = ['ing', 'ies', 'ied', 'ed', 'es', 's', 'ly'];

const STOP = new Set([
  'и',
  'в',
  'во',
  'на',
  'с',
  'со',
  'по',
  'к',
  'ко',
  'о',
  'об',
  'от',
  'до',
  'за',
  'из',
  'у',
  'же',
  'ли',
  'не',
  'ни',
  'а',
  'но',
  'я',
  'мы',
  'вы',
  'он',
  'она',
  'мне',
  'меня',
  'мой',
  'моя',
  'мои',
  'это',
  'как',
  'что',
  'где',
  'когда',
  'ли',
  'можно',
  'есть',
  'ваш',
  'ваши',
  'вас',
  'the',
  'a',
  'an',
  'is',
  'are',
  'do',
  'does',
  'i',
  'my',
  'me',
  'you',
  'your',
  'to',
  'of',
  'in',
  'on',
  'for',
  'can',
  'how',
  'what',
  'where',
  'when',
  'it',
  'and',
  'or',
  'with',
  'be',
  'there',
  'about',
  'we',
  'get',
  // Question words and fillers: they say a question is asked, not what about.
  'сколько',
  'какой',
  'какая',
  'какое',
  'какие',
  'почему',
  'зачем',
  'кто',
  'будет',
  'ли',
  'бы',
  'пожалуйста',
  'подскажите',
  'скажите',
  'хочу',
  'нужно',
  'надо',
  'ещё',
  'еще',
  'уже',
  'все',
  'всё',
  'who',
  'why',
  'which',
  'will',
  'would',
  'please',
  'want',
  'need',
  'tell',
  'could',
  'should',
  'this',
  'that',
  'at',
  'by',
  'from',
  'is',
  'am',
  // More question words and fillers in the forms users type them: unknown to the FAQ, they would otherwise count as
  // the part of a question nothing covers (see the retriever's coverage).
  'какую',
  'каких',
  'каким',
  'какого',
  'скольки',
  'скока',
  'нужен',
  'нужна',
  'нужны',
  'взять',
  'найти',
  'узнать',
  'сделать',
  'not',
  'cannot',
  'much',
  'many',
  'take',
  'find',
  'check',
  'know',
]);

export function stem(word: string): string {
  const cyrillic = /[а-я]/.test(word);
  const suffixes = cyrillic ? RU_SUFFIXES : EN_SUFFIXES;
  for (const s of suffixes) {
    if (word.length - s.length >= (cyrillic ? 3 : 3) && word.endsWith(s)) return word.slice(0, -s.length);
  }
  return word;
}

/** Lowercased, ё folded, punctuation dropped, stop words removed, stemmed. */
export function tokens(text: string): string[] {
  return (
    text
      .toLowerCase()
      .replaceAll('ё', 'е')
      .split(/[^\p{L}\p{N}]+/u)
      .filter((w) => w.length > 1 && !STOP.has(w))
      .map(stem)
      // "какая" stems to "как": drop stop words again after stemming.
      .filter((w) => !STOP.has(w))
  );
}

/** Character trigrams of a word (padded), for matching misspellings. */
export function trigrams(word: string): Set<string> {
  const padded = ` ${word} `;
  const out = new Set<string>();
  for (let i = 0; i + 3 <= padded.length; i++) out.add(padded.slice(i, i + 3));
  return out;
}

export function similarity(a: Set<string>, b: Set<string>): number {
  let shared = 0;
  for (const g of a) if (b.has(g)) shared++;
  return shared / (a.size + b.size - shared || 1);
}
