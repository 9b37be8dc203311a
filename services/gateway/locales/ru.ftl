start-share-phone = Чтобы войти, поделитесь номером телефона кнопкой ниже.
button-share-phone = 📱 Поделиться номером
menu-title = Главное меню
menu-promotions = 🎁 Акции
menu-my-requests = 📋 Мои обращения
menu-new-request = ✉️ Новое обращение
menu-assistant = 🤖 Спросить помощника
menu-webapp = 📱 Мини-приложение
promotions-empty = Сейчас нет активных акций.
promotions-header = Акции ({ $page } из { $pages })
promotion-dates = 📅 { $from } — { $to }
promotion-participate = 🎯 Участвовать
promotion-joined = ✅ Вы участвуете
promotion-open-link = 🔗 Подробнее
button-prev = ◀️ Назад
button-next = Вперёд ▶️
error-apology = Извините, что-то пошло не так. Попробуйте ещё раз чуть позже.
service-unavailable = Сервис временно недоступен. Попробуйте через минуту.
update-waiting = Получили ваше сообщение — минутку, ответим, как только сервис снова заработает.
update-gave-up = Не получилось обработать ваше сообщение: сервис долго недоступен. Пожалуйста, отправьте его ещё раз чуть позже.
unknown-command = Я не знаю такой команды. Откройте меню: /menu

# Sign-in, menu, promotions (issue 4)
signin-required = Сначала войдите: поделитесь номером телефона кнопкой ниже.
signin-foreign-contact = Это чужой контакт. Поделитесь своим номером — кнопкой «Поделиться номером» ниже.
signin-invalid-phone = Не получилось распознать номер телефона. Поделитесь своим номером кнопкой ниже.
signin-welcome = { $name }, вы вошли. Выберите раздел в меню ниже.
signin-pending = Спасибо! Ваша заявка на доступ отправлена менеджеру. Мы напишем, как только её рассмотрят.
signin-approved = { $name }, доступ открыт! Выберите раздел в меню ниже.
signin-blocked = К сожалению, доступ к боту для вас закрыт. Если это ошибка, свяжитесь с нами.
staff-only = Это могут сделать только менеджеры и администраторы.
staff-user-gone = Этого пользователя уже нет в таблице.
staff-approve = ✅ Одобрить
staff-deny = ⛔ Отклонить
staff-approved-by = ✅ Одобрено: { $name }
staff-denied-by = ⛔ Отклонено: { $name }
staff-already-decided = Решение по этой заявке уже принято.
staff-no-pending = Заявок на доступ нет.
staff-pending-user = 🙋 Заявка на доступ: { $name }, { $phone } ({ $id })
staff-participation = 🎁 Участие в акции «{ $title }»: { $name }, { $phone } ({ $id })
help-text = Я бот компании: акции, обращения в поддержку и ответы на вопросы. Всё — в меню ниже; /promotions — акции, /menu — меню. Что о вас хранится: /mydata, удалить: /forget.
help-staff = Для менеджеров: /pending — заявки на доступ; /broadcast — новая рассылка; /broadcast_status B-1 — её статус; /broadcast_cancel B-1 — отменить. В чате сотрудников: /take и /close в ответ на обращение.
promotion-unavailable = Эта акция уже закончилась или недоступна.
participation-done-short = Готово: вы участвуете!
participation-done = ✅ Вы участвуете в акции «{ $title }». Мы свяжемся с вами.
participation-already = Вы уже участвуете в акции «{ $title }».
button-outdated = Эта кнопка устарела. Откройте меню: /menu
flood-notice = Вы пишете слишком часто: часть сообщений я пропустил. Подождите несколько секунд и отправьте нужное ещё раз.
text-too-long = Сообщение слишком длинное. Пожалуйста, сократите его.
not-understood = Я понимаю текст и кнопки меню. Откройте меню: /menu
command-start = Начать и войти
command-menu = Главное меню
command-promotions = Акции
command-help = Помощь
command-pending = Заявки на доступ (для менеджеров)
menu-button = Приложение
assistant-intro = Задайте вопрос об акциях, доставке, оплате или сервисе — отвечу по базе знаний компании. Начать разговор заново: /reset
assistant-unknown = Не знаю ответа на этот вопрос: в базе знаний его нет. Могу передать его менеджеру — нажмите «Создать обращение».
assistant-handoff-button = 🙋 Создать обращение
assistant-sources = 📎 Источники: { $list }
assistant-retrieval-note = ℹ️ Ответ из базы знаний.
assistant-fallback-note = ℹ️ Ответ из базы знаний (ИИ-помощник сейчас недоступен).
assistant-quota = Лимит вопросов помощнику на сегодня исчерпан ({ $limit } в день). Завтра можно снова, а пока — создайте обращение, ответит менеджер.
assistant-too-long = Вопрос слишком длинный: не больше { $max } символов. Сократите его, пожалуйста.
assistant-busy = Я ещё отвечаю на предыдущие вопросы — подождите немного.
assistant-reset-done = Начинаем разговор заново: прежние вопросы я забыл.
assistant-handoff-created = Обращение { $id } создано, переписка с помощником приложена. Менеджер ответит здесь.
assistant-handoff-empty = Сначала задайте вопрос — тогда я передам его менеджеру вместе с перепиской.
assistant-transcript-no-answer = (ответа в базе знаний не нашлось)
# Requests (обращения): docs/requests.md
status-new = 🆕 новое
status-in_progress = 🛠 в работе
status-answered = 💬 есть ответ
status-closed = ✅ закрыто
media-offer-file = Открыть обращение с этим вложением? Нажмите кнопку — оно будет приложено к обращению.
media-offer-place = Открыть обращение с этим местом? Нажмите кнопку — точка будет добавлена к обращению.
button-request-with-it = ✉️ Обращение с этим
request-sign-in-first = Чтобы создать обращение, сначала войдите: /start
request-choose-category = Выберите тему обращения (отменить — /cancel):
request-category-picked = Тема: { $category }
request-use-buttons = Выберите вариант кнопкой выше или отправьте /cancel, чтобы отменить.
request-write-text = Опишите ваш вопрос одним сообщением.
request-text-expected = Напишите текст обращения сообщением (или /cancel, чтобы отменить).
request-text-too-long = Слишком длинный текст: не больше { $max } символов. Сократите, пожалуйста.
request-attach = Можно приложить фото или файлы (до { $max }). Когда всё готово, нажмите «Готово».
request-attach-hint = Пришлите фото или файл, либо нажмите «Готово» (отменить — /cancel).
request-attached = Добавлено вложений: { $count }. Ещё одно — или «Готово».
request-confirm =
    Проверьте обращение:

    Тема: { $category }
    { $text }
    Вложений: { $files }

    Отправить?
