import { InitialSchema1795577797335 } from './1795577797335-InitialSchema';

export { InitialSchema1795577797335 };

/** Every migration, oldest first. Append new ones; never edit or reorder landed ones. */
export const ALL_MIGRATIONS = [InitialSchema1795577797335];
