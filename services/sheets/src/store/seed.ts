import type { RawRow } from '@mb/contracts';
import { transaction } from './db.ts';
import type { Workbook } from './workbook.ts';

const day = 86_400_000;
const date = (offsetDays: number, now: number) => new Date(now + offsetDays * day).toISOString().slice(0, 10);

type PromoSeed = [
  id: string,
  title: string,
  description: string,
  from: number,
  to: number,
  segment: string,
  status: string,
  cta: string,
  link: string,
];
const PROMOTIONS: PromoSeed[] = [
  [
    'spring-sale',
    'Большая распродажа −20%',
    'Скидка 20% на весь ассортимент в интернет-магазине. Нажмите «Участвовать» — менеджер свяжется с вами и закрепит скидку за вашим номером.',
    -10,
    20,
    'all',
    'active',
    'participate',
    '',
  ],
  [
    'friend-bonus',
    'Приведи друга',
    'Получите 500 бонусных баллов за каждого друга, который сделает первый заказ.',
    -30,
    60,
    'retail',
    'active',
    'participate',
    '',
  ],
  [
    'free-delivery',
    'Бесплатная доставка',
    'Бесплатная доставка заказов от 3000 ₽ по всей России, пока идёт акция (даты — в карточке).',
    -5,
    25,
    'retail',
    'active',
    'link',
    'https://example.com/delivery',
  ],
  [
    'birthday-gift',
    'Подарок ко дню рождения',
    'В течение недели до и после дня рождения — подарок к любому заказу.',
    -100,
    265,
    'retail',
    'active',
    'participate',
    '',
  ],
  [
    'cashback-10',
    'Кешбэк 10% баллами',
    'Возвращаем 10% стоимости покупки баллами на бонусный счёт.',
    -3,
    28,
    'all',
    'active',
    'participate',
    '',
  ],
  [
    'partner-webinar',
    'Вебинар для партнёров',
    'Онлайн-вебинар о новой линейке продуктов и условиях поставок. Регистрация обязательна.',
    -7,
    14,
    'partners',
    'active',
    'participate',
    '',
  ],
  [
    'partner-volume',
    'Скидка за объём для партнёров',
    'Дополнительная скидка 7% при заказе от 100 000 ₽ в квартал.',
    -20,
    70,
    'partners',
    'active',
    'participate',
    '',
  ],
  [
    'partner-catalog',
    'Новый каталог для партнёров',
    'Каталог 2027 года с оптовыми ценами доступен для скачивания.',
    -2,
    90,
    'partners',
    'active',
    'link',
    'https://example.com/catalog',
  ],
  [
    'black-friday',
    'Неделя больших скидок',
    'Скидки до 50% на избранные товары — только в дни акции (даты — в карточке).',
    5,
    9,
    'all',
    'active',
    'participate',
    '',
  ],
  [
    'new-year',
    'Розыгрыш призов',
    'Розыгрыш призов среди участников: сертификаты, техника и подарки.',
    10,
    40,
    'all',
    'draft',
    'participate',
    '',
  ],
  [
    'summer-camp',
    'Летний лагерь бренда',
    'Выездное мероприятие для активных клиентов.',
    -200,
    -150,
    'retail',
    'archived',
    'participate',
    '',
  ],
  [
    'partner-expo',
    'Стенд на выставке',
    'Совместный стенд на отраслевой выставке для партнёров.',
    -120,
    -90,
    'partners',
    'archived',
    'link',
    'https://example.com/expo',
  ],
];

