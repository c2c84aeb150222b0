// The wallboard's own words: service level, longest wait, the view per category, pauses with a
// reason and TV mode (keys start with wb. so the browser's script gets them too); the digest's CSV links.
export const en = {
  'wb.serviceLevel': 'Service level', 'wb.serviceLevelHint': 'answered within {seconds} s',
  'wb.longestWait': 'Longest wait', 'wb.waitingNow': 'Waiting now',
  'wb.category': 'Category', 'wb.allCategories': 'All categories', 'wb.show': 'Show',
  'wb.tv': 'TV mode', 'wb.fullscreen': 'Full screen', 'wb.exitTv': 'Leave TV mode',
  'wb.pauseReason': 'Reason', 'wb.pauseMe': 'Pause me', 'wb.pauseOperator': 'Pause', 'wb.resume': 'Resume', 'wb.resumeMe': 'Back to work',
  'wb.paused': 'Paused: {reason}', 'wb.pausedDone': 'Paused', 'wb.resumed': 'Back to work',
  'wb.phoneCodes': 'From the phone: {prefix} and the reason\'s number',
  'wb.pause.lunch': 'lunch', 'wb.pause.training': 'training', 'wb.pause.break': 'break', 'wb.pause.meeting': 'meeting',
  'wb.pause.none': 'no reason given', 'wb.noOperatorForPause': 'This account is not an operator: nobody to pause.',
  'wb.unknownReason': 'Unknown pause reason: {reason}.', 'wb.unknownOperator': 'No such operator.',
  'wb.notYours': 'An operator may pause only themselves.',
  'rep.digestNumbers': 'today\'s numbers', 'rep.digestProblems': 'problem zones'
}

export const ru: Record<keyof typeof en, string> = {
  'wb.serviceLevel': 'Уровень сервиса', 'wb.serviceLevelHint': 'отвечено за {seconds} с',
  'wb.longestWait': 'Дольше всех ждёт', 'wb.waitingNow': 'Ждут сейчас',
  'wb.category': 'Категория', 'wb.allCategories': 'Все категории', 'wb.show': 'Показать',
  'wb.tv': 'Режим ТВ', 'wb.fullscreen': 'Во весь экран', 'wb.exitTv': 'Выйти из режима ТВ',
  'wb.pauseReason': 'Причина', 'wb.pauseMe': 'Поставить себя на паузу', 'wb.pauseOperator': 'Пауза', 'wb.resume': 'Снять паузу', 'wb.resumeMe': 'Вернуться к работе',
  'wb.paused': 'Пауза: {reason}', 'wb.pausedDone': 'На паузе', 'wb.resumed': 'Снова на линии',
  'wb.phoneCodes': 'С телефона: {prefix} и номер причины',
  'wb.pause.lunch': 'обед', 'wb.pause.training': 'обучение', 'wb.pause.break': 'перерыв', 'wb.pause.meeting': 'совещание',
  'wb.pause.none': 'без причины', 'wb.noOperatorForPause': 'Эта учётная запись не оператор: ставить на паузу некого.',
  'wb.unknownReason': 'Неизвестная причина паузы: {reason}.', 'wb.unknownOperator': 'Нет такого оператора.',
  'wb.notYours': 'Оператор может поставить на паузу только себя.',
  'rep.digestNumbers': 'цифры за сегодня', 'rep.digestProblems': 'проблемные зоны'
}
