CREATE TABLE "categories" (
	"code" text PRIMARY KEY NOT NULL,
	"parent_code" text,
	"level" integer NOT NULL,
	"name_zh" text NOT NULL,
	"name_en" text NOT NULL,
	"active" boolean DEFAULT true NOT NULL
);
--> statement-breakpoint
CREATE TABLE "change_counters" (
	"name" text PRIMARY KEY NOT NULL,
	"version" bigint NOT NULL,
	"changed_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "dispatch_rules" (
	"id" uuid PRIMARY KEY NOT NULL,
	"category_code" text,
	"territory_id" uuid NOT NULL,
	"unit_id" uuid,
	"unit_type" text,
	"copy_to_unit_id" uuid,
	"priority" integer DEFAULT 0 NOT NULL,
	"note" text,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "dispatch_rules_target" CHECK (("dispatch_rules"."unit_id" is not null) <> ("dispatch_rules"."unit_type" is not null))
);
--> statement-breakpoint
CREATE TABLE "gazetteer_entries" (
	"id" uuid PRIMARY KEY NOT NULL,
	"territory_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"name" text NOT NULL,
	"aliases" jsonb NOT NULL,
	"point" jsonb,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "gazetteer_entries_kind_check" CHECK ("gazetteer_entries"."kind" in ('road','compound','building','landmark'))
);
--> statement-breakpoint
CREATE TABLE "grid_cards" (
	"territory_id" uuid PRIMARY KEY NOT NULL,
	"supervision_phone" text,
	"duties" jsonb NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "grid_staff" (
	"id" uuid PRIMARY KEY NOT NULL,
	"grid_id" uuid NOT NULL,
	"user_id" uuid,
	"name" text NOT NULL,
	"phone" text,
	"position" text NOT NULL,
	"starts_on" date NOT NULL,
	"ends_on" date,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "grid_staff_position_check" CHECK ("grid_staff"."position" in ('gridLeader','gridWorker','partTimeGridWorker','gridAdviser'))
);
--> statement-breakpoint
CREATE TABLE "households" (
	"id" uuid PRIMARY KEY NOT NULL,
	"territory_id" uuid NOT NULL,
	"address" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "residents" (
	"id" uuid PRIMARY KEY NOT NULL,
	"household_id" uuid NOT NULL,
	"name" text NOT NULL,
	"gender" text,
	"birth_year" integer,
	"id_number" text,
	"phone" text,
	"relation" text,
	"tags" jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "territory_imports" (
	"id" uuid PRIMARY KEY NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"actor_id" uuid,
	"format" text NOT NULL,
	"crs" text NOT NULL,
	"applied" boolean NOT NULL,
	"report" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "territory_risk_changes" (
	"id" uuid PRIMARY KEY NOT NULL,
	"territory_id" uuid NOT NULL,
	"color" text NOT NULL,
	"previous_color" text,
	"reason" text NOT NULL,
	"actor_id" uuid,
	"at" timestamp with time zone NOT NULL,
	CONSTRAINT "territory_risk_changes_color_check" CHECK ("territory_risk_changes"."color" in ('red','yellow','green'))
);
--> statement-breakpoint
ALTER TABLE "territories" ADD COLUMN "bbox" jsonb;--> statement-breakpoint
ALTER TABLE "territories" ADD COLUMN "households" integer;--> statement-breakpoint
ALTER TABLE "territories" ADD COLUMN "population" integer;--> statement-breakpoint
ALTER TABLE "territories" ADD COLUMN "risk_color" text;--> statement-breakpoint
ALTER TABLE "categories" ADD CONSTRAINT "categories_parent_code_categories_code_fk" FOREIGN KEY ("parent_code") REFERENCES "public"."categories"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dispatch_rules" ADD CONSTRAINT "dispatch_rules_category_code_categories_code_fk" FOREIGN KEY ("category_code") REFERENCES "public"."categories"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dispatch_rules" ADD CONSTRAINT "dispatch_rules_territory_id_territories_id_fk" FOREIGN KEY ("territory_id") REFERENCES "public"."territories"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dispatch_rules" ADD CONSTRAINT "dispatch_rules_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dispatch_rules" ADD CONSTRAINT "dispatch_rules_copy_to_unit_id_units_id_fk" FOREIGN KEY ("copy_to_unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "gazetteer_entries" ADD CONSTRAINT "gazetteer_entries_territory_id_territories_id_fk" FOREIGN KEY ("territory_id") REFERENCES "public"."territories"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "grid_cards" ADD CONSTRAINT "grid_cards_territory_id_territories_id_fk" FOREIGN KEY ("territory_id") REFERENCES "public"."territories"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "grid_staff" ADD CONSTRAINT "grid_staff_grid_id_territories_id_fk" FOREIGN KEY ("grid_id") REFERENCES "public"."territories"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "grid_staff" ADD CONSTRAINT "grid_staff_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "households" ADD CONSTRAINT "households_territory_id_territories_id_fk" FOREIGN KEY ("territory_id") REFERENCES "public"."territories"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "residents" ADD CONSTRAINT "residents_household_id_households_id_fk" FOREIGN KEY ("household_id") REFERENCES "public"."households"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "territory_risk_changes" ADD CONSTRAINT "territory_risk_changes_territory_id_territories_id_fk" FOREIGN KEY ("territory_id") REFERENCES "public"."territories"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "categories_parent_idx" ON "categories" USING btree ("parent_code");--> statement-breakpoint
CREATE INDEX "dispatch_rules_territory_idx" ON "dispatch_rules" USING btree ("territory_id");--> statement-breakpoint
CREATE INDEX "gazetteer_entries_territory_idx" ON "gazetteer_entries" USING btree ("territory_id");--> statement-breakpoint
CREATE INDEX "grid_staff_grid_idx" ON "grid_staff" USING btree ("grid_id");--> statement-breakpoint
CREATE INDEX "households_territory_idx" ON "households" USING btree ("territory_id");--> statement-breakpoint
CREATE INDEX "residents_household_idx" ON "residents" USING btree ("household_id");--> statement-breakpoint
CREATE INDEX "territory_risk_changes_territory_idx" ON "territory_risk_changes" USING btree ("territory_id","at");--> statement-breakpoint
ALTER TABLE "territories" ADD CONSTRAINT "territories_risk_color_check" CHECK ("territories"."risk_color" in ('red','yellow','green'));