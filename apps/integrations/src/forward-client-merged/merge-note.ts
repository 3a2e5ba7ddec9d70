/** The comment put on a CRM lead whose client absorbed a duplicate (POST /clients/:id/merge). Ids only, no personal data. */
export function mergeNoteText(clientId: string, mergedClientId: string): string {
  return (
    `Клиенты объединены в crm-channels: клиент ${mergedClientId} присоединён к клиенту ${clientId}. ` +
    'Его каналы, диалоги и сделки теперь у одного клиента; объедините контакты и в этой CRM, если они здесь разные.'
  );
}
