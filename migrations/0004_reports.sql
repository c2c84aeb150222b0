ALTER TABLE `leads` ADD `sla_due_at` integer;--> statement-breakpoint
ALTER TABLE `leads` ADD `deal_at` integer;--> statement-breakpoint
ALTER TABLE `leads` ADD `refused_at` integer;--> statement-breakpoint
ALTER TABLE `leads` ADD `deal_amount` integer;--> statement-breakpoint
CREATE INDEX `leads_report_owned` ON `leads` (`owner_id`,`created_at`,`responded_at`,`sla_due_at`,`deal_at`,`deal_amount`);--> statement-breakpoint
CREATE INDEX `leads_report_deal` ON `leads` (`owner_id`,`deal_at`,`deal_amount`);--> statement-breakpoint
CREATE INDEX `leads_report_refused` ON `leads` (`owner_id`,`refused_at`,`refusal_reason`);--> statement-breakpoint
CREATE INDEX `leads_report_created` ON `leads` (`created_at`,`source`,`category_id`,`deal_at`,`deal_amount`);--> statement-breakpoint
CREATE INDEX `call_attempts_report` ON `call_attempts` (`operator_id`,`result`,`started_at`,`ring_ms`);--> statement-breakpoint
CREATE INDEX `calls_report_talk` ON `calls` (`answered_by`,`started_at`,`talk_ms`);--> statement-breakpoint
CREATE INDEX `calls_report_source` ON `calls` (`started_at`,`direction`,`source`,`category_id`);