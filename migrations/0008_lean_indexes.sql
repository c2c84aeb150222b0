-- Fewer index pages written per call. Every index a row is in is a page its commit writes (two
-- WAL writes each). Three indexes were the first columns of wider ones, which serve their queries
-- as well; and indexes on columns most rows leave empty now hold only the rows that have a value
-- (every query they serve asks for a value: `x = ?`, `x >= ?`, `x IS NOT NULL`).
DROP INDEX `calls_started`;
--> statement-breakpoint
DROP INDEX `calls_answered_by`;
--> statement-breakpoint
DROP INDEX `leads_created`;
--> statement-breakpoint
DROP INDEX `calls_queued`;
--> statement-breakpoint
CREATE INDEX `calls_queued` ON `calls` (`queued_at`) WHERE queued_at IS NOT NULL;
--> statement-breakpoint
DROP INDEX `calls_lead`;
--> statement-breakpoint
CREATE INDEX `calls_lead` ON `calls` (`lead_id`) WHERE lead_id IS NOT NULL;
--> statement-breakpoint
DROP INDEX `calls_report_talk`;
--> statement-breakpoint
CREATE INDEX `calls_report_talk` ON `calls` (`answered_by`,`started_at`,`talk_ms`) WHERE answered_by IS NOT NULL;
--> statement-breakpoint
DROP INDEX `customers_merged_into`;
--> statement-breakpoint
CREATE INDEX `customers_merged_into` ON `customers` (`merged_into`) WHERE merged_into IS NOT NULL;
--> statement-breakpoint
DROP INDEX `leads_email_open`;
--> statement-breakpoint
CREATE INDEX `leads_email_open` ON `leads` (`email`,`closed_at`) WHERE email IS NOT NULL;
--> statement-breakpoint
DROP INDEX `leads_external_id_open`;
--> statement-breakpoint
CREATE INDEX `leads_external_id_open` ON `leads` (`external_id`,`closed_at`) WHERE external_id IS NOT NULL;
--> statement-breakpoint
DROP INDEX `leads_report_deal`;
--> statement-breakpoint
CREATE INDEX `leads_report_deal` ON `leads` (`owner_id`,`deal_at`,`deal_amount`) WHERE deal_at IS NOT NULL;
--> statement-breakpoint
DROP INDEX `leads_report_refused`;
--> statement-breakpoint
CREATE INDEX `leads_report_refused` ON `leads` (`owner_id`,`refused_at`,`refusal_reason`) WHERE refused_at IS NOT NULL;
