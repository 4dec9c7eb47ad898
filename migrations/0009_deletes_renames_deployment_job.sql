CREATE TABLE `model_redirects` (
	`old_name` text PRIMARY KEY NOT NULL,
	`model_id` text NOT NULL,
	`created_at` text NOT NULL,
	`created_by` text NOT NULL,
	FOREIGN KEY (`model_id`) REFERENCES `models`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
ALTER TABLE `models` ADD `deployment_job_id` text;--> statement-breakpoint
ALTER TABLE `models` ADD `deleted_at` text;--> statement-breakpoint
ALTER TABLE `versions` ADD `deleted_at` text;