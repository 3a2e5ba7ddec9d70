export type Role = 'admin' | 'agent';
export const ROLES: readonly Role[] = ['admin', 'agent'];

/** Who is calling, from the verified bearer token. `accountId` scopes every query (tenant isolation). */
export interface AuthUser {
  userId: string;
  accountId: string;
  role: Role;
}
