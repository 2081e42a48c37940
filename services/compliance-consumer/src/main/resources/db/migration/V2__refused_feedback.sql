-- A refused post to a service's feedback endpoint is an invocation event marked with the endpoint
-- (detail "endpoint" = "feedback"): counted apart from hook calls in the reports.
alter table invocation add column at_feedback boolean not null default false;