button-done = ✅ Готово
button-send = 📨 Отправить
button-cancel = ✖️ Отменить
request-cancelled = Обращение отменено, ничего не сохранено.
request-nothing-to-cancel = Сейчас нечего отменять.
request-created = Обращение { $id } принято. Ответ придёт сюда, в чат; статус — в разделе «Мои обращения».
request-failed = Не удалось сохранить обращение. Попробуйте ещё раз чуть позже.
my-requests-empty = У вас пока нет обращений.
my-requests-header = Ваши обращения ({ $from }–{ $to } из { $total }). Нажмите, чтобы открыть:
request-line = { $id } · { $status } · { $category }
request-thread-header =
    Обращение { $id } · { $category }
    Статус: { $status }
request-thread-user = 👤 Вы, { $at }:
request-thread-staff = 💬 { $name }, { $at }:
button-add-message = ✍️ Дописать
button-close-request = ✅ Закрыть обращение
button-back-to-list = ◀️ К списку
request-not-found = Обращение не найдено.
request-reply-prompt = Напишите сообщение к обращению { $id } ответом на это сообщение (можно с фото или файлом).
request-message-added = Добавлено к обращению { $id }.
request-closed-already = Обращение { $id } уже закрыто. Если вопрос остался, создайте новое.
request-closed-by-you = Обращение { $id } закрыто.
request-rate = Оцените, пожалуйста, как мы помогли: 1 — плохо, 5 — отлично.
request-rated = Спасибо за оценку!
request-already-rated = Оценка уже сохранена, спасибо.
request-answer =
    💬 Ответ по обращению { $id }:

    { $text }
request-answer-corrected =
    ✏️ Исправленный ответ по обращению { $id }:

    { $text }
request-status-changed = Обращение { $id }: { $status }
request-status-answer =
    Обращение { $id }: { $status }

    Ответ: { $answer }
staff-card =
    Обращение { $id } · { $category }
    От: { $name } (tg { $telegramId })
    Статус: { $status } · ответственный: { $assignee }
