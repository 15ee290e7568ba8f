# Models arrive with the notifications issue.
