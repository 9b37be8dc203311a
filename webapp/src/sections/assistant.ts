import { errorText } from '../api.ts';
import { fill, h } from '../dom.ts';
import { hasText, t } from '../i18n.ts';
import { haptic, setBackButton, setMainButton } from '../telegram.ts';
import type { Section } from './nav.ts';

/** A chat with the assistant: the answer appears as it is written, then its sources (or an offer to ask a manager). */
export const assistantSection: Section = (s, root, nav) => {
  setBackButton(() => nav.home());
  setMainButton(null);
  const log = h('ol', { id: 'chat', class: 'thread' });
  const input = h('input', {
    id: 'question',
    type: 'text',
    maxlength: 2000,
    placeholder: t('assistant.placeholder'),
    autocomplete: 'off',
  });
  const button = h('button', { id: 'ask', class: 'button', type: 'submit' }, t('assistant.send'));
  const ask = async (event: Event) => {
    event.preventDefault();
    const question = input.value.trim();
    if (!question) return;
    haptic('tap');
    input.value = '';
    button.disabled = true;
    log.append(h('li', { class: 'msg user' }, h('p', {}, question)));
    const text = h('p', {}, '…');
    const answer = h('li', { class: 'msg staff pending', 'aria-busy': 'true' }, text);
    log.append(answer);
    try {
      let streamed = '';
      for await (const chunk of await s.api.assistant.askStream.mutate({ question })) {
        if (chunk.type === 'delta') {
          streamed += chunk.text;
          text.textContent = streamed;
        } else if (chunk.type === 'error') {
          const key = `error.${chunk.reason}`;
          fill(answer, h('p', { class: 'error' }, hasText(key) ? t(key) : t('error.unknown')));
        } else if (chunk.answered) {
          fill(
            answer,
            h('p', {}, chunk.text),
            chunk.sources.length > 0 &&
              h('p', { class: 'hint' }, t('assistant.sources', { list: chunk.sources.map((x) => x.title).join(', ') })),
          );
        } else {
          fill(
            answer,
            h('p', {}, t('assistant.unanswered')),
            h(
              'button',
              {
                id: 'handoff',
                class: 'button secondary',
                // The new request starts with the question the assistant could not answer.
                onclick: () => nav.go('requests', { new: '1', text: question }),
              },
              t('requests.new'),
            ),
          );
        }
      }
    } catch (error) {
      fill(answer, h('p', { class: 'error' }, errorText(error)));
    } finally {
      answer.classList.remove('pending');
      answer.removeAttribute('aria-busy');
      button.disabled = false;
    }
  };
  fill(
    root,
    h('p', { class: 'hint' }, t('assistant.hint')),
    log,
    h('form', { class: 'ask', onsubmit: (e: Event) => void ask(e) }, input, button),
  );
};
