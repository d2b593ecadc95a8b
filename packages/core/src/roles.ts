import { z } from 'zod';

/**
 * What a person may do. Every account is a contributor; the other roles are granted by an admin.
 * A reviewer sees everything to review it, a moderator also decides takedowns and flags,
 * a trainer registers models and reads the feedback on them, an admin runs the instance.
 */
export const Role = z.enum(['contributor', 'reviewer', 'moderator', 'trainer', 'admin']);
export type Role = z.infer<typeof Role>;

/** Roles that may read every conversation and feedback event in the pool (to review it). */
export const POOL_READER_ROLES: readonly Role[] = ['reviewer', 'moderator', 'admin'];

/**
 * @example hasAnyRole(['contributor', 'reviewer'], POOL_READER_ROLES) // true
 */
export function hasAnyRole(held: readonly Role[], wanted: readonly Role[]): boolean {
  return held.some((r) => wanted.includes(r));
}
