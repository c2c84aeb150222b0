// Every word the console shows, in Russian and English.
export type Lang = 'ru' | 'en'

const en = {
  'app.name': 'ringlead',
  'nav.wallboard': 'Wallboard', 'nav.calls': 'Calls', 'nav.leads': 'Leads', 'nav.golden': 'Golden fund',
  'nav.reports': 'Reports', 'nav.admin': 'Admin', 'nav.logout': 'Log out',
  'nav.reports.operators': 'Operators', 'nav.reports.funnels': 'Funnels', 'nav.reports.motivation': 'Motivation', 'nav.reports.digest': 'Digest',
  'nav.admin.users': 'Users', 'nav.admin.operators': 'Operators', 'nav.admin.numbers': 'Tracking numbers', 'nav.admin.menus': 'Voice menus', 'nav.admin.dialplan': 'Dialplan',
  'login.title': 'Log in', 'login.username': 'Username', 'login.password': 'Password', 'login.submit': 'Log in',
  'login.bad': 'Wrong username or password.', 'login.locked': 'Too many failed attempts. Try again after {until}.',
  'setup.title': 'Create the first administrator', 'setup.intro': 'No one can log in yet. The account you create here is the administrator; this page disappears once it exists.',
  'setup.displayName': 'Your name', 'setup.password2': 'Password again', 'setup.submit': 'Create and log in', 'setup.mismatch': 'The passwords differ.',
  'wb.operators': 'Operators', 'wb.waiting': 'Callers waiting', 'wb.today': 'Today', 'wb.alerts': 'Alerts',
  'wb.answered': 'Answered', 'wb.missed': 'Missed', 'wb.missedPct': 'Missed %', 'wb.missedShare': 'Missed share', 'wb.avgAnswer': 'Avg answer',
  'wb.openLeads': 'Open leads', 'wb.overdueLeads': 'Overdue leads', 'wb.deals': 'Deals',
  'wb.nobodyWaiting': 'Nobody is waiting.', 'wb.noAlerts': 'No alerts.', 'wb.live': 'live', 'wb.offline': 'reconnecting…',
  'wb.position': '#', 'wb.caller': 'Caller', 'wb.waited': 'Waiting', 'wb.returning': 'returning',
  'state.available': 'free', 'state.ringing': 'ringing', 'state.talking': 'talking', 'state.wrap_up': 'wrap-up', 'state.paused': 'paused', 'state.unregistered': 'offline',
  'alert.missed_call': 'Missed call', 'alert.lead_overdue': 'Lead overdue', 'alert.nobody_free': 'Nobody free', 'alert.qa': 'Call quality', 'alert.customer': 'Upset customer',
  'pop.title': 'Incoming call', 'pop.outbound': 'Calling the customer', 'pop.open': 'Open the customer card', 'pop.unknown': 'New caller',
  'calls.title': 'Calls', 'calls.date': 'Date', 'calls.operator': 'Operator', 'calls.source': 'Source', 'calls.category': 'Category', 'calls.result': 'Result',
  'calls.any': 'any', 'calls.filter': 'Filter', 'calls.reset': 'Reset', 'calls.when': 'When', 'calls.caller': 'Caller', 'calls.number': 'Number',
  'calls.ring': 'Ring', 'calls.talk': 'Talk', 'calls.score': 'QA score', 'calls.none': 'No calls match.', 'calls.older': 'Older calls', 'calls.direction': 'Direction',
  'call.title': 'Call', 'call.plan': 'Routing plan', 'call.attempts': 'Attempts', 'call.menuPath': 'Voice menu', 'call.queue': 'Queue wait',
  'call.recordings': 'Recordings', 'call.transcript': 'Transcript', 'call.disposition': 'Disposition', 'call.lead': 'Lead', 'call.skipped': 'Skipped',
  'call.noRecordings': 'No recordings.', 'call.golden': 'Golden fund', 'call.markGolden': 'Mark as exemplary', 'call.note': 'Note', 'call.save': 'Save',
  'call.customer': 'Customer', 'call.started': 'Started', 'call.answeredBy': 'Answered by', 'call.reasons': 'Reasons', 'call.warnings': 'Warnings',
  'leads.title': 'Leads', 'leads.board': 'Board', 'leads.list': 'List', 'leads.owner': 'Owner', 'leads.status': 'Status', 'leads.deadline': 'Deadline',
  'leads.source': 'Source', 'leads.overdue': 'Overdue only', 'leads.open': 'Open only', 'leads.customer': 'Customer', 'leads.created': 'Created',
  'leads.none': 'No leads match.', 'leads.older': 'Older leads', 'leads.left': 'left', 'leads.late': 'late', 'leads.channel': 'Channel',
  'lead.title': 'Lead', 'lead.events': 'Events', 'lead.ladder': 'Escalation ladder', 'lead.changeStatus': 'Change status', 'lead.changeOwner': 'Change owner',
  'lead.reason': 'Reason', 'lead.apply': 'Apply', 'lead.message': 'Message', 'lead.noEvents': 'No events.', 'lead.noLadder': 'No escalation steps.',
  'customer.title': 'Customer', 'customer.calls': 'Calls', 'customer.leads': 'Leads', 'customer.notes': 'Notes', 'customer.lastOperator': 'Last operator',
  'dial.button': 'Call', 'dial.started': 'Calling: your phone rings first', 'dial.failed': 'Could not call',
  'golden.title': 'Golden fund', 'golden.none': 'No exemplary calls yet. Mark one from a call page.', 'golden.markedBy': 'Marked by', 'golden.remove': 'Remove',
  'users.title': 'Users', 'users.username': 'Username', 'users.displayName': 'Name', 'users.role': 'Role', 'users.operator': 'Operator', 'users.language': 'Language',
  'users.state': 'State', 'users.active': 'active', 'users.disabled': 'disabled', 'users.add': 'Add a user', 'users.create': 'Create', 'users.disable': 'Disable', 'users.enable': 'Enable',
  'ops.title': 'Operators', 'ops.endpoint': 'Phone', 'ops.mobile': 'Mobile', 'ops.manager': 'Manager', 'ops.skills': 'Skills', 'ops.live': 'Now', 'ops.pause': 'Pause', 'ops.unpause': 'Resume',
  'numbers.title': 'Tracking numbers', 'numbers.did': 'Number', 'numbers.label': 'Label', 'numbers.menu': 'Menu',
  'menus.title': 'Voice menus', 'menus.default': 'default', 'menus.options': 'Options',
  'admin.edit': 'Edit', 'admin.remove': 'Remove', 'admin.confirmRemove': 'Remove {what}?', 'common.jsonObject': 'expected an object {…}',
  'ops.add': 'Add an operator', 'ops.skillHint': 'level {min}–{max}; empty: no skill', 'ops.noCategories': 'No categories yet.',
  'numbers.add': 'Add a number', 'numbers.defaultMenu': 'default menu',
  'menus.add': 'Add a menu', 'menus.id': 'Menu id', 'menus.definition': 'Definition (JSON)', 'menus.hint': 'the server checks it and names the path of any problem', 'menus.makeDefault': 'Make default',
  'users.newPassword': 'New password', 'users.keepPassword': 'unchanged if empty',
  'dialplan.title': 'Dialplan', 'dialplan.pending': 'Changes not yet applied', 'dialplan.clean': 'Asterisk runs what the database renders.',
  'dialplan.apply': 'Apply and reload Asterisk', 'dialplan.history': 'History', 'dialplan.rollback': 'Roll back to this', 'dialplan.version': 'Version',
  'reports.from': 'From', 'reports.to': 'To', 'reports.show': 'Show', 'reports.csv': 'CSV', 'reports.unavailable': 'The report is not available',
  'reports.day': 'Today', 'reports.week': 'This week', 'reports.month': 'This month', 'reports.totals': 'Total',
  'rep.operators': 'Operators\u2019 efficiency', 'rep.funnels': 'Funnels', 'rep.motivation': 'Motivation', 'rep.digest': 'Digest',
  'rep.name': 'Operator', 'rep.offered': 'Offered', 'rep.answered': 'Answered', 'rep.missed': 'Missed', 'rep.missedPct': 'Missed %', 'rep.avgAnswer': 'Avg answer',
  'rep.talk': 'Talk time', 'rep.leadsOwned': 'Leads', 'rep.leadsInSla': 'In SLA', 'rep.avgResponse': 'Avg response', 'rep.deals': 'Deals', 'rep.conversion': 'Conversion',
  'rep.revenue': 'Revenue', 'rep.refusals': 'Refusals', 'rep.qa': 'QA score', 'rep.by': 'By', 'rep.bySource': 'source', 'rep.byCategory': 'category',
  'rep.key': 'Key', 'rep.calls': 'Calls', 'rep.leads': 'Leads', 'rep.callToLead': 'Call → lead', 'rep.leadToDeal': 'Lead → deal',
  'rep.basePay': 'Base pay', 'rep.sameDayShare': 'Same-day share', 'rep.percent': 'Percent', 'rep.bonus': 'Bonus', 'rep.total': 'Total', 'rep.formula': 'Formula',
  'common.forbidden': 'This page needs role {role}.', 'common.notFound': 'Not found.', 'common.error': 'Something went wrong', 'common.back': 'Back',
  'common.yes': 'yes', 'common.no': 'no', 'common.none': '—', 'common.save': 'Save', 'common.saved': 'Saved', 'common.language': 'Русский',
  'role.operator': 'operator', 'role.supervisor': 'supervisor', 'role.admin': 'admin',
  'status.new': 'new', 'status.in_progress': 'in progress', 'status.callback_scheduled': 'callback scheduled', 'status.deal': 'deal', 'status.refused': 'refused', 'status.closed': 'closed', 'status.answered': 'answered', 'status.missed': 'missed', 'status.abandoned': 'abandoned', 'status.callback': 'callback', 'status.talking': 'talking', 'status.ringing': 'ringing', 'status.waiting': 'waiting', 'status.failed': 'failed', 'status.interrupted': 'interrupted', 'status.menu': 'voice menu', 'status.no_answer': 'no answer', 'status.busy': 'busy', 'status.cancelled': 'cancelled', 'status.done': 'done', 'status.pending': 'pending', 'status.applied': 'applied'
}

