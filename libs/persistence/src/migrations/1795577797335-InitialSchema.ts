import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The whole initial data model. Frozen once landed: change the schema with a new migration, never by editing this.
 * Plain SQL on purpose (no imports from the entities or enums), so later code changes cannot alter it.
 */
export class InitialSchema1795577797335 implements MigrationInterface {
  name = 'InitialSchema1795577797335';

  public async up(q: QueryRunner): Promise<void> {
    // --- accounts -------------------------------------------------------------------------------------------
    await q.query(`
      CREATE TABLE "accounts" (
        "id"         uuid        NOT NULL DEFAULT gen_random_uuid(),
        "name"       text        NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "pk_accounts" PRIMARY KEY ("id")
      )`);

    // --- integrations ---------------------------------------------------------------------------------------
    await q.query(`
      CREATE TABLE "integrations" (
        "id"                uuid        NOT NULL DEFAULT gen_random_uuid(),
        "account_id"        uuid        NOT NULL,
        "type"              text        NOT NULL,
        "name"              text        NOT NULL,
        "status"            text        NOT NULL DEFAULT 'active',
        "status_reason"     text,
        "settings"          jsonb       NOT NULL DEFAULT '{}',
        "secrets_encrypted" text,
        "created_at"        timestamptz NOT NULL DEFAULT now(),
        "updated_at"        timestamptz NOT NULL DEFAULT now(),
        "deleted_at"        timestamptz,
        CONSTRAINT "pk_integrations" PRIMARY KEY ("id"),
        CONSTRAINT "fk_integrations_account" FOREIGN KEY ("account_id") REFERENCES "accounts" ("id") ON DELETE CASCADE,
        CONSTRAINT "ck_integrations_type" CHECK ("type" IN ('bitrix24', 'amocrm')),
        CONSTRAINT "ck_integrations_status" CHECK ("status" IN ('active', 'inactive', 'error'))
      )`);
    await q.query(`CREATE INDEX "idx_integrations_account_id" ON "integrations" ("account_id")`);

    // --- funnels / funnel_stages ----------------------------------------------------------------------------
    await q.query(`
      CREATE TABLE "funnels" (
        "id"         uuid        NOT NULL DEFAULT gen_random_uuid(),
        "account_id" uuid        NOT NULL,
        "name"       text        NOT NULL,
        "position"   integer     NOT NULL DEFAULT 0,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        "deleted_at" timestamptz,
        CONSTRAINT "pk_funnels" PRIMARY KEY ("id"),
        CONSTRAINT "fk_funnels_account" FOREIGN KEY ("account_id") REFERENCES "accounts" ("id") ON DELETE CASCADE
      )`);
    await q.query(`CREATE INDEX "idx_funnels_account_id" ON "funnels" ("account_id")`);

    await q.query(`
      CREATE TABLE "funnel_stages" (
        "id"         uuid        NOT NULL DEFAULT gen_random_uuid(),
        "account_id" uuid        NOT NULL,
        "funnel_id"  uuid        NOT NULL,
        "name"       text        NOT NULL,
        "position"   integer     NOT NULL DEFAULT 0,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        "deleted_at" timestamptz,
        CONSTRAINT "pk_funnel_stages" PRIMARY KEY ("id"),
        CONSTRAINT "fk_funnel_stages_account" FOREIGN KEY ("account_id") REFERENCES "accounts" ("id") ON DELETE CASCADE,
        CONSTRAINT "fk_funnel_stages_funnel" FOREIGN KEY ("funnel_id") REFERENCES "funnels" ("id") ON DELETE CASCADE
      )`);
    await q.query(`CREATE INDEX "idx_funnel_stages_account_id" ON "funnel_stages" ("account_id")`);
    await q.query(`CREATE INDEX "idx_funnel_stages_funnel_position" ON "funnel_stages" ("funnel_id", "position")`);

    // --- channels -------------------------------------------------------------------------------------------
    await q.query(`
      CREATE TABLE "channels" (
        "id"                             uuid        NOT NULL DEFAULT gen_random_uuid(),
        "account_id"                     uuid        NOT NULL,
        "type"                           text        NOT NULL,
        "name"                           text        NOT NULL,
        "description"                    text,
        "status"                         text        NOT NULL DEFAULT 'inactive',
        "status_reason"                  text,
        "health_status"                  text        NOT NULL DEFAULT 'unknown',
        "health_checked_at"              timestamptz,
        "integration_id"                 uuid,
        "funnel_id"                      uuid,
        "stage_id"                       uuid,
        "create_lead_on_first_message"   boolean     NOT NULL DEFAULT false,
        "find_existing_lead"             boolean     NOT NULL DEFAULT false,
        "create_client_on_first_message" boolean     NOT NULL DEFAULT false,
        "auto_match_client"              boolean     NOT NULL DEFAULT false,
        "settings"                       jsonb       NOT NULL DEFAULT '{}',
        "secrets_encrypted"              text,
        "webhook_secret_encrypted"       text,
        "public_key"                     text,
        "credential_fingerprint"         text,
        "revision"                       integer     NOT NULL DEFAULT 1,
        "created_at"                     timestamptz NOT NULL DEFAULT now(),
        "updated_at"                     timestamptz NOT NULL DEFAULT now(),
        "deleted_at"                     timestamptz,
        CONSTRAINT "pk_channels" PRIMARY KEY ("id"),
        CONSTRAINT "fk_channels_account" FOREIGN KEY ("account_id") REFERENCES "accounts" ("id") ON DELETE CASCADE,
        CONSTRAINT "fk_channels_integration" FOREIGN KEY ("integration_id") REFERENCES "integrations" ("id") ON DELETE SET NULL,
        CONSTRAINT "fk_channels_funnel" FOREIGN KEY ("funnel_id") REFERENCES "funnels" ("id") ON DELETE SET NULL,
        CONSTRAINT "fk_channels_stage" FOREIGN KEY ("stage_id") REFERENCES "funnel_stages" ("id") ON DELETE SET NULL,
        CONSTRAINT "uq_channels_public_key" UNIQUE ("public_key"),
        CONSTRAINT "ck_channels_type" CHECK ("type" IN ('telegram', 'whatsapp', 'vk', 'avito', 'widget')),
        CONSTRAINT "ck_channels_status" CHECK ("status" IN ('active', 'inactive', 'error')),
        CONSTRAINT "ck_channels_health_status" CHECK ("health_status" IN ('unknown', 'healthy', 'degraded', 'unhealthy'))
      )`);
    await q.query(`CREATE INDEX "idx_channels_account_id" ON "channels" ("account_id")`);
    await q.query(
      `CREATE UNIQUE INDEX "uq_channels_account_type_credential" ON "channels" ("account_id", "type", "credential_fingerprint") WHERE "deleted_at" IS NULL`,
    );

    // --- clients / client_identities ------------------------------------------------------------------------
    await q.query(`
      CREATE TABLE "clients" (
        "id"         uuid        NOT NULL DEFAULT gen_random_uuid(),
        "account_id" uuid        NOT NULL,
        "name"       text        NOT NULL,
        "phone_e164" text,
        "email"      text,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "pk_clients" PRIMARY KEY ("id"),
        CONSTRAINT "fk_clients_account" FOREIGN KEY ("account_id") REFERENCES "accounts" ("id") ON DELETE CASCADE
      )`);
    await q.query(`CREATE INDEX "idx_clients_account_phone" ON "clients" ("account_id", "phone_e164")`);

    await q.query(`
      CREATE TABLE "client_identities" (
        "id"               uuid        NOT NULL DEFAULT gen_random_uuid(),
        "account_id"       uuid        NOT NULL,
        "client_id"        uuid        NOT NULL,
        "channel_id"       uuid        NOT NULL,
        "channel_type"     text        NOT NULL,
        "external_user_id" text        NOT NULL,
        "username"         text,
        "phone_e164"       text,
        "display_name"     text,
        "match_rule"       text        NOT NULL,
        "created_at"       timestamptz NOT NULL DEFAULT now(),
        "updated_at"       timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "pk_client_identities" PRIMARY KEY ("id"),
        CONSTRAINT "fk_client_identities_account" FOREIGN KEY ("account_id") REFERENCES "accounts" ("id") ON DELETE CASCADE,
        CONSTRAINT "fk_client_identities_client" FOREIGN KEY ("client_id") REFERENCES "clients" ("id") ON DELETE CASCADE,
        CONSTRAINT "fk_client_identities_channel" FOREIGN KEY ("channel_id") REFERENCES "channels" ("id") ON DELETE CASCADE,
        CONSTRAINT "uq_client_identities_channel_external_user" UNIQUE ("channel_id", "external_user_id"),
        CONSTRAINT "ck_client_identities_channel_type" CHECK ("channel_type" IN ('telegram', 'whatsapp', 'vk', 'avito', 'widget')),
        CONSTRAINT "ck_client_identities_match_rule" CHECK ("match_rule" IN ('identity', 'phone', 'username', 'created'))
      )`);
    await q.query(`CREATE INDEX "idx_client_identities_client_id" ON "client_identities" ("client_id")`);
    await q.query(
      `CREATE INDEX "idx_client_identities_account_type_username" ON "client_identities" ("account_id", "channel_type", lower("username"))`,
    );

    // --- dialogs / leads (they reference each other; dialogs.lead_id gets its FK once leads exists) -----------
    await q.query(`
      CREATE TABLE "dialogs" (
        "id"                      uuid        NOT NULL DEFAULT gen_random_uuid(),
        "account_id"              uuid        NOT NULL,
        "channel_id"              uuid        NOT NULL,
        "external_chat_id"        text        NOT NULL,
        "status"                  text        NOT NULL DEFAULT 'open',
        "client_id"               uuid,
        "lead_id"                 uuid,
        "conversation_started_at" timestamptz NOT NULL DEFAULT now(),
        "last_message_at"         timestamptz,
        "unread_count"            integer     NOT NULL DEFAULT 0,
        "closed_at"               timestamptz,
        "created_at"              timestamptz NOT NULL DEFAULT now(),
        "updated_at"              timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "pk_dialogs" PRIMARY KEY ("id"),
        CONSTRAINT "fk_dialogs_account" FOREIGN KEY ("account_id") REFERENCES "accounts" ("id") ON DELETE CASCADE,
        CONSTRAINT "fk_dialogs_channel" FOREIGN KEY ("channel_id") REFERENCES "channels" ("id") ON DELETE CASCADE,
        CONSTRAINT "fk_dialogs_client" FOREIGN KEY ("client_id") REFERENCES "clients" ("id") ON DELETE SET NULL,
        CONSTRAINT "uq_dialogs_channel_external_chat" UNIQUE ("channel_id", "external_chat_id"),
        CONSTRAINT "ck_dialogs_status" CHECK ("status" IN ('open', 'closed')),
        CONSTRAINT "ck_dialogs_unread_count" CHECK ("unread_count" >= 0)
      )`);
    await q.query(`CREATE INDEX "idx_dialogs_account_last_message" ON "dialogs" ("account_id", "last_message_at")`);
    await q.query(`CREATE INDEX "idx_dialogs_client_id" ON "dialogs" ("client_id")`);
    await q.query(`CREATE INDEX "idx_dialogs_lead_id" ON "dialogs" ("lead_id")`);

    await q.query(`
      CREATE TABLE "leads" (
        "id"         uuid        NOT NULL DEFAULT gen_random_uuid(),
        "account_id" uuid        NOT NULL,
        "client_id"  uuid,
        "funnel_id"  uuid,
        "stage_id"   uuid,
        "channel_id" uuid        NOT NULL,
        "dialog_id"  uuid        NOT NULL,
        "title"      text        NOT NULL,
        "status"     text        NOT NULL DEFAULT 'open',
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "pk_leads" PRIMARY KEY ("id"),
        CONSTRAINT "fk_leads_account" FOREIGN KEY ("account_id") REFERENCES "accounts" ("id") ON DELETE CASCADE,
        CONSTRAINT "fk_leads_client" FOREIGN KEY ("client_id") REFERENCES "clients" ("id") ON DELETE SET NULL,
        CONSTRAINT "fk_leads_funnel" FOREIGN KEY ("funnel_id") REFERENCES "funnels" ("id") ON DELETE SET NULL,
        CONSTRAINT "fk_leads_stage" FOREIGN KEY ("stage_id") REFERENCES "funnel_stages" ("id") ON DELETE SET NULL,
        CONSTRAINT "fk_leads_channel" FOREIGN KEY ("channel_id") REFERENCES "channels" ("id") ON DELETE NO ACTION,
        CONSTRAINT "fk_leads_dialog" FOREIGN KEY ("dialog_id") REFERENCES "dialogs" ("id") ON DELETE NO ACTION,
        CONSTRAINT "ck_leads_status" CHECK ("status" IN ('open', 'won', 'lost'))
      )`);
    await q.query(`CREATE INDEX "idx_leads_account_client_status" ON "leads" ("account_id", "client_id", "status")`);
    await q.query(`CREATE INDEX "idx_leads_client_id" ON "leads" ("client_id")`);
    await q.query(`CREATE INDEX "idx_leads_channel_id" ON "leads" ("channel_id")`);
    await q.query(`CREATE INDEX "idx_leads_dialog_id" ON "leads" ("dialog_id")`);

    await q.query(
      `ALTER TABLE "dialogs" ADD CONSTRAINT "fk_dialogs_lead" FOREIGN KEY ("lead_id") REFERENCES "leads" ("id") ON DELETE SET NULL`,
    );

    // --- messages / message_revisions -----------------------------------------------------------------------
    await q.query(`
      CREATE TABLE "messages" (
        "id"                      uuid        NOT NULL DEFAULT gen_random_uuid(),
        "account_id"              uuid        NOT NULL,
        "dialog_id"               uuid        NOT NULL,
        "channel_id"              uuid        NOT NULL,
        "direction"               text        NOT NULL,
        "kind"                    text        NOT NULL DEFAULT 'text',
        "text"                    text,
        "attachments"             jsonb       NOT NULL DEFAULT '[]',
        "location"                jsonb,
        "contact"                 jsonb,
        "context"                 jsonb,
        "external_id"             text,
        "reply_to_external_id"    text,
        "status"                  text        NOT NULL,
        "error_code"              text,
        "error_message"           text,
        "sender_external_user_id" text,
        "author_user_id"          uuid,
        "sent_at"                 timestamptz,
        "edited_at"               timestamptz,
        "deleted_at"              timestamptz,
        "created_at"              timestamptz NOT NULL DEFAULT now(),
        "updated_at"              timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "pk_messages" PRIMARY KEY ("id"),
        CONSTRAINT "fk_messages_account" FOREIGN KEY ("account_id") REFERENCES "accounts" ("id") ON DELETE CASCADE,
        CONSTRAINT "fk_messages_dialog" FOREIGN KEY ("dialog_id") REFERENCES "dialogs" ("id") ON DELETE CASCADE,
        CONSTRAINT "fk_messages_channel" FOREIGN KEY ("channel_id") REFERENCES "channels" ("id") ON DELETE CASCADE,
        CONSTRAINT "uq_messages_channel_direction_external_id" UNIQUE ("channel_id", "direction", "external_id"),
        CONSTRAINT "ck_messages_direction" CHECK ("direction" IN ('in', 'out')),
        CONSTRAINT "ck_messages_kind" CHECK ("kind" IN ('text', 'image', 'video', 'audio', 'voice', 'document', 'sticker', 'location', 'contact', 'unsupported')),
        CONSTRAINT "ck_messages_status" CHECK (
          ("direction" = 'in' AND "status" IN ('received'))
          OR ("direction" = 'out' AND "status" IN ('queued', 'sent', 'delivered', 'read', 'failed'))
        )
      )`);
    await q.query(`CREATE INDEX "idx_messages_account_id" ON "messages" ("account_id")`);
    await q.query(`CREATE INDEX "idx_messages_dialog_created" ON "messages" ("dialog_id", "created_at")`);

    await q.query(`
      CREATE TABLE "message_revisions" (
        "id"          uuid        NOT NULL DEFAULT gen_random_uuid(),
        "account_id"  uuid        NOT NULL,
        "message_id"  uuid        NOT NULL,
        "text"        text,
        "attachments" jsonb       NOT NULL DEFAULT '[]',
        "edited_at"   timestamptz NOT NULL,
        "created_at"  timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "pk_message_revisions" PRIMARY KEY ("id"),
        CONSTRAINT "fk_message_revisions_account" FOREIGN KEY ("account_id") REFERENCES "accounts" ("id") ON DELETE CASCADE,
        CONSTRAINT "fk_message_revisions_message" FOREIGN KEY ("message_id") REFERENCES "messages" ("id") ON DELETE CASCADE,
        CONSTRAINT "uq_message_revisions_message_edited_at" UNIQUE ("message_id", "edited_at")
      )`);
    await q.query(`CREATE INDEX "idx_message_revisions_account_id" ON "message_revisions" ("account_id")`);

    // --- outbox ---------------------------------------------------------------------------------------------
    await q.query(`
      CREATE TABLE "outbox" (
        "id"           bigserial   NOT NULL,
        "account_id"   uuid        NOT NULL,
        "topic"        text        NOT NULL,
        "message_key"  text        NOT NULL,
        "event_type"   text        NOT NULL,
        "payload"      jsonb,
        "headers"      jsonb       NOT NULL DEFAULT '{}',
        "created_at"   timestamptz NOT NULL DEFAULT now(),
        "published_at" timestamptz,
        CONSTRAINT "pk_outbox" PRIMARY KEY ("id"),
        CONSTRAINT "fk_outbox_account" FOREIGN KEY ("account_id") REFERENCES "accounts" ("id") ON DELETE CASCADE
      )`);
    await q.query(`CREATE INDEX "idx_outbox_account_id" ON "outbox" ("account_id")`);
    await q.query(`CREATE INDEX "idx_outbox_unpublished" ON "outbox" ("id") WHERE "published_at" IS NULL`);

    // --- integration_sync_jobs ------------------------------------------------------------------------------
    await q.query(`
      CREATE TABLE "integration_sync_jobs" (
        "id"              uuid        NOT NULL DEFAULT gen_random_uuid(),
        "account_id"      uuid        NOT NULL,
        "integration_id"  uuid        NOT NULL,
        "entity_type"     text        NOT NULL,
        "entity_id"       uuid        NOT NULL,
        "operation"       text        NOT NULL,
        "state"           text        NOT NULL DEFAULT 'pending',
        "attempts"        integer     NOT NULL DEFAULT 0,
        "next_attempt_at" timestamptz NOT NULL DEFAULT now(),
        "external_id"     text,
        "last_error"      text,
        "created_at"      timestamptz NOT NULL DEFAULT now(),
        "updated_at"      timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "pk_integration_sync_jobs" PRIMARY KEY ("id"),
        CONSTRAINT "fk_integration_sync_jobs_account" FOREIGN KEY ("account_id") REFERENCES "accounts" ("id") ON DELETE CASCADE,
        CONSTRAINT "fk_integration_sync_jobs_integration" FOREIGN KEY ("integration_id") REFERENCES "integrations" ("id") ON DELETE CASCADE,
        CONSTRAINT "uq_integration_sync_jobs_entity_operation" UNIQUE ("integration_id", "entity_type", "entity_id", "operation"),
        CONSTRAINT "ck_integration_sync_jobs_entity_type" CHECK ("entity_type" IN ('client', 'lead', 'message')),
        CONSTRAINT "ck_integration_sync_jobs_state" CHECK ("state" IN ('pending', 'in_progress', 'synced', 'failed', 'dead')),
        CONSTRAINT "ck_integration_sync_jobs_attempts" CHECK ("attempts" >= 0)
      )`);
    await q.query(`CREATE INDEX "idx_integration_sync_jobs_account_id" ON "integration_sync_jobs" ("account_id")`);
    await q.query(
      `CREATE INDEX "idx_integration_sync_jobs_state_next_attempt" ON "integration_sync_jobs" ("state", "next_attempt_at")`,
    );
    await q.query(`CREATE INDEX "idx_integration_sync_jobs_entity" ON "integration_sync_jobs" ("entity_type", "entity_id")`);

    // --- processed_events -----------------------------------------------------------------------------------
    await q.query(`
      CREATE TABLE "processed_events" (
        "consumer"     text        NOT NULL,
        "event_id"     text        NOT NULL,
        "processed_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "pk_processed_events" PRIMARY KEY ("consumer", "event_id")
      )`);
  }

  public async down(q: QueryRunner): Promise<void> {
    // Exact reverse of up(). Indexes, constraints and the outbox id sequence go with their tables.
    await q.query(`DROP TABLE "processed_events"`);
    await q.query(`DROP TABLE "integration_sync_jobs"`);
    await q.query(`DROP TABLE "outbox"`);
    await q.query(`DROP TABLE "message_revisions"`);
    await q.query(`DROP TABLE "messages"`);
    await q.query(`ALTER TABLE "dialogs" DROP CONSTRAINT "fk_dialogs_lead"`);
    await q.query(`DROP TABLE "leads"`);
    await q.query(`DROP TABLE "dialogs"`);
    await q.query(`DROP TABLE "client_identities"`);
    await q.query(`DROP TABLE "clients"`);
    await q.query(`DROP TABLE "channels"`);
    await q.query(`DROP TABLE "funnel_stages"`);
    await q.query(`DROP TABLE "funnels"`);
    await q.query(`DROP TABLE "integrations"`);
    await q.query(`DROP TABLE "accounts"`);
  }
}
