export { DomainError, isDomainError, type ErrorDetails } from './errors/domain-error';
export { ErrorCode, ERROR_CODES } from './errors/error-code';
export { ERROR_MESSAGES, errorMessage, localeFrom, type Locale } from './errors/messages';
