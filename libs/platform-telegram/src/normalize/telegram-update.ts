// The subset of the Bot API `Update` the normalizer reads (PLATFORMS.md §1, Bot API 10.1). Every field is optional
// here on purpose: the body comes from the network, so the normalizer checks what it uses and ignores the rest
// (Telegram adds update kinds and message fields over time).

export interface TgUser {
  id?: number;
  is_bot?: boolean;
  first_name?: string;
  last_name?: string;
  username?: string;
}

export interface TgChat {
  id?: number;
  type?: string;
  title?: string;
  username?: string;
  first_name?: string;
  last_name?: string;
}

export interface TgFile {
  file_id?: string;
  file_unique_id?: string;
  file_size?: number;
  file_name?: string;
  mime_type?: string;
}

export interface TgPhotoSize extends TgFile {
  width?: number;
  height?: number;
}

export interface TgSticker extends TgFile {
  emoji?: string;
  is_animated?: boolean;
  is_video?: boolean;
  set_name?: string;
}

export interface TgAudio extends TgFile {
  performer?: string;
  title?: string;
  duration?: number;
}

export interface TgLocation {
  latitude?: number;
  longitude?: number;
}

export interface TgVenue {
  location?: TgLocation;
  title?: string;
  address?: string;
}

export interface TgContact {
  phone_number?: string;
  first_name?: string;
  last_name?: string;
  user_id?: number;
}

export interface TgMessage {
  message_id?: number;
  from?: TgUser;
  date?: number;
  edit_date?: number;
  chat?: TgChat;
  reply_to_message?: { message_id?: number };
  media_group_id?: string;
  text?: string;
  caption?: string;
  photo?: TgPhotoSize[];
  document?: TgFile;
  animation?: TgFile;
  audio?: TgAudio;
  voice?: TgFile;
  video?: TgFile;
  video_note?: TgFile;
  sticker?: TgSticker;
  location?: TgLocation;
  venue?: TgVenue;
  contact?: TgContact;
  [other: string]: unknown;
}

export interface TgUpdate {
  update_id?: number;
  message?: TgMessage;
  edited_message?: TgMessage;
  [other: string]: unknown;
}