staff-topic-name = { $id } · { $status } · { $name }
staff-user-message = 👤 { $name }: { $text }
staff-button-take = 🛠 Взять
staff-button-close = ✅ Закрыть
staff-only-managers = Действовать с обращениями могут только менеджеры и администраторы.
staff-taken = 🛠 { $id } в работе: { $name }
staff-closed = ✅ { $id } закрыто: { $name }
staff-done-taken = Взято в работу
staff-done-closed = Закрыто
staff-taken-already = Уже у вас в работе
staff-request-closed = Обращение { $id } уже закрыто.
staff-closed-by-user = ✅ Пользователь закрыл обращение { $id }.
staff-rated = ⭐ Оценка обращения { $id }: { $rating } из 5
staff-sheet-answer = 📝 Ответ по { $id }, введённый в таблице: { $text }
staff-sheet-bad-value = ⚠️ В таблице, вкладка { $tab }, строка { $id }, столбец { $column }: значение «{ $value }» не подходит. Строка не применяется, пока его не исправят.
staff-user-blocked = ⚠️ { $name } заблокировал(а) бота: сообщение по { $id } не доставлено.
# Broadcasts (issue 8)
broadcast-open-promotion = 🎁 Подробнее об акции
broadcast-ask-text = Пришлите текст рассылки (до 4096 символов).
broadcast-ask-segment = Кому отправить? Напишите сегмент (например, retail или partners) или all — всем.
broadcast-preview = Рассылка для сегмента «{ $segment }»: получателей — { $count }. Отправить?
broadcast-button-send = 📣 Отправить
broadcast-button-cancel = ✖️ Отмена
broadcast-started = Рассылка { $id } запущена, получателей — { $count }. Статус: /broadcast_status { $id }
broadcast-discarded = Рассылка отменена, ничего не отправлено.
broadcast-staff-only = Эта команда доступна только менеджерам.
broadcast-not-found = Рассылка { $id } не найдена.
broadcast-finished = Рассылка { $id } уже завершена.
broadcast-cancelled = Рассылка { $id } остановлена. Успели отправить: { $sent }.
broadcast-status = Рассылка { $id }: { $status }. Отправлено: { $sent }, ошибок: { $failed }, заблокировали бота: { $blocked }, в очереди: { $pending }, переходов по ссылке: { $conversions }.
broadcast-usage-id = Укажите номер рассылки, например: /broadcast_status B-12
broadcast-too-long = Текст длиннее 4096 символов. Сократите его и пришлите снова.
optout-done = Вы отписались от рекламных рассылок. Ответы на ваши обращения будут приходить как прежде. Подписаться снова: /start_news
optout-resumed = Рассылки о новостях и акциях снова включены. Отписаться: /stop

# Personal data (issue 15, docs/privacy.md)
privacy-notice = Номер телефона нужен, чтобы узнать вас: мы сверяем его со списком клиентов и храним вместе с вашим именем. Отправляя номер кнопкой ниже, вы соглашаетесь на обработку персональных данных. Посмотреть, что хранится: /mydata, удалить: /forget.
privacy-policy-link = Политика обработки персональных данных: { $url }
mydata =
    Что мы храним о вас:
    • Имя: { $name }
    • Телефон: { $phone }
    • Сегмент: { $segment }
    • Язык: { $language }
    • Статус: { $status }
    • Регистрация: { $registered }
    • Последняя активность: { $seen }
    • Согласие на обработку данных: { $consent }
    • Обращений: { $requests }, участий в акциях: { $participations }
    Удалить эти данные: /forget
mydata-none = О вас ничего не хранится.
mydata-never = —
user-status-active = активен
user-status-pending = ждёт одобрения
user-status-blocked = доступ закрыт
user-status-deleted = данные удалены
forget-confirm = Удалить ваши данные? Имя, телефон и Telegram-аккаунт будут стёрты, тексты обращений заменены на «[удалено]». Отменить это нельзя: чтобы снова пользоваться ботом, нужно будет войти заново.
forget-yes = 🗑 Да, удалить
forget-no = Отмена
forget-kept = Хорошо, данные остаются.
forget-done-short = 🗑 Данные удалены.
forget-done = Ваши данные удалены. Чтобы начать заново, отправьте /start.
forget-nothing = Данных для удаления нет: они уже удалены.
staff-user-forgotten = 🗑 Пользователь { $id } удалил свои персональные данные (/forget).
command-mydata = Мои данные
command-forget = Удалить мои данные
staff-approved-in-sheet = ✅ Одобрено в таблице
staff-denied-in-sheet = ⛔ Отклонено в таблице
broadcast-state-draft = черновик
broadcast-state-scheduled = запланирована
broadcast-state-sending = отправляется
broadcast-state-done = завершена
broadcast-state-failed = не удалась
broadcast-state-cancelled = отменена
