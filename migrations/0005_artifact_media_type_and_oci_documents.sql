CREATE TABLE `oci_documents` (
	`digest` text PRIMARY KEY NOT NULL,
	`version_id` text NOT NULL,
	`media_type` text NOT NULL,
	`body` text NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`version_id`) REFERENCES `versions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
ALTER TABLE `artifacts` ADD `media_type` text;