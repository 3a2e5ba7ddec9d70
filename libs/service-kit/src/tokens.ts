/** DI tokens shared by every app. */
export const SERVICE_CONFIG = Symbol('SERVICE_CONFIG');
export const LOGGER = Symbol('LOGGER');
export const SERVICE_NAME = Symbol('SERVICE_NAME');
export const HEALTH_CHECKS = Symbol('HEALTH_CHECKS');
export const SERVICE_OPTIONS = Symbol('SERVICE_OPTIONS');
