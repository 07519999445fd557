CREATE SEQUENCE "public"."appeal_number_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1;--> statement-breakpoint
CREATE TABLE "appeal_assignments" (
	"id" uuid PRIMARY KEY NOT NULL,
	"appeal_id" uuid NOT NULL,
	"unit_id" uuid NOT NULL,
	"role" text NOT NULL,
	"round" integer NOT NULL,
	"active" boolean NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "appeal_assignments_role_check" CHECK ("appeal_assignments"."role" in ('lead','assisting','copy'))
);
--> statement-breakpoint
CREATE TABLE "appeal_imports" (
	"id" uuid PRIMARY KEY NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"actor_id" uuid,
	"file_name" text NOT NULL,
	"applied" boolean NOT NULL,
	"row_count" integer NOT NULL,
	"report" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "appeals" (
	"id" uuid PRIMARY KEY NOT NULL,
	"number" text NOT NULL,
	"source" text NOT NULL,
	"import_id" uuid,
	"channel" text NOT NULL,
	"type" text NOT NULL,
	"category_code" text,
	"content" text NOT NULL,
	"address" text,
	"lng" double precision,
	"lat" double precision,
	"territory_id" uuid NOT NULL,
	"territory_path" text NOT NULL,
	"urgency" text NOT NULL,
	"tier" text NOT NULL,
	"state" text NOT NULL,
	"round" integer NOT NULL,
	"version" integer NOT NULL,
	"appellant_name" text,
	"appellant_phone" text,
	"appellant_user_id" uuid,
	"confidential" boolean NOT NULL,
	"handling_unit_id" uuid,
	"hard_case" boolean DEFAULT false NOT NULL,
	"parent_id" uuid,
	"contacted" boolean DEFAULT false NOT NULL,
	"extension_requested_until" timestamp with time zone,
	"reply_due_at" timestamp with time zone,
	"reply" text,
	"replied_at" timestamp with time zone,
	"close_kind" text,
	"close_reason" text,
	"closed_at" timestamp with time zone,
	"review_token_hash" text,
	"received_at" timestamp with time zone NOT NULL,
	"created_by" uuid,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "appeals_source_check" CHECK ("appeals"."source" in ('live','import')),
	CONSTRAINT "appeals_channel_check" CHECK ("appeals"."channel" in ('hotline','web','mobile','wechat','patrol','api','import')),
	CONSTRAINT "appeals_type_check" CHECK ("appeals"."type" in ('consultation','help','complaint','report','suggestion')),
	CONSTRAINT "appeals_urgency_check" CHECK ("appeals"."urgency" in ('normal','urgent'))
);
--> statement-breakpoint
CREATE TABLE "attachments" (
	"id" uuid PRIMARY KEY NOT NULL,
	"appeal_id" uuid,
	"purpose" text NOT NULL,
	"storage_key" text NOT NULL,
	"file_name" text NOT NULL,
	"content_type" text NOT NULL,
	"kind" text NOT NULL,
	"size" integer NOT NULL,
	"sha256" text NOT NULL,
	"uploaded_by" uuid,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "attachments_kind_check" CHECK ("attachments"."kind" in ('image','video','audio','document'))
);
--> statement-breakpoint
CREATE TABLE "calendar_days" (
	"date" date PRIMARY KEY NOT NULL,
	"working" boolean NOT NULL,
	"name" text,
	"source" text,
	"updated_by" uuid,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "notifications" (
	"id" uuid PRIMARY KEY NOT NULL,
	"user_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"order_kind" text,
	"order_id" uuid,
	"data" jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"read_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "outbound_messages" (
	"id" uuid PRIMARY KEY NOT NULL,
	"channel" text NOT NULL,
	"recipient" text NOT NULL,
	"template" text NOT NULL,
	"data" jsonb NOT NULL,
	"order_kind" text,
	"order_id" uuid,
	"created_at" timestamp with time zone NOT NULL,
	"sent_at" timestamp with time zone,
	"error" text
);
--> statement-breakpoint
CREATE TABLE "sla_rules" (
	"id" uuid PRIMARY KEY NOT NULL,
	"category_code" text,
	"urgency" text,
	"unit_type" text,
	"tier" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sla_tiers" (
	"code" text PRIMARY KEY NOT NULL,
	"reply_unit" text NOT NULL,
	"reply_amount" integer NOT NULL,
	"accept_minutes" integer NOT NULL,
	"contact_minutes" integer NOT NULL,
	"warn_percent" integer NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sla_timers" (
	"id" uuid PRIMARY KEY NOT NULL,
	"order_kind" text NOT NULL,
	"order_id" uuid NOT NULL,
	"clock" text NOT NULL,
	"round" integer NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"warn_at" timestamp with time zone NOT NULL,
	"warned_at" timestamp with time zone,
	"overdue_at" timestamp with time zone,
	"paused_at" timestamp with time zone,
	"stopped_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "work_order_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"order_kind" text NOT NULL,
	"order_id" uuid NOT NULL,
	"seq" integer NOT NULL,
	"type" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"actor_id" uuid,
	"actor_unit_id" uuid,
	"round" integer NOT NULL,
	"from_state" text,
	"to_state" text,
	"internal" boolean NOT NULL,
	"data" jsonb NOT NULL
);
--> statement-breakpoint
ALTER TABLE "categories" ADD COLUMN "sla_tier" text;--> statement-breakpoint
ALTER TABLE "units" ADD COLUMN "appellant_phone_access" text DEFAULT 'masked' NOT NULL;--> statement-breakpoint
ALTER TABLE "appeal_assignments" ADD CONSTRAINT "appeal_assignments_appeal_id_appeals_id_fk" FOREIGN KEY ("appeal_id") REFERENCES "public"."appeals"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "appeal_assignments" ADD CONSTRAINT "appeal_assignments_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "appeals" ADD CONSTRAINT "appeals_import_id_appeal_imports_id_fk" FOREIGN KEY ("import_id") REFERENCES "public"."appeal_imports"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "appeals" ADD CONSTRAINT "appeals_category_code_categories_code_fk" FOREIGN KEY ("category_code") REFERENCES "public"."categories"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "appeals" ADD CONSTRAINT "appeals_territory_id_territories_id_fk" FOREIGN KEY ("territory_id") REFERENCES "public"."territories"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "appeals" ADD CONSTRAINT "appeals_appellant_user_id_users_id_fk" FOREIGN KEY ("appellant_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "appeals" ADD CONSTRAINT "appeals_handling_unit_id_units_id_fk" FOREIGN KEY ("handling_unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "appeals" ADD CONSTRAINT "appeals_parent_id_appeals_id_fk" FOREIGN KEY ("parent_id") REFERENCES "public"."appeals"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "attachments" ADD CONSTRAINT "attachments_appeal_id_appeals_id_fk" FOREIGN KEY ("appeal_id") REFERENCES "public"."appeals"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sla_rules" ADD CONSTRAINT "sla_rules_category_code_categories_code_fk" FOREIGN KEY ("category_code") REFERENCES "public"."categories"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sla_rules" ADD CONSTRAINT "sla_rules_tier_sla_tiers_code_fk" FOREIGN KEY ("tier") REFERENCES "public"."sla_tiers"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "appeal_assignments_unit_idx" ON "appeal_assignments" USING btree ("unit_id","active");--> statement-breakpoint
CREATE INDEX "appeal_assignments_appeal_idx" ON "appeal_assignments" USING btree ("appeal_id");--> statement-breakpoint
CREATE UNIQUE INDEX "appeals_number_key" ON "appeals" USING btree ("number");--> statement-breakpoint
CREATE UNIQUE INDEX "appeals_review_token_key" ON "appeals" USING btree ("review_token_hash");--> statement-breakpoint
CREATE INDEX "appeals_territory_path_idx" ON "appeals" USING btree ("territory_path" text_pattern_ops,"received_at");--> statement-breakpoint
CREATE INDEX "appeals_received_idx" ON "appeals" USING btree ("received_at","id");--> statement-breakpoint
CREATE INDEX "appeals_state_idx" ON "appeals" USING btree ("state","received_at");--> statement-breakpoint
CREATE INDEX "appeals_handling_unit_idx" ON "appeals" USING btree ("handling_unit_id","state");--> statement-breakpoint
CREATE INDEX "appeals_appellant_phone_idx" ON "appeals" USING btree ("appellant_phone","received_at");--> statement-breakpoint
CREATE INDEX "appeals_appellant_user_idx" ON "appeals" USING btree ("appellant_user_id","received_at");--> statement-breakpoint
CREATE INDEX "appeals_parent_idx" ON "appeals" USING btree ("parent_id");--> statement-breakpoint
CREATE INDEX "appeals_category_received_idx" ON "appeals" USING btree ("category_code","received_at");--> statement-breakpoint
CREATE INDEX "attachments_appeal_idx" ON "attachments" USING btree ("appeal_id");--> statement-breakpoint
CREATE INDEX "notifications_user_idx" ON "notifications" USING btree ("user_id","created_at");--> statement-breakpoint
CREATE INDEX "outbound_messages_unsent_idx" ON "outbound_messages" USING btree ("created_at") WHERE "outbound_messages"."sent_at" is null;--> statement-breakpoint
CREATE INDEX "sla_timers_order_idx" ON "sla_timers" USING btree ("order_kind","order_id");--> statement-breakpoint
CREATE INDEX "sla_timers_open_warn_idx" ON "sla_timers" USING btree ("warn_at") WHERE "sla_timers"."stopped_at" is null and "sla_timers"."warned_at" is null;--> statement-breakpoint
CREATE INDEX "sla_timers_open_due_idx" ON "sla_timers" USING btree ("due_at") WHERE "sla_timers"."stopped_at" is null and "sla_timers"."overdue_at" is null;--> statement-breakpoint
CREATE UNIQUE INDEX "work_order_events_order_seq_key" ON "work_order_events" USING btree ("order_kind","order_id","seq");--> statement-breakpoint
CREATE INDEX "work_order_events_type_at_idx" ON "work_order_events" USING btree ("type","at");--> statement-breakpoint
ALTER TABLE "units" ADD CONSTRAINT "units_appellant_phone_access_check" CHECK ("units"."appellant_phone_access" in ('masked','full'));