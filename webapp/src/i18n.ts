/** Every text the Mini App shows, Russian first. The server sends reasons, never words (see miniapp-api/errors.ts). */
const ru = {
  'title.home': 'Главная',
  'title.menu': 'Меню',
  'loading': 'Загрузка…',
  'outside.title': 'Откройте приложение в Telegram',
  'outside.text': 'Это мини-приложение работает внутри Telegram. Откройте чат с ботом и нажмите кнопку «Открыть приложение».',
  'hello': 'Здравствуйте, {name}!',
  'signedIn': 'Вы вошли как {name}.',
  'signedOut': 'Чтобы участвовать в акциях и писать обращения, войдите в чате с ботом: поделитесь номером телефона.',
  'openBot': 'Открыть бота',
  'home.highlights': 'Акции сейчас',
  'home.all': 'Все акции',
  'action.promotions': 'Акции',
  'action.requests': 'Мои обращения',
  'action.assistant': 'Спросить помощника',
  'action.staff': 'Для менеджеров',
  'promotions.empty': 'Сейчас нет активных акций.',
  'promotions.until': 'до {date}',
  'promotions.always': 'бессрочно',
  'promotions.takePart': 'Участвовать',
  'promotions.joined': 'Вы участвуете',
  'promotions.joinedNow': 'Готово! Вы участвуете в акции.',
  'promotions.openLink': 'Подробнее на сайте',
  'promotions.mine': 'Мои участия',
  'requests.empty': 'У вас пока нет обращений.',
  'requests.new': 'Новое обращение',
  'requests.category': 'Тема',
  'requests.text': 'Опишите вопрос',
  'requests.send': 'Отправить',
  'requests.sent': 'Обращение {id} принято. Ответ придёт в чат с ботом.',
  'requests.reply': 'Ответить',
  'requests.close': 'Закрыть обращение',
  'requests.you': 'Вы',
  'requests.staff': 'Поддержка',
  'requests.unavailable': 'Обращения пока недоступны в приложении — напишите в чате с ботом.',
  'status.new': 'новое',
  'status.in_progress': 'в работе',
  'status.answered': 'есть ответ',
  'status.closed': 'закрыто',
  'assistant.placeholder': 'Ваш вопрос…',
  'assistant.send': 'Спросить',
  'assistant.hint': 'Помощник отвечает по базе знаний и текущим акциям.',
  'assistant.sources': 'Источники: {list}',
  'assistant.unanswered': 'Не нашёл ответа в базе знаний. Задайте вопрос менеджеру — создайте обращение.',
  'staff.openRequests': 'Открытые обращения — новые: {new}, в работе: {inProgress}',
  'staff.participations': 'Участия по акциям',
  'staff.none': 'Пока никто не участвует.',
  'error.title': 'Не получилось',
  'error.initdata_missing': 'Нет данных запуска от Telegram. Откройте приложение из чата с ботом.',
  'error.initdata_invalid': 'Telegram не подтвердил, что это вы. Закройте и откройте приложение снова.',
  'error.initdata_expired': 'Сеанс устарел. Закройте и откройте приложение снова.',
  'error.not_signed_in': 'Сначала войдите в чате с ботом.',
  'error.staff_only': 'Этот раздел только для менеджеров.',
  'error.promotion_not_found': 'Такой акции нет.',
  'error.promotion_not_live': 'Эта акция уже закончилась или ещё не началась.',
  'error.promotion_not_visible': 'Эта акция вам недоступна.',
  'error.promotion_link_only': 'В этой акции участвуют по ссылке.',
  'error.request_not_found': 'Такого обращения нет.',
  'error.request_closed': 'Обращение уже закрыто.',
  'error.assistant_quota': 'На сегодня вопросы закончились. Попробуйте завтра.',
  'error.service_unavailable': 'Сервис временно недоступен. Попробуйте через минуту.',
  'error.bad_input': 'Проверьте введённые данные.',
  'error.network': 'Нет связи с сервером. Проверьте интернет.',
  'error.unknown': 'Что-то пошло не так. Попробуйте ещё раз.',
  'retry': 'Повторить',
};

export type TextKey = keyof typeof ru;

