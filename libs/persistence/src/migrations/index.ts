import { InitialSchema1795577797335 } from './1795577797335-InitialSchema';
import { ChannelHealth1795579454329 } from './1795579454329-ChannelHealth';
import { TelegramAlbumParts1795579676579 } from './1795579676579-TelegramAlbumParts';

export { ChannelHealth1795579454329, InitialSchema1795577797335, TelegramAlbumParts1795579676579 };

/** Every migration, oldest first. Append new ones; never edit or reorder landed ones. */
export const ALL_MIGRATIONS = [InitialSchema1795577797335, ChannelHealth1795579454329, TelegramAlbumParts1795579676579];
