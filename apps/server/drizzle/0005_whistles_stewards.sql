CREATE SEQUENCE "public"."whistle_number_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1;--> statement-breakpoint
CREATE TABLE "job_watermarks" (
	"name" text PRIMARY KEY NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"last_id" uuid,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "steward_cases" (
	"id" uuid PRIMARY KEY NOT NULL,
	"appeal_id" uuid NOT NULL,
	"post_id" uuid NOT NULL,
	"first_post_id" uuid NOT NULL,
	"state" text NOT NULL,
	"version" integer NOT NULL,
	"asked_at" timestamp with time zone NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"answer" text,
	"answered_at" timestamp with time zone,
	"answered_by" uuid,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "steward_cases_state_check" CHECK ("steward_cases"."state" in ('waiting','answered','lapsed'))
);
--> statement-breakpoint
CREATE TABLE "steward_posts" (
	"id" uuid PRIMARY KEY NOT NULL,
	"street_id" uuid NOT NULL,
	"parent_id" uuid,
	"level" text NOT NULL,
	"name" text NOT NULL,
	"territory_id" uuid NOT NULL,
	"territory_path" text NOT NULL,
	"geometry" jsonb,
	"steward_user_id" uuid,
	"steward_name" text NOT NULL,
	"steward_phone" text,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "steward_posts_level_check" CHECK ("steward_posts"."level" in ('street','area','lane','courtyard'))
);
--> statement-breakpoint
CREATE TABLE "whistle_check_in_limits" (
	"urgency" text PRIMARY KEY NOT NULL,
	"minutes" integer NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"updated_by" uuid
);
--> statement-breakpoint
CREATE TABLE "whistle_summons" (
	"id" uuid PRIMARY KEY NOT NULL,
	"whistle_id" uuid NOT NULL,
	"unit_id" uuid NOT NULL,
	"role" text NOT NULL,
	"state" text NOT NULL,
	"summoned_at" timestamp with time zone NOT NULL,
	"check_in_due_at" timestamp with time zone NOT NULL,
	"checked_in_at" timestamp with time zone,
	"checked_in_by" uuid,
	"late" boolean NOT NULL,
	"missed_at" timestamp with time zone,
	"responsible_name" text,
	"responsible_phone" text,
	"part" text,
	"part_at" timestamp with time zone,
	"withdrawn_at" timestamp with time zone,
	"withdraw_reason" text,
	CONSTRAINT "whistle_summons_role_check" CHECK ("whistle_summons"."role" in ('lead','assisting')),
	CONSTRAINT "whistle_summons_state_check" CHECK ("whistle_summons"."state" in ('summoned','missed','checkedIn','partReported','withdrawn'))
);
--> statement-breakpoint
CREATE TABLE "whistles" (
	"id" uuid PRIMARY KEY NOT NULL,
	"number" text NOT NULL,
	"state" text NOT NULL,
	"version" integer NOT NULL,
	"title" text NOT NULL,
	"reason" text NOT NULL,
	"urgency" text NOT NULL,
	"territory_id" uuid NOT NULL,
	"territory_path" text NOT NULL,
	"address" text,
	"lng" double precision,
	"lat" double precision,
	"level" text NOT NULL,
	"responsible_territory_id" uuid NOT NULL,
	"appeal_id" uuid,
	"lead_unit_id" uuid NOT NULL,
	"blown_by" uuid NOT NULL,
	"blower_unit_id" uuid,
	"check_in_due_at" timestamp with time zone NOT NULL,
	"meeting_at" timestamp with time zone,
	"meeting_place" text,
	"due_at" timestamp with time zone,
	"result" text,
	"result_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	"cancel_reason" text,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "whistles_state_check" CHECK ("whistles"."state" in ('summoning','handling','resultReported','closed','cancelled')),
	CONSTRAINT "whistles_urgency_check" CHECK ("whistles"."urgency" in ('normal','urgent')),
	CONSTRAINT "whistles_level_check" CHECK ("whistles"."level" in ('grid','community','street','district'))
);
--> statement-breakpoint
ALTER TABLE "steward_cases" ADD CONSTRAINT "steward_cases_appeal_id_appeals_id_fk" FOREIGN KEY ("appeal_id") REFERENCES "public"."appeals"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "steward_cases" ADD CONSTRAINT "steward_cases_post_id_steward_posts_id_fk" FOREIGN KEY ("post_id") REFERENCES "public"."steward_posts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "steward_cases" ADD CONSTRAINT "steward_cases_first_post_id_steward_posts_id_fk" FOREIGN KEY ("first_post_id") REFERENCES "public"."steward_posts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "steward_cases" ADD CONSTRAINT "steward_cases_answered_by_users_id_fk" FOREIGN KEY ("answered_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "steward_posts" ADD CONSTRAINT "steward_posts_street_id_territories_id_fk" FOREIGN KEY ("street_id") REFERENCES "public"."territories"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "steward_posts" ADD CONSTRAINT "steward_posts_parent_id_steward_posts_id_fk" FOREIGN KEY ("parent_id") REFERENCES "public"."steward_posts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "steward_posts" ADD CONSTRAINT "steward_posts_territory_id_territories_id_fk" FOREIGN KEY ("territory_id") REFERENCES "public"."territories"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "steward_posts" ADD CONSTRAINT "steward_posts_steward_user_id_users_id_fk" FOREIGN KEY ("steward_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "whistle_summons" ADD CONSTRAINT "whistle_summons_whistle_id_whistles_id_fk" FOREIGN KEY ("whistle_id") REFERENCES "public"."whistles"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "whistle_summons" ADD CONSTRAINT "whistle_summons_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "whistle_summons" ADD CONSTRAINT "whistle_summons_checked_in_by_users_id_fk" FOREIGN KEY ("checked_in_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "whistles" ADD CONSTRAINT "whistles_territory_id_territories_id_fk" FOREIGN KEY ("territory_id") REFERENCES "public"."territories"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "whistles" ADD CONSTRAINT "whistles_responsible_territory_id_territories_id_fk" FOREIGN KEY ("responsible_territory_id") REFERENCES "public"."territories"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "whistles" ADD CONSTRAINT "whistles_appeal_id_appeals_id_fk" FOREIGN KEY ("appeal_id") REFERENCES "public"."appeals"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "whistles" ADD CONSTRAINT "whistles_lead_unit_id_units_id_fk" FOREIGN KEY ("lead_unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "whistles" ADD CONSTRAINT "whistles_blown_by_users_id_fk" FOREIGN KEY ("blown_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "whistles" ADD CONSTRAINT "whistles_blower_unit_id_units_id_fk" FOREIGN KEY ("blower_unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "steward_cases_appeal_key" ON "steward_cases" USING btree ("appeal_id");--> statement-breakpoint
CREATE INDEX "steward_cases_post_idx" ON "steward_cases" USING btree ("post_id","state");--> statement-breakpoint
CREATE INDEX "steward_posts_street_idx" ON "steward_posts" USING btree ("street_id");--> statement-breakpoint
CREATE INDEX "steward_posts_user_idx" ON "steward_posts" USING btree ("steward_user_id") WHERE "steward_posts"."steward_user_id" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "whistle_summons_whistle_unit_key" ON "whistle_summons" USING btree ("whistle_id","unit_id");--> statement-breakpoint
CREATE INDEX "whistle_summons_unit_idx" ON "whistle_summons" USING btree ("unit_id","state");--> statement-breakpoint
CREATE UNIQUE INDEX "whistles_number_key" ON "whistles" USING btree ("number");--> statement-breakpoint
CREATE INDEX "whistles_territory_path_idx" ON "whistles" USING btree ("territory_path" text_pattern_ops,"created_at");--> statement-breakpoint
CREATE INDEX "whistles_state_idx" ON "whistles" USING btree ("state","created_at");--> statement-breakpoint
CREATE INDEX "whistles_appeal_idx" ON "whistles" USING btree ("appeal_id") WHERE "whistles"."appeal_id" is not null;--> statement-breakpoint
CREATE INDEX "whistles_blower_unit_idx" ON "whistles" USING btree ("blower_unit_id") WHERE "whistles"."blower_unit_id" is not null;