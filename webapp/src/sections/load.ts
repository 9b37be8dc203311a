import { errorText } from '../api.ts';
import { fill, h } from '../dom.ts';

/** A section that could not load shows why, in the user's language, in place of its content. */
export function showLoadError(root: HTMLElement, error: unknown): void {
  fill(root, h('p', { class: 'error' }, errorText(error)));
}

/** What `query` answers, or undefined once the section shows why the call failed (showLoadError). */
export async function loadOrShowError<T>(root: HTMLElement, query: () => Promise<T>): Promise<T | undefined> {
  try {
    return await query();
  } catch (error) {
    showLoadError(root, error);
    return undefined;
  }
}
