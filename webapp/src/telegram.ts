import {
  bindMiniAppCssVars,
  bindThemeParamsCssVars,
  bindViewportCssVars,
  disableClosingConfirmation,
  enableClosingConfirmation,
  hapticFeedbackImpactOccurred,
  hapticFeedbackNotificationOccurred,
  hideBackButton,
  init,
  isThemeParamsDark,
  miniAppReady,
  mountBackButton,
  mountClosingBehavior,
  mountMainButton,
  mountMiniAppSync,
  mountThemeParamsSync,
  mountViewport,
  onBackButtonClick,
  onMainButtonClick,
  openTelegramLink,
  retrieveLaunchParams,
  retrieveRawInitData,
  setMainButtonParams,
  showBackButton,
  targetOrigin,
  themeParamsState,
} from '@telegram-apps/sdk';

/** What Telegram gave this launch; null outside Telegram (no launch parameters). */
export type Launch = {
  initData: string;
  languageCode: string | undefined;
  firstName: string;
  viewportReady: Promise<void>;
};

/** Reads the launch parameters and sets up the SDK: theme and viewport as CSS variables, buttons, closing behaviour. */
export function startTelegram(): Launch | null {
  let initData: string | undefined;
  let user: { first_name?: string; firstName?: string; language_code?: string; languageCode?: string } | undefined;
  try {
    initData = retrieveRawInitData();
    user = retrieveLaunchParams().tgWebAppData?.user as typeof user;
  } catch {
    return null;
  }
  if (!initData) return null;
  // Hosted in an iframe by a page of our own origin (the /sandbox chat page): its events go there. In Telegram's web
  // clients the parent is another origin and the SDK's default (https://web.telegram.org) stays.
  if (sameOriginHost()) targetOrigin.set(location.origin);
  init();
  // Each part is optional on older clients: a part that cannot start leaves the page usable with the CSS fallbacks.
  const attempt = (fn: () => unknown) => {
    try {
      fn();
    } catch {
      /* not supported by this Telegram version */
    }
  };
  attempt(() => {
    mountThemeParamsSync();
    bindThemeParamsCssVars();
    markDark();
    themeParamsState.sub(markDark);
  });
  attempt(() => {
    mountMiniAppSync();
    bindMiniAppCssVars();
  });
  attempt(mountBackButton);
  attempt(mountMainButton);
  attempt(mountClosingBehavior);
  // Safe-area insets arrive as answers to requests: until then (at most half a second) the page stays invisible
  // (style.css, #app.ready), so the padding they add does not move anything the user already sees.
  const viewport = Promise.resolve()
    .then(() => mountViewport())
    .then(() => void bindViewportCssVars())
    .catch(() => undefined);
  const viewportReady = Promise.race([viewport, new Promise<void>((done) => setTimeout(done, 500))]);
  attempt(miniAppReady);
  return {
    initData,
    languageCode: user?.language_code ?? user?.languageCode,
    firstName: user?.first_name ?? user?.firstName ?? '',
    viewportReady,
  };
}

function sameOriginHost(): boolean {
  try {
    return window.parent !== window && window.parent.location.origin === location.origin;
  } catch {
    return false;
  }
}

function markDark(): void {
  document.documentElement.dataset['theme'] = isThemeParamsDark() ? 'dark' : 'light';
}

let offBack: VoidFunction | undefined;
/** Shows Telegram's BackButton with this handler, or hides it (null). */
export function setBackButton(handler: (() => void) | null): void {
  offBack?.();
  offBack = undefined;
  try {
    if (!handler) {
      hideBackButton();
      return;
    }
    offBack = onBackButtonClick(handler);
    showBackButton();
  } catch {
    /* no BackButton in this client */
  }
}

let offMain: VoidFunction | undefined;
/** Shows Telegram's MainButton with this text and handler, or hides it (null). */
export function setMainButton(
  button: { text: string; onClick: () => void; enabled?: boolean; loading?: boolean } | null,
): void {
  offMain?.();
  offMain = undefined;
  try {
    if (!button) return void setMainButtonParams({ isVisible: false });
    offMain = onMainButtonClick(button.onClick);
    setMainButtonParams({
      text: button.text,
      isVisible: true,
      isEnabled: button.enabled ?? true,
      isLoaderVisible: button.loading ?? false,
    });
  } catch {
    /* no MainButton in this client */
  }
}

/** Haptic feedback: `tap` for a press, `success`/`error` for an outcome. */
export function haptic(kind: 'tap' | 'success' | 'error'): void {
  try {
    if (kind === 'tap') hapticFeedbackImpactOccurred('light');
    else hapticFeedbackNotificationOccurred(kind);
  } catch {
    /* no haptics in this client */
  }
}

/** Asks Telegram to confirm closing while a form has unsaved text. */
export function confirmClosing(on: boolean): void {
  try {
    if (on) enableClosingConfirmation();
    else disableClosingConfirmation();
  } catch {
    /* not supported */
  }
}

export function openBot(username: string): void {
  try {
    openTelegramLink(`https://t.me/${username}`);
  } catch {
    location.href = `https://t.me/${username}`;
  }
}

/**
 * Puts an action on Telegram's MainButton: a loader while it runs, haptic feedback on the outcome; on failure
 * `onError` shows why and the button comes back for another try.
 */
export function mainButtonAction(text: string, run: () => Promise<void>, onError: (error: unknown) => void): void {
  const press = async () => {
    setMainButton({ text, onClick: () => undefined, enabled: false, loading: true });
    try {
      await run();
      haptic('success');
      setMainButton(null);
    } catch (error) {
      haptic('error');
      onError(error);
      mainButtonAction(text, run, onError);
    }
  };
  setMainButton({ text, onClick: () => void press() });
}
