/** The note put on a CRM lead whose client erased their data: says what happened, names nobody. */
export const ERASURE_NOTE_TEXT =
  'Клиент воспользовался правом на удаление персональных данных (152-ФЗ / GDPR): его имя, контакты и переписка удалены в crm-channels. ' +
  'Удалите их и в этой CRM, если этого требует ваша политика.';