type FaqSeed = [question: string, answer: string, tags: string];
const FAQ: FaqSeed[] = [
  [
    'Как принять участие в акции?',
    'Откройте раздел «Акции», выберите акцию и нажмите «Участвовать». Участие подтверждается сообщением в чате.',
    'участие, акция, участвовать, participate, promotion, join',
  ],
  [
    'Как получить промокод?',
    'Промокод приходит в чат после регистрации участия в акции. Если его нет дольше часа — создайте обращение.',
    'промокод, код, скидка, promo code, discount',
  ],
  [
    'Сколько стоит доставка?',
    'Доставка по России — 390 ₽, бесплатно для заказов от 3000 ₽ во время акции «Бесплатная доставка».',
    'доставка, стоимость, цена доставки, delivery, shipping, cost',
  ],
  [
    'Сколько идёт доставка?',
    'Обычно 2–5 рабочих дней, в отдалённые регионы — до 10 дней.',
    'сроки, доставка, когда привезут, delivery time, how long',
  ],
  [
    'Как вернуть товар?',
    'Вернуть товар можно в течение 14 дней. Оформите обращение с категорией «Проблема» и приложите фото чека.',
    'возврат, вернуть, обмен, return, refund',
  ],
  [
    'Как работают бонусные баллы?',
    '1 балл = 1 ₽. Баллами можно оплатить до 30% заказа. Баллы действуют 12 месяцев.',
    'баллы, бонусы, бонусный счёт, кешбэк, points, bonus, cashback',
  ],
  [
    'Как узнать баланс баллов?',
    'Баланс показан в личном кабинете на сайте и в мини-приложении бота на главной странице.',
    'баланс, баллы, сколько баллов, balance, points',
  ],
  [
    'Как связаться с поддержкой?',
    'Нажмите «Новое обращение» в меню бота — менеджер ответит в рабочее время, обычно в течение часа.',
    'поддержка, связаться, оператор, менеджер, support, contact, human',
  ],
  [
    'Какие часы работы поддержки?',
    'Поддержка работает ежедневно с 9:00 до 21:00 по московскому времени.',
    'часы работы, график, время работы, working hours, schedule',
  ],
  [
    'Как изменить номер телефона?',
    'Создайте обращение с новым номером — менеджер обновит данные после проверки.',
    'телефон, номер, изменить номер, phone number, change phone',
  ],
  [
    'Почему бот не пускает меня?',
    'Доступ открыт для клиентов и партнёров из списка. Если вашего номера нет, заявка уходит менеджеру на одобрение.',
    'доступ, вход, авторизация, не пускает, access, sign in, login',
  ],
  [
    'Как стать партнёром?',
    'Оставьте обращение с категорией «Предложение»: укажите компанию и ИНН. Менеджер свяжется с вами.',
    'партнёр, партнёрство, сотрудничество, опт, partner, partnership, wholesale',
  ],
  [
    'Где скачать каталог?',
    'Каталог доступен партнёрам в разделе «Акции» → «Новый каталог для партнёров».',
    'каталог, прайс, скачать, catalog, price list, download',
  ],
  [
    'Можно ли отказаться от рассылки?',
    'Да: отправьте команду /stop или выключите рассылку в настройках мини-приложения. Ответы на ваши обращения продолжат приходить.',
    'рассылка, отписаться, уведомления, spam, unsubscribe, newsletter',
  ],
  [
    'Как оплатить заказ?',
    'Картой онлайн, через СБП или при получении. Для партнёров доступна оплата по счёту.',
    'оплата, оплатить, карта, сбп, payment, pay, card',
  ],
  [
    'Есть ли гарантия на товары?',
    'На все товары действует гарантия производителя от 12 месяцев. Гарантийный талон — в коробке.',
    'гарантия, ремонт, брак, warranty, guarantee, defect',
  ],
  [
    'Как отследить заказ?',
    'Трек-номер приходит по SMS после отправки. Отследить заказ можно на сайте перевозчика.',
    'отследить, трек, где заказ, tracking, track order, where is my order',
  ],
  [
    'Как удалить мои данные?',
    'Создайте обращение «Удалить данные» — мы удалим персональные данные в течение 30 дней по закону 152-ФЗ.',
    'удалить данные, персональные данные, конфиденциальность, delete data, privacy, gdpr',
  ],
  [
    'Сколько действует скидка по акции?',
    'Срок действия указан в карточке акции: даты начала и окончания. После окончания скидка не применяется.',
    'срок, скидка, действует, до какого, expiry, valid until, discount',
  ],
  [
    'Где находится магазин?',
    'Шоурум: Москва, ул. Примерная, 1, ежедневно с 10:00 до 20:00.',
    'адрес, магазин, шоурум, где находится, address, store, location',
  ],
];

type UserSeed = [phone: string, name: string, role: string, segment: string, status: string];
const USERS: UserSeed[] = [
  ['+79000000001', 'Анна Админова', 'admin', 'all', 'active'],
  ['8 (903) 555-01-01', 'Мария Менеджерова', 'manager', 'all', 'active'],
  ['+7 903 555-01-02', 'Иван Поддержкин', 'manager', 'all', 'active'],
  ['+79035550103', 'Пётр Клиентов', 'client', 'retail', 'active'],
  ['79035550104', 'Ольга Покупаева', 'client', 'retail', 'active'],
  ['+7-903-555-01-05', 'ООО «Партнёр»', 'client', 'partners', 'active'],
  ['+79035550106', 'Сергей Ожидающий', 'client', 'retail', 'pending'],
  ['+79035550107', 'Заблокированный Пользователь', 'client', 'retail', 'blocked'],
];

const SETTINGS: Array<[string, string]> = [
  ['welcome_text', 'Здравствуйте! Это бот компании «Пример»: акции, обращения в поддержку и ответы на вопросы.'],
  ['staff_chat_id', ''],
  ['access_policy', 'allowlist'],
  ['ticket_categories', 'Вопрос, Проблема, Предложение, Удалить данные'],
  [
    'assistant_prompt',
    'Ты вежливый помощник компании «Пример». Отвечай кратко и только по данным из контекста, указывая их id.',
  ],
  ['assistant_daily_quota', '30'],
  ['assistant_daily_token_budget', '200000'],
  ['privacy_policy_url', 'https://example.com/privacy'],
  ['privacy_text', ''],
];

/** Fills an empty workbook with demo data in Russian. Seeded rows are not queued for the Sheet. */
export function seedIfEmpty(wb: Workbook, now = Date.now()): boolean {
  if (wb.count('Settings') > 0 || wb.count('Promotions') > 0) return false;
  transaction(wb.db, () => {
    for (const [id, title, description, from, to, segment, status, cta, link] of PROMOTIONS) {
      const row: Partial<RawRow<'Promotions'>> = {
        id,
        title,
        description,
        starts_at: date(from, now),
        ends_at: date(to, now),
        segment,
        status,
        cta,
        link_url: link,
        notify: 'нет',
      };
      wb.insert('Promotions', row, { outbox: false });
    }
    FAQ.forEach(([question, answer, tags], i) =>
      wb.insert('FAQ', { id: `faq-${i + 1}`, question, answer, tags, active: 'да' }, { outbox: false }),
    );
    USERS.forEach(([phone, name, role, segment, status], i) =>
      wb.insert(
        'Users',
        {
          id: `U-${i + 1}`,
          phone,
          name,
          role,
          segment,
          status,
          language: 'ru',
          registered_at: new Date(now).toISOString(),
        },
        { outbox: false },
      ),
    );
    wb.db.prepare("INSERT OR REPLACE INTO sequences(name, next) VALUES ('U', ?)").run(USERS.length + 1);
    for (const [key, value] of SETTINGS) wb.insert('Settings', { key, value }, { outbox: false });
  });
  return true;
}
