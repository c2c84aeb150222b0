-- A supervisor's verdict on one QA finding of a call: "wrong" (the rule fired where it should not
-- have). The finding is its place in the call's qa_results.findings; its rule is kept beside it, so a
-- verdict counts against the rule that fired and a later re-check that moved findings drops it.
CREATE TABLE `qa_finding_verdicts` (
	`call_id` text NOT NULL,
	`finding_index` integer NOT NULL,
	`rule_id` text NOT NULL,
	`verdict` text NOT NULL,
	`note` text,
	`marked_by` text NOT NULL,
	`marked_at` integer NOT NULL,
	PRIMARY KEY(`call_id`, `finding_index`),
	FOREIGN KEY (`call_id`) REFERENCES `calls`(`call_id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `qa_finding_verdicts_rule` ON `qa_finding_verdicts` (`rule_id`);
