import { h } from './dom.ts';
import { confirmClosing, mainButtonAction, setMainButton } from './telegram.ts';

/**
 * A textarea for something to send: while it holds text, Telegram asks before closing the app and the MainButton
 * (`buttonText`) sends it with `send(text)`; `onError` shows why a send failed.
 */
export function draftArea(
  attrs: { id: string; placeholder: string; rows?: number; maxlength?: number },
  buttonText: string,
  send: (text: string) => Promise<void>,
  onError: (error: unknown) => void,
): HTMLTextAreaElement {
  const area = h('textarea', { rows: 5, maxlength: 4000, ...attrs });
  let dirty = false;
  area.addEventListener('input', () => {
    const now = area.value.trim().length > 0;
    if (now === dirty) return;
    dirty = now;
    confirmClosing(dirty);
    if (!dirty) return setMainButton(null);
    mainButtonAction(
      buttonText,
      async () => {
        await send(area.value);
        dirty = false;
        confirmClosing(false);
      },
      onError,
    );
  });
  return area;
}