export type MessageKey = keyof typeof en

const ru: Record<MessageKey, string> = {
  'app.name': 'ringlead',
  'nav.wallboard': 'Табло', 'nav.calls': 'Звонки', 'nav.leads': 'Заявки', 'nav.golden': 'Золотой фонд',
  'nav.reports': 'Отчёты', 'nav.admin': 'Настройки', 'nav.logout': 'Выйти',
  'nav.reports.operators': 'Операторы', 'nav.reports.funnels': 'Воронки', 'nav.reports.motivation': 'Мотивация', 'nav.reports.digest': 'Сводка',
  'nav.admin.users': 'Пользователи', 'nav.admin.operators': 'Операторы', 'nav.admin.numbers': 'Номера отслеживания', 'nav.admin.menus': 'Голосовые меню', 'nav.admin.dialplan': 'Диалплан',
  'login.title': 'Вход', 'login.username': 'Логин', 'login.password': 'Пароль', 'login.submit': 'Войти',
  'login.bad': 'Неверный логин или пароль.', 'login.locked': 'Слишком много неудачных попыток. Повторите после {until}.',
  'setup.title': 'Создайте первого администратора', 'setup.intro': 'Войти пока некому. Учётная запись, созданная здесь, станет администратором; после этого страница исчезнет.',
  'setup.displayName': 'Ваше имя', 'setup.password2': 'Пароль ещё раз', 'setup.submit': 'Создать и войти', 'setup.mismatch': 'Пароли не совпадают.',
  'wb.operators': 'Операторы', 'wb.waiting': 'Ждут ответа', 'wb.today': 'Сегодня', 'wb.alerts': 'Тревоги',
  'wb.answered': 'Отвечено', 'wb.missed': 'Пропущено', 'wb.missedPct': 'Пропущено %', 'wb.missedShare': 'Доля пропущенных', 'wb.avgAnswer': 'Ср. ответ',
  'wb.openLeads': 'Открытые заявки', 'wb.overdueLeads': 'Просрочено', 'wb.deals': 'Сделки',
  'wb.nobodyWaiting': 'Никто не ждёт.', 'wb.noAlerts': 'Тревог нет.', 'wb.live': 'в эфире', 'wb.offline': 'переподключение…',
  'wb.position': '№', 'wb.caller': 'Звонящий', 'wb.waited': 'Ждёт', 'wb.returning': 'повторный',
  'state.available': 'свободен', 'state.ringing': 'звонок', 'state.talking': 'разговор', 'state.wrap_up': 'постобработка', 'state.paused': 'пауза', 'state.unregistered': 'не в сети',
  'alert.missed_call': 'Пропущенный звонок', 'alert.lead_overdue': 'Заявка просрочена', 'alert.nobody_free': 'Нет свободных', 'alert.qa': 'Качество разговора', 'alert.customer': 'Недовольный клиент',
  'pop.title': 'Входящий звонок', 'pop.outbound': 'Звонок клиенту', 'pop.open': 'Открыть карточку клиента', 'pop.unknown': 'Новый клиент',
  'calls.title': 'Звонки', 'calls.date': 'Дата', 'calls.operator': 'Оператор', 'calls.source': 'Источник', 'calls.category': 'Категория', 'calls.result': 'Результат',
  'calls.any': 'все', 'calls.filter': 'Показать', 'calls.reset': 'Сбросить', 'calls.when': 'Когда', 'calls.caller': 'Клиент', 'calls.number': 'Номер',
  'calls.ring': 'Дозвон', 'calls.talk': 'Разговор', 'calls.score': 'Оценка QA', 'calls.none': 'Звонков нет.', 'calls.older': 'Ранее', 'calls.direction': 'Направление',
  'call.title': 'Звонок', 'call.plan': 'План маршрутизации', 'call.attempts': 'Попытки', 'call.menuPath': 'Голосовое меню', 'call.queue': 'Ожидание в очереди',
  'call.recordings': 'Записи', 'call.transcript': 'Расшифровка', 'call.disposition': 'Итог', 'call.lead': 'Заявка', 'call.skipped': 'Пропущены',
  'call.noRecordings': 'Записей нет.', 'call.golden': 'Золотой фонд', 'call.markGolden': 'Отметить как образцовый', 'call.note': 'Заметка', 'call.save': 'Сохранить',
  'call.customer': 'Клиент', 'call.started': 'Начало', 'call.answeredBy': 'Ответил', 'call.reasons': 'Причины', 'call.warnings': 'Предупреждения',
  'leads.title': 'Заявки', 'leads.board': 'Доска', 'leads.list': 'Список', 'leads.owner': 'Ответственный', 'leads.status': 'Статус', 'leads.deadline': 'Срок',
  'leads.source': 'Источник', 'leads.overdue': 'Только просроченные', 'leads.open': 'Только открытые', 'leads.customer': 'Клиент', 'leads.created': 'Создана',
  'leads.none': 'Заявок нет.', 'leads.older': 'Ранее', 'leads.left': 'осталось', 'leads.late': 'просрочено', 'leads.channel': 'Канал',
  'lead.title': 'Заявка', 'lead.events': 'События', 'lead.ladder': 'Лестница эскалации', 'lead.changeStatus': 'Сменить статус', 'lead.changeOwner': 'Сменить ответственного',
  'lead.reason': 'Причина', 'lead.apply': 'Применить', 'lead.message': 'Сообщение', 'lead.noEvents': 'Событий нет.', 'lead.noLadder': 'Шагов эскалации нет.',
  'customer.title': 'Клиент', 'customer.calls': 'Звонки', 'customer.leads': 'Заявки', 'customer.notes': 'Заметки', 'customer.lastOperator': 'Последний оператор',
  'dial.button': 'Позвонить', 'dial.started': 'Звоним: сначала зазвонит ваш телефон', 'dial.failed': 'Не удалось позвонить',
  'golden.title': 'Золотой фонд', 'golden.none': 'Образцовых звонков пока нет. Отметьте звонок на его странице.', 'golden.markedBy': 'Отметил', 'golden.remove': 'Убрать',
  'users.title': 'Пользователи', 'users.username': 'Логин', 'users.displayName': 'Имя', 'users.role': 'Роль', 'users.operator': 'Оператор', 'users.language': 'Язык',
  'users.state': 'Состояние', 'users.active': 'активен', 'users.disabled': 'отключён', 'users.add': 'Новый пользователь', 'users.create': 'Создать', 'users.disable': 'Отключить', 'users.enable': 'Включить',
  'ops.title': 'Операторы', 'ops.endpoint': 'Телефон', 'ops.mobile': 'Мобильный', 'ops.manager': 'Руководитель', 'ops.skills': 'Навыки', 'ops.live': 'Сейчас', 'ops.pause': 'Пауза', 'ops.unpause': 'Снять паузу',
  'numbers.title': 'Номера отслеживания', 'numbers.did': 'Номер', 'numbers.label': 'Подпись', 'numbers.menu': 'Меню',
  'menus.title': 'Голосовые меню', 'menus.default': 'по умолчанию', 'menus.options': 'Пункты',
  'admin.edit': 'Изменить', 'admin.remove': 'Удалить', 'admin.confirmRemove': 'Удалить {what}?', 'common.jsonObject': 'ожидается объект {…}',
  'ops.add': 'Новый оператор', 'ops.skillHint': 'уровень {min}–{max}; пусто: нет навыка', 'ops.noCategories': 'Категорий пока нет.',
  'numbers.add': 'Новый номер', 'numbers.defaultMenu': 'меню по умолчанию',
  'menus.add': 'Новое меню', 'menus.id': 'Код меню', 'menus.definition': 'Описание (JSON)', 'menus.hint': 'сервер проверит его и назовёт путь к любой ошибке', 'menus.makeDefault': 'Сделать основным',
  'users.newPassword': 'Новый пароль', 'users.keepPassword': 'пусто: не менять',
  'dialplan.title': 'Диалплан', 'dialplan.pending': 'Изменения ещё не применены', 'dialplan.clean': 'Asterisk работает с тем, что описано в базе.',
  'dialplan.apply': 'Применить и перезагрузить Asterisk', 'dialplan.history': 'История', 'dialplan.rollback': 'Откатить к этой', 'dialplan.version': 'Версия',
  'reports.from': 'С', 'reports.to': 'По', 'reports.show': 'Показать', 'reports.csv': 'CSV', 'reports.unavailable': 'Отчёт недоступен',
  'reports.day': 'Сегодня', 'reports.week': 'Эта неделя', 'reports.month': 'Этот месяц', 'reports.totals': 'Итого',
  'rep.operators': 'Эффективность операторов', 'rep.funnels': 'Воронки', 'rep.motivation': 'Мотивация', 'rep.digest': 'Сводка',
  'rep.name': 'Оператор', 'rep.offered': 'Поступило', 'rep.answered': 'Отвечено', 'rep.missed': 'Пропущено', 'rep.missedPct': 'Пропущено %', 'rep.avgAnswer': 'Ср. ответ',
  'rep.talk': 'Время разговоров', 'rep.leadsOwned': 'Заявки', 'rep.leadsInSla': 'В срок', 'rep.avgResponse': 'Ср. реакция', 'rep.deals': 'Сделки', 'rep.conversion': 'Конверсия',
  'rep.revenue': 'Выручка', 'rep.refusals': 'Отказы', 'rep.qa': 'Оценка качества', 'rep.by': 'Разрез', 'rep.bySource': 'источник', 'rep.byCategory': 'категория',
  'rep.key': 'Ключ', 'rep.calls': 'Звонки', 'rep.leads': 'Заявки', 'rep.callToLead': 'Звонок → заявка', 'rep.leadToDeal': 'Заявка → сделка',
  'rep.basePay': 'Оклад', 'rep.sameDayShare': 'Доля в тот же день', 'rep.percent': 'Процент', 'rep.bonus': 'Премия', 'rep.total': 'Итого', 'rep.formula': 'Формула',
  'common.forbidden': 'Для этой страницы нужна роль {role}.', 'common.notFound': 'Не найдено.', 'common.error': 'Что-то пошло не так', 'common.back': 'Назад',
  'common.yes': 'да', 'common.no': 'нет', 'common.none': '—', 'common.save': 'Сохранить', 'common.saved': 'Сохранено', 'common.language': 'English',
  'role.operator': 'оператор', 'role.supervisor': 'супервизор', 'role.admin': 'администратор',
  'status.new': 'новая', 'status.in_progress': 'в работе', 'status.callback_scheduled': 'перезвонить', 'status.deal': 'сделка', 'status.refused': 'отказ', 'status.closed': 'закрыта', 'status.answered': 'отвечен', 'status.missed': 'пропущен', 'status.abandoned': 'брошен', 'status.callback': 'перезвон', 'status.talking': 'разговор', 'status.ringing': 'звонок', 'status.waiting': 'ждёт', 'status.failed': 'ошибка', 'status.interrupted': 'прерван', 'status.menu': 'голосовое меню', 'status.no_answer': 'нет ответа', 'status.busy': 'занято', 'status.cancelled': 'отменён', 'status.done': 'выполнен', 'status.pending': 'ожидает', 'status.applied': 'применён'
}

export const messages: Record<Lang, Record<MessageKey, string>> = { en, ru }

/** A translator for one language; `{name}` in a message is replaced from `vars`. Unknown keys show as themselves. */
export function translator (lang: Lang): (key: string, vars?: Record<string, string | number>) => string {
  const table = messages[lang] as Record<string, string>
  return (key, vars) => {
    let text = table[key] ?? key
    if (vars !== undefined) for (const [name, value] of Object.entries(vars)) text = text.replaceAll(`{${name}}`, String(value))
    return text
  }
}

/** The messages the browser-side script needs, by key. */
export function clientMessages (lang: Lang): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [key, value] of Object.entries(messages[lang])) {
    if (/^(state|alert|pop|dial|wb|leads|common)\./.test(key)) out[key] = value
  }
  return out
}
