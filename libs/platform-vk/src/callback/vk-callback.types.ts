// The subset of VK Callback API bodies (API 5.199, PLATFORMS.md §3) the connector reads. Every field is optional on
// purpose: the body comes from the network, so the normalizer checks what it uses and ignores the rest (VK adds event
// types and message fields over time).

/** `{ type, object, group_id, event_id, v, secret }` — every Callback API call. */
export interface VkCallback {
  type?: string;
  object?: unknown;
  group_id?: number;
  event_id?: string;
  v?: string;
  secret?: string;
}

export interface VkPhotoSize {
  type?: string;
  url?: string;
  width?: number;
  height?: number;
}

export interface VkPhoto {
  id?: number;
  owner_id?: number;
  access_key?: string;
  text?: string;
  sizes?: VkPhotoSize[];
}

export interface VkDoc {
  id?: number;
  owner_id?: number;
  title?: string;
  size?: number;
  ext?: string;
  url?: string;
  type?: number;
  access_key?: string;
}

export interface VkAudioMessage {
  id?: number;
  owner_id?: number;
  duration?: number;
  link_mp3?: string;
  link_ogg?: string;
  access_key?: string;
}

export interface VkVideo {
  id?: number;
  owner_id?: number;
  title?: string;
  duration?: number;
  access_key?: string;
  player?: string;
}

export interface VkAudio {
  id?: number;
  owner_id?: number;
  artist?: string;
  title?: string;
  duration?: number;
  url?: string;
}

export interface VkImage {
  url?: string;
  width?: number;
  height?: number;
}

export interface VkSticker {
  product_id?: number;
  sticker_id?: number;
  images?: VkImage[];
  images_with_background?: VkImage[];
  animation_url?: string;
}

export interface VkGraffiti {
  id?: number;
  owner_id?: number;
  url?: string;
  width?: number;
  height?: number;
}

export interface VkLink {
  url?: string;
  title?: string;
  caption?: string;
  description?: string;
}

export interface VkWall {
  id?: number;
  owner_id?: number;
  from_id?: number;
  to_id?: number;
  text?: string;
}

export interface VkMarket {
  id?: number;
  owner_id?: number;
  title?: string;
  description?: string;
  price?: { amount?: string; currency?: { name?: string }; text?: string };
}

/** `{ type, <type>: {...} }` */
export interface VkAttachment {
  type?: string;
  photo?: VkPhoto;
  doc?: VkDoc;
  audio_message?: VkAudioMessage;
  video?: VkVideo;
  audio?: VkAudio;
  sticker?: VkSticker;
  graffiti?: VkGraffiti;
  link?: VkLink;
  wall?: VkWall;
  market?: VkMarket;
  [other: string]: unknown;
}

export interface VkGeo {
  type?: string;
  coordinates?: { latitude?: number; longitude?: number };
  place?: { title?: string; city?: string; country?: string; address?: string };
}

/** Schema `messages_message`. */
export interface VkMessage {
  id?: number;
  date?: number;
  update_time?: number;
  peer_id?: number;
  from_id?: number;
  text?: string;
  conversation_message_id?: number;
  out?: number;
  attachments?: VkAttachment[];
  fwd_messages?: VkMessage[];
  reply_message?: VkMessage;
  geo?: VkGeo;
  payload?: string;
  ref?: string;
  ref_source?: string;
  action?: { type?: string };
}

/** `message_new`: `{ message, client_info }`. */
export interface VkMessageNewObject {
  message?: VkMessage;
  client_info?: { lang_id?: number };
}

/** `message_allow` / `message_deny`. */
export interface VkPermissionObject {
  user_id?: number;
  key?: string;
}