const en: Record<TextKey, string> = {
  'title.home': 'Home',
  'title.menu': 'Menu',
  'loading': 'Loading…',
  'outside.title': 'Open the app in Telegram',
  'outside.text': 'This Mini App runs inside Telegram. Open the chat with the bot and tap "Open app".',
  'hello': 'Hello, {name}!',
  'signedIn': 'Signed in as {name}.',
  'signedOut': 'To take part in promotions and write requests, sign in in the chat with the bot by sharing your phone number.',
  'openBot': 'Open the bot',
  'home.highlights': 'Promotions now',
  'home.all': 'All promotions',
  'action.promotions': 'Promotions',
  'action.requests': 'My requests',
  'action.assistant': 'Ask the assistant',
  'action.staff': 'For managers',
  'promotions.empty': 'There are no promotions right now.',
  'promotions.until': 'until {date}',
  'promotions.always': 'no end date',
  'promotions.takePart': 'Take part',
  'promotions.joined': 'You take part',
  'promotions.joinedNow': 'Done! You take part in the promotion.',
  'promotions.openLink': 'Details on the website',
  'promotions.mine': 'My participations',
  'requests.empty': 'You have no requests yet.',
  'requests.new': 'New request',
  'requests.category': 'Topic',
  'requests.text': 'Describe your question',
  'requests.send': 'Send',
  'requests.sent': 'Request {id} received. The answer will come to the chat with the bot.',
  'requests.reply': 'Reply',
  'requests.close': 'Close the request',
  'requests.you': 'You',
  'requests.staff': 'Support',
  'requests.unavailable': 'Requests are not available in the app yet: write in the chat with the bot.',
  'status.new': 'new',
  'status.in_progress': 'in progress',
  'status.answered': 'answered',
  'status.closed': 'closed',
  'assistant.placeholder': 'Your question…',
  'assistant.send': 'Ask',
  'assistant.hint': 'The assistant answers from the knowledge base and current promotions.',
  'assistant.sources': 'Sources: {list}',
  'assistant.unanswered': 'I found no answer in the knowledge base. Ask a manager: create a request.',
  'staff.openRequests': 'Open requests — new: {new}, in progress: {inProgress}',
  'staff.participations': 'Participations per promotion',
  'staff.none': 'Nobody takes part yet.',
  'error.title': 'Something went wrong',
  'error.initdata_missing': 'Telegram sent no launch data. Open the app from the chat with the bot.',
  'error.initdata_invalid': 'Telegram did not confirm who you are. Close the app and open it again.',
  'error.initdata_expired': 'The session is too old. Close the app and open it again.',
  'error.not_signed_in': 'Sign in in the chat with the bot first.',
  'error.staff_only': 'This section is for managers only.',
  'error.promotion_not_found': 'There is no such promotion.',
  'error.promotion_not_live': 'This promotion has ended or has not started yet.',
  'error.promotion_not_visible': 'This promotion is not available to you.',
  'error.promotion_link_only': 'You take part in this promotion through its link.',
  'error.request_not_found': 'There is no such request.',
  'error.request_closed': 'The request is already closed.',
  'error.assistant_quota': 'You have used today\'s questions. Try again tomorrow.',
  'error.service_unavailable': 'The service is unavailable for a moment. Try again in a minute.',
  'error.bad_input': 'Check what you entered.',
  'error.network': 'No connection to the server. Check the internet.',
  'error.unknown': 'Something went wrong. Try again.',
  'retry': 'Retry',
};

export type Lang = 'ru' | 'en';
let current: Lang = 'ru';

export function setLanguage(code: string | undefined): Lang {
  current = code?.startsWith('en') ? 'en' : 'ru';
  document.documentElement.lang = current;
  return current;
}

export function t(key: TextKey, vars: Record<string, string | number> = {}): string {
  const text = (current === 'en' ? en : ru)[key];
  return text.replace(/\{(\w+)\}/g, (_, name: string) => String(vars[name] ?? ''));
}

/** A text in both languages, Russian first: for the screen outside Telegram, where the user's language is unknown. */
export function bothLanguages(key: TextKey): [string, string] {
  return [ru[key], en[key]];
}

export function hasText(key: string): key is TextKey {
  return key in ru;
}
