// @crm/routing-data — the Postgres side of @crm/routing's RoutingLookupPort, shared by lead-routing (which routes) and
// the api (which previews routing, POST /routing/simulate), so both ask the database the very same questions.
export { effectiveStage, findDialog, PostgresRoutingLookups, type SqlRunner } from './routing-lookups.queries';
