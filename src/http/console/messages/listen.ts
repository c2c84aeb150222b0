// Listening in on a call: the button on a talking operator (wallboard) and on a live call, what it
// says while the phone rings, and the sessions on the call's story.
export const en = {
  'listen.button': 'Listen',
  'listen.title': 'Listen to this call from my phone',
  'listen.ringing': 'Your phone is ringing: answer to hear the call. Keys: 4 listen, 5 whisper to the operator, 6 join the call.',
  'listen.noCall': 'This operator has no call to listen to right now.',
  'listen.keys': 'On your phone: 4 listen, 5 whisper to the operator, 6 join the call.',
  'listen.story': 'Supervision',
  'listen.kind.ringing': 'phone ringing',
  'listen.kind.started': 'started',
  'listen.kind.mode': 'switched',
  'listen.kind.ended': 'ended',
  'listen.mode.listen': 'listening',
  'listen.mode.whisper': 'whispering to the operator',
  'listen.mode.barge': 'in the call'
}

export const ru: Record<keyof typeof en, string> = {
  'listen.button': 'Слушать',
  'listen.title': 'Слушать этот звонок со своего телефона',
  'listen.ringing': 'Звонит ваш телефон: снимите трубку, чтобы слышать разговор. Клавиши: 4 — слушать, 5 — подсказывать оператору, 6 — войти в разговор.',
  'listen.noCall': 'Сейчас у этого оператора нет разговора, который можно слушать.',
  'listen.keys': 'На телефоне: 4 — слушать, 5 — подсказывать оператору, 6 — войти в разговор.',
  'listen.story': 'Прослушивание',
  'listen.kind.ringing': 'звонит телефон',
  'listen.kind.started': 'начато',
  'listen.kind.mode': 'переключено',
  'listen.kind.ended': 'завершено',
  'listen.mode.listen': 'слушает',
  'listen.mode.whisper': 'подсказывает оператору',
  'listen.mode.barge': 'в разговоре'
}
