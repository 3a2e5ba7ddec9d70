/**
 * The listen queue of every service and of the dev/benchmark public origin (tools/dev-stack/gateway.ts); nginx's
 * `listen … backlog=` in deploy/proxy/nginx.conf says the same. Node's default (511) overflows when the event loop
 * stalls for a moment under a burst of new connections — a platform re-delivering a backlog, or the proxy opening
 * upstream connections after a pause: the kernel then drops handshakes and the clients re-send them after 1 s, then
 * 3 s, so webhooks are answered seconds late (Avito gives up after 2 s). The kernel caps it at net.core.somaxconn
 * (4096 by default). A file of its own so the gateway takes it without loading Nest.
 */
export const HTTP_LISTEN_BACKLOG = 4096;
