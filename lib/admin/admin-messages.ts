/**
 * Operator-facing messages of the admin API, in both languages. Field messages of the
 * configuration schema live with the schema (module-schema.ts); these are the API's own.
 */
import { fieldError, type FieldError, type Language } from '../config/module-schema';

const MESSAGES: Record<Language, Record<string, string>> = {
  en: {
    unauthorized: 'Sign in with the admin key.',
    not_found: 'Nothing was found at this address.',
    module_not_found: 'No module has this code.',
    destination_not_found: 'No destination has this code.',
    customer_not_found: 'No customer has this id.',
    lookup_source_not_found: 'No lookup source has this name.',
    method_not_allowed: 'This address does not accept this method.',
    invalid_json: 'The request body is not valid JSON.',
    invalid_fields: 'Some fields need attention.',
    invalid_import: 'Nothing was imported: correct the rows listed and import again.',
    invalid_query: 'A filter value is not valid.',
    invalid_cursor: 'The paging position is no longer valid; start from the first page.',
    payload_too_large: 'The upload is too large.',
    unsupported_media_type: 'This content type is not accepted here.',
    unsupported_audio: 'Upload a WAV or MP3 file.',
    duplicate_code: 'This code is already used.',
    code_immutable: 'The code of a saved record cannot change; create a new one instead.',
    module_in_use: 'This module cannot be deleted: destinations hand calls to it.',
    destination_in_use: 'This destination cannot be deleted: modules point at it.',
    unknown_module: 'No module has this code.',
    unknown_prompt: 'There is no prompt with this name.',
    crm_failed: 'The CRM did not answer; try again shortly.',
    recordings_unavailable: 'Uploading recordings is not available on this installation yet.',
    internal: 'Something went wrong on our side; nothing was changed.',
    secret_missing: 'The admin API is not available: a secret of this installation is not set (see "secret" for its name). Set it with npm run secret -- set <name>.',
    csv_syntax: 'This line is not valid CSV (check the quotes).',
    csv_empty: 'The file is empty: the first line must name the columns.',
    csv_missing_column: 'This column is required in the first line.',
    csv_column_count: 'This line has a different number of columns from the first line.',
    unknown_customer: 'No customer has this id (import the customer first).',
    duplicate_source: 'A lookup source with this name already exists.',
    source_in_use: 'This lookup source cannot be deleted: modules use it.',
    source_built_in: 'The built-in ledger cannot be changed or deleted.',
    sources_unavailable: 'Lookup sources cannot be managed on this installation.',
    password_not_stored: 'Passwords are never stored here: put the password in the secret store and enter the secret\'s name.',
  },
  fa: {
    unauthorized: 'با کلید مدیریت وارد شوید.',
    not_found: 'چیزی در این نشانی پیدا نشد.',
    module_not_found: 'ماژولی با این کد وجود ندارد.',
    destination_not_found: 'مقصدی با این کد وجود ندارد.',
    customer_not_found: 'مشتری‌ای با این شناسه وجود ندارد.',
    lookup_source_not_found: 'منبع استعلامی با این نام وجود ندارد.',
    method_not_allowed: 'این نشانی این نوع درخواست را نمی‌پذیرد.',
    invalid_json: 'بدنه درخواست JSON معتبر نیست.',
    invalid_fields: 'برخی فیلدها نیاز به اصلاح دارند.',
    invalid_import: 'هیچ داده‌ای وارد نشد: ردیف‌های فهرست‌شده را اصلاح کنید و دوباره وارد کنید.',
    invalid_query: 'یکی از مقادیر فیلتر معتبر نیست.',
    invalid_cursor: 'موقعیت صفحه‌بندی دیگر معتبر نیست؛ از صفحه اول شروع کنید.',
    payload_too_large: 'فایل ارسالی بیش از حد بزرگ است.',
    unsupported_media_type: 'این نوع محتوا در این‌جا پذیرفته نمی‌شود.',
    unsupported_audio: 'یک فایل WAV یا MP3 بارگذاری کنید.',
    duplicate_code: 'این کد قبلاً استفاده شده است.',
    code_immutable: 'کد رکورد ذخیره‌شده تغییر نمی‌کند؛ به جای آن رکورد تازه‌ای بسازید.',
    module_in_use: 'این ماژول را نمی‌توان حذف کرد: مقصدهایی تماس را به آن می‌سپارند.',
    destination_in_use: 'این مقصد را نمی‌توان حذف کرد: ماژول‌هایی به آن اشاره می‌کنند.',
    unknown_module: 'ماژولی با این کد وجود ندارد.',
    unknown_prompt: 'پیامی با این نام وجود ندارد.',
    crm_failed: 'نرم‌افزار CRM پاسخ نداد؛ کمی بعد دوباره تلاش کنید.',
    recordings_unavailable: 'بارگذاری فایل صوتی هنوز در این نصب در دسترس نیست.',
    internal: 'خطایی در سامانه رخ داد؛ هیچ تغییری اعمال نشد.',
    secret_missing: 'رابط مدیریت در دسترس نیست: یکی از رمزهای این نصب تنظیم نشده است (نام آن در «secret» آمده است). آن را با npm run secret -- set <name> تنظیم کنید.',
    csv_syntax: 'این خط CSV معتبر نیست (نقل‌قول‌ها را بررسی کنید).',
    csv_empty: 'فایل خالی است: خط اول باید نام ستون‌ها باشد.',
    csv_missing_column: 'این ستون در خط اول الزامی است.',
    csv_column_count: 'تعداد ستون‌های این خط با خط اول یکی نیست.',
    unknown_customer: 'مشتری‌ای با این شناسه وجود ندارد (ابتدا مشتری را وارد کنید).',
    duplicate_source: 'منبع استعلامی با این نام از قبل وجود دارد.',
    source_in_use: 'این منبع استعلام را نمی‌توان حذف کرد: ماژول‌هایی از آن استفاده می‌کنند.',
    source_built_in: 'دفتر داخلی (ledger) را نمی‌توان تغییر داد یا حذف کرد.',
    sources_unavailable: 'مدیریت منابع استعلام در این نصب در دسترس نیست.',
    password_not_stored: 'گذرواژه هرگز این‌جا ذخیره نمی‌شود: گذرواژه را در انبار رمزها بگذارید و نام رمز را وارد کنید.',
  },
};

export function adminMessage(code: string, language: Language): string {
  return MESSAGES[language][code] ?? MESSAGES[language].internal ?? code;
}

/** A field error with an admin-API code, falling back to the schema's messages. */
export function adminFieldError(field: string, code: string, language: Language): FieldError {
  const message = MESSAGES[language][code];
  return message ? { field, code, message } : fieldError(field, code, language);
}
