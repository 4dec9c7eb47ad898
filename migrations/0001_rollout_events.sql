CREATE TABLE `rollout_events` (
	`rollout_id` text NOT NULL,
	`seq` integer NOT NULL,
	`action` text NOT NULL,
	`weight_bp_before` integer,
	`weight_bp_after` integer,
	`actor` text NOT NULL,
	`reason` text DEFAULT '' NOT NULL,
	`evidence` text,
	`at` text NOT NULL,
	PRIMARY KEY(`rollout_id`, `seq`),
	FOREIGN KEY (`rollout_id`) REFERENCES `rollouts`(`id`) ON UPDATE no action ON DELETE no action
);
