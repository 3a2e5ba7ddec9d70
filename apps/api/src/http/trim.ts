import { Transform } from 'class-transformer';

/** Trims string input (names, descriptions) before it is validated. */
export const Trim = () => Transform(({ value }) => (typeof value === 'string' ? value.trim() : value));
