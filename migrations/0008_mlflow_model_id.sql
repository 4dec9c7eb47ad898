ALTER TABLE `versions` ADD `mlflow_model_id` text;--> statement-breakpoint
CREATE INDEX `versions_by_mlflow_model_id` ON `versions` (`mlflow_model_id`);