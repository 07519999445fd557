DROP INDEX "appeals_review_token_key";--> statement-breakpoint
DROP INDEX "appeals_handling_unit_idx";--> statement-breakpoint
DROP INDEX "appeals_appellant_user_idx";--> statement-breakpoint
DROP INDEX "appeals_parent_idx";--> statement-breakpoint
CREATE UNIQUE INDEX "appeals_review_token_key" ON "appeals" USING btree ("review_token_hash") WHERE "appeals"."review_token_hash" is not null;--> statement-breakpoint
CREATE INDEX "appeals_handling_unit_idx" ON "appeals" USING btree ("handling_unit_id","state") WHERE "appeals"."handling_unit_id" is not null;--> statement-breakpoint
CREATE INDEX "appeals_appellant_user_idx" ON "appeals" USING btree ("appellant_user_id","received_at") WHERE "appeals"."appellant_user_id" is not null;--> statement-breakpoint
CREATE INDEX "appeals_parent_idx" ON "appeals" USING btree ("parent_id") WHERE "appeals"."parent_id" is not null;