import { errorText } from '../api.ts';
import { fill, h } from '../dom.ts';
import { t } from '../i18n.ts';
import { haptic, setBackButton, setMainButton } from '../telegram.ts';
import type { Section } from './nav.ts';

/** A chat with the assistant: the question, then its answer with the sources it used. */
export const assistantSection: Section = (s, root, nav) => {
  setBackButton(() => nav.home());
  setMainButton(null);
  const log = h('ol', { id: 'chat', class: 'thread' });
  const input = h('input', { id: 'question', type: 'text', maxlength: 2000, placeholder: t('assistant.placeholder'), autocomplete: 'off' });
  const button = h('button', { id: 'ask', class: 'button', type: 'submit' }, t('assistant.send'));
  const ask = async (event: Event) => {
    event.preventDefault();
    const question = input.value.trim();
    if (!question) return;
    haptic('tap');
    input.value = '';
    button.disabled = true;
    log.append(h('li', { class: 'msg user' }, h('p', {}, question)));
    const answer = h('li', { class: 'msg staff pending', 'aria-busy': 'true' }, h('p', {}, '…'));
    log.append(answer);
    try {
      const result = await s.api.assistant.ask.mutate({ question });
      fill(answer, h('p', {}, result.text), result.sources.length > 0 && h('p', { class: 'hint' }, t('assistant.sources', { list: result.sources.map((x) => x.title).join(', ') })));
    } catch (error) {
      fill(answer, h('p', { class: 'error' }, errorText(error)));
    } finally {
      answer.classList.remove('pending');
      answer.removeAttribute('aria-busy');
      button.disabled = false;
    }
  };
  fill(root, h('p', { class: 'hint' }, t('assistant.hint')), log, h('form', { class: 'ask', onsubmit: (e: Event) => void ask(e) }, input, button));
};
