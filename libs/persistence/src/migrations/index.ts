import { InitialSchema1795577797335 } from './1795577797335-InitialSchema';
import { ChannelHealth1795579454329 } from './1795579454329-ChannelHealth';
import { TelegramAlbumParts1795579676579 } from './1795579676579-TelegramAlbumParts';
import { LiveEvents1796124258235 } from './1796124258235-LiveEvents';
import { ClientPhoneVerified1796124364932 } from './1796124364932-ClientPhoneVerified';
import { UnavailableChannelTypes1796124372023 } from './1796124372023-UnavailableChannelTypes';
import { OutboundDeliveries1796124759225 } from './1796124759225-OutboundDeliveries';
import { AvitoAccessTokens1796124810359 } from './1796124810359-AvitoAccessTokens';
import { DialogContext1796126898039 } from './1796126898039-DialogContext';
import { VkConnector1796125064579 } from './1796125064579-VkConnector';
import { IntegrationSync1796125236227 } from './1796125236227-IntegrationSync';
import { ChannelTypeFormat1796125688257 } from './1796125688257-ChannelTypeFormat';
import { AuditLog1796133221439 } from './1796133221439-AuditLog';
import { InstanceCoordination1796133305693 } from './1796133305693-InstanceCoordination';
import { ClientMerges1796133366792 } from './1796133366792-ClientMerges';
import { ReplyRequests1796289127322 } from './1796289127322-ReplyRequests';

export { ChannelHealth1795579454329, InitialSchema1795577797335, TelegramAlbumParts1795579676579, LiveEvents1796124258235, ClientPhoneVerified1796124364932, UnavailableChannelTypes1796124372023, OutboundDeliveries1796124759225, AvitoAccessTokens1796124810359, VkConnector1796125064579, IntegrationSync1796125236227, ChannelTypeFormat1796125688257, DialogContext1796126898039, AuditLog1796133221439, InstanceCoordination1796133305693, ClientMerges1796133366792, ReplyRequests1796289127322 };

/** Every migration, oldest first. Append new ones; never edit or reorder landed ones. */
export const ALL_MIGRATIONS = [InitialSchema1795577797335, ChannelHealth1795579454329, TelegramAlbumParts1795579676579, LiveEvents1796124258235, ClientPhoneVerified1796124364932, UnavailableChannelTypes1796124372023, OutboundDeliveries1796124759225, AvitoAccessTokens1796124810359, VkConnector1796125064579, IntegrationSync1796125236227, ChannelTypeFormat1796125688257, DialogContext1796126898039, AuditLog1796133221439, InstanceCoordination1796133305693, ClientMerges1796133366792, ReplyRequests1796289127322];
