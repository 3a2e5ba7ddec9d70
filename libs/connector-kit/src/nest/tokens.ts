/** DI tokens of the connector kit (bound by connectorKitProviders). */
export const KIT_OPTIONS = Symbol('CONNECTOR_KIT_OPTIONS');
export const CHANNEL_STATE_PORT = Symbol('CHANNEL_STATE_PORT');
export const WEBHOOK_PORT = Symbol('WEBHOOK_PORT');
export const OUTBOUND_PORT = Symbol('OUTBOUND_PORT');
export const LIFECYCLE_PORT = Symbol('LIFECYCLE_PORT');
export const HEALTH_CHECK_PORT = Symbol('HEALTH_CHECK_PORT');
