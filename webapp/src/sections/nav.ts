import type { Session } from '../shell.ts';

export type SectionName = 'promotions' | 'requests' | 'assistant' | 'staff' | 'mydata';

/** How a section moves within the menu page (the URL keeps the place, so a reload comes back to it). */
export type Nav = { go(section: SectionName, params?: Record<string, string>): void; home(): void };

/** A section draws itself into `root`; `params` come from the URL (`?s=promotions&id=…`). */
export type Section = (s: Session, root: HTMLElement, nav: Nav, params: URLSearchParams) => void | Promise<void>;
